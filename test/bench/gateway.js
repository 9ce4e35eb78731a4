// Gateway figures for npm run bench: a 256 MiB DAG as a CAR, served by a
// `dcx daemon`'s Trustless Gateway to curl, against `dcx dag export -o` of the
// same DAG to a file, in the same run, alternated; with the daemon's peak RSS
// and the machine's load average (other work shares the cores).
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DCX, MiB, median, dcx, daemon, makeRandomFile } from './common.js'


/** Run a command to completion; resolve with its wall time in ms */
function timed (cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const t = performance.now()
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', d => { stderr += d })
    child.on('close', code => code === 0 ? resolve(performance.now() - t) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`)))
  })
}

export async function gatewayRows ({ quick }) {
  const dir = await mkdtemp(join(tmpdir(), 'dcx-bench-gateway-'))
  let d
  try {
    const repo = join(dir, 'repo')
    dcx(['init'], repo)
    const size = 256 * MiB
    const file = join(dir, 'data.bin')
    await makeRandomFile(file, size, 3)
    const cid = dcx(['add', '-Q', file], repo).trim()
    await rm(file)
    d = await daemon(repo)
    const loadBefore = loadavg()[0]

    process.stderr.write(`gateway: ${size / MiB} MiB CAR, dag export -o and curl from the gateway, alternated...\n`)
    const exportOut = join(dir, 'export.car')
    const curlOut = join(dir, 'curl.car')
    const runs = quick ? 2 : 5
    const exports = []
    const curls = []
    let peakKiB = 0
    const poll = setInterval(async () => {
      try { peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+)/.exec(await readFile(`/proc/${d.child.pid}/status`, 'utf8'))[1])) } catch {}
    }, 100)
    // one of each first, to warm the page cache for both
    await timed(DCX, ['dag', 'export', cid, '-o', exportOut], { DCX_PATH: repo })
    await timed('curl', ['-sf', '-o', curlOut, `${d.gateway}/ipfs/${cid}?format=car`])
    for (let i = 0; i < runs; i++) {
      await rm(exportOut, { force: true })
      await rm(curlOut, { force: true })
      exports.push(await timed(DCX, ['dag', 'export', cid, '-o', exportOut], { DCX_PATH: repo }))
      curls.push(await timed('curl', ['-sf', '-o', curlOut, `${d.gateway}/ipfs/${cid}?format=car`]))
    }
    clearInterval(poll)
    const carBytes = (await stat(curlOut)).size
    if (carBytes !== (await stat(exportOut)).size || !(await readFile(curlOut)).equals(await readFile(exportOut))) throw new Error('the gateway\'s CAR differs from dag export\'s')
    const loadAfter = loadavg()[0]
    const rate = ms => carBytes / 1e6 / (ms / 1000)
    const ratios = curls.map((c, i) => exports[i] / c)
    return [
      `| Trustless Gateway: ${size / MiB} MiB DAG as \`?format=car\` to \`curl -o\` (median of ${runs}) | ${rate(median(curls)).toFixed(0)} MB/s, ${median(ratios).toFixed(2)}x \`dcx dag export -o\` of the same DAG (run by run: ${ratios.map(r => r.toFixed(2)).join(', ')}); daemon peak RSS ${(peakKiB / 1024).toFixed(0)} MiB |`,
      `| reference: \`dcx dag export -o\` of that DAG, same run, alternated (a cold process each time) | ${rate(median(exports)).toFixed(0)} MB/s; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after |`
    ]
  } finally {
    await d?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log((await gatewayRows({ quick: process.argv.includes('--quick') })).join('\n'))
}

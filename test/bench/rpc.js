// Kubo RPC figures for npm run bench: kubo-rpc-client's `add` of a 256 MiB file
// through a `dcx daemon`'s RPC, against `dcx add` of the same file in the same
// run, alternated (each a cold process; the CIDs must agree); with the daemon's
// peak RSS and the machine's load average (other work shares the cores).
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ROOT, DCX, NODE, MiB, median, dcx, daemon, makeRandomFile } from './common.js'

const CLIENT = join(ROOT, 'test/bench/rpc-add-client.js')

/** Run a command to completion; resolve with its wall time in ms and its stdout */
function timed (cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const t = performance.now()
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    child.on('close', code => code === 0 ? resolve({ ms: performance.now() - t, out: stdout.trim() }) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`)))
  })
}

export async function rpcRows ({ quick }) {
  const dir = await mkdtemp(join(tmpdir(), 'dcx-bench-rpc-'))
  let d
  try {
    const repo = join(dir, 'repo')
    dcx(['init'], repo)
    const size = 256 * MiB
    const file = join(dir, 'data.bin')
    await makeRandomFile(file, size, 5)
    d = await daemon(repo)
    const loadBefore = loadavg()[0]
    process.stderr.write(`rpc: ${size / MiB} MiB, dcx add and kubo-rpc-client add through the RPC, alternated...\n`)
    const runs = quick ? 2 : 5
    const adds = []
    const rpcs = []
    let peakKiB = 0
    const poll = setInterval(async () => {
      try { peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+)/.exec(await readFile(`/proc/${d.child.pid}/status`, 'utf8'))[1])) } catch {}
    }, 100)
    // one of each first: the page cache warm for both, and the blocks in the repo for both
    const want = (await timed(DCX, ['add', '-Q', file], { DCX_PATH: repo })).out
    const got = (await timed(NODE, [CLIENT, d.rpc, file])).out
    if (got !== want) throw new Error(`the RPC's add gave ${got}, dcx add ${want}`)
    for (let i = 0; i < runs; i++) {
      adds.push((await timed(DCX, ['add', '-Q', file], { DCX_PATH: repo })).ms)
      rpcs.push((await timed(NODE, [CLIENT, d.rpc, file])).ms)
    }
    clearInterval(poll)
    const loadAfter = loadavg()[0]
    const rate = ms => size / 1e6 / (ms / 1000)
    const ratios = rpcs.map((r, i) => adds[i] / r)
    return [
      `| Kubo RPC: kubo-rpc-client \`add\` of ${size / MiB} MiB through the daemon's RPC (a cold client process; median of ${runs}) | ${rate(median(rpcs)).toFixed(0)} MB/s, ${median(ratios).toFixed(2)}x \`dcx add\` of the same file (run by run: ${ratios.map(r => r.toFixed(2)).join(', ')}); daemon peak RSS ${(peakKiB / 1024).toFixed(0)} MiB |`,
      `| reference: \`dcx add -Q\` of that file with the daemon running, same run, alternated (a cold process each time) | ${rate(median(adds)).toFixed(0)} MB/s; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after |`
    ]
  } finally {
    await d?.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log((await rpcRows({ quick: process.argv.includes('--quick') })).join('\n'))
}

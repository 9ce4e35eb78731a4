// npm run bench: dcx's speed figures, measured through the CLI as a user runs it.
//   node test/bench/run.js [--quick] [--write-docs]
// --quick: 256 MiB instead of 1 GiB and fewer runs; --write-docs: update docs/benchmarks.md;
// --runtime: only the WebAssembly runtime's figures (test/bench/runtime.js);
// --jobs: only the job figures (test/bench/jobs.js); --net: only the daemon figures (test/bench/net.js);
// --gateway: only the Trustless Gateway figures (test/bench/gateway.js)
// --rpc: only the Kubo RPC figures (test/bench/rpc.js)
// --paths: only the local data paths against their references (test/bench/paths.js)
// --map: only the map/reduce figures (test/bench/map.js); --map-mib N: the word count's size (default 256, 64 with --quick)
import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm, readFile, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const DCX = join(ROOT, 'bin/dcx')
const NODE = join(ROOT, 'node_modules/node/bin/node')
const quick = process.argv.includes('--quick')
const writeDocs = process.argv.includes('--write-docs')
const runtimeOnly = process.argv.includes('--runtime')
const jobsOnly = process.argv.includes('--jobs')
const netOnly = process.argv.includes('--net')
const gatewayOnly = process.argv.includes('--gateway')
const rpcOnly = process.argv.includes('--rpc')
const MiB = 1 << 20
const pathsOnly = process.argv.includes('--paths')
const mapOnly = process.argv.includes('--map')

const median = xs => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }

/** Run a command; resolve with wall time and peak RSS (from /proc, polled) */
function timed (cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let peakKiB = 0
    let stderr = ''
    const poll = setInterval(async () => {
      try {
        const status = await readFile(`/proc/${child.pid}/status`, 'utf8')
        peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0))
      } catch {}
    }, 20)
    child.stderr.on('data', d => { stderr += d })
    child.stdout.resume()
    const timeout = setTimeout(() => child.kill('SIGKILL'), 600_000)
    child.on('close', code => {
      clearInterval(poll)
      clearTimeout(timeout)
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`))
      else resolve({ ms, peakMiB: peakKiB / 1024 })
    })
  })
}

/** Median wall time of a short command over n runs after warm-ups */
async function coldStart (cmd, args, n, env) {
  for (let i = 0; i < 2; i++) await timed(cmd, args, env)
  const times = []
  for (let i = 0; i < n; i++) times.push((await timed(cmd, args, env)).ms)
  return median(times)
}

const { runtimeRows } = await import('./runtime.js')
const { jobRows } = await import('./jobs.js')
const { netRows } = await import('./net.js')
const { gatewayRows } = await import('./gateway.js')
const { rpcRows } = await import('./rpc.js')
const { pathRows } = await import('./paths.js')
const { mapRows } = await import('./map.js')

const cpu = cpus()[0]?.model ?? 'unknown CPU'
const node = spawnSync(NODE, ['--version']).stdout.toString().trim()
const machine = `${cpus().length} cores, ${cpu}, Node ${node}, ${new Date().toISOString().slice(0, 10)}${quick ? ' (--quick)' : ''}`
if (gatewayOnly) {
  console.log(`${machine}\n\n| gateway measure | figure |\n|---|---|\n${(await gatewayRows({ quick })).join('\n')}`)
  process.exit(0)
}
if (rpcOnly) {
  console.log(`${machine}\n\n| Kubo RPC measure | figure |\n|---|---|\n${(await rpcRows({ quick })).join('\n')}`)
  process.exit(0)
}
if (netOnly) {
  console.log(`${machine}\n\n| network measure | figure |\n|---|---|\n${(await netRows({ quick })).join('\n')}`)
  process.exit(0)
}
if (mapOnly) {
  console.log(`${machine}\n\n| map/reduce measure | figure |\n|---|---|\n${(await mapRows({ quick, mapMiB: process.argv.includes('--map-mib') ? Number(process.argv[process.argv.indexOf('--map-mib') + 1]) : undefined })).join('\n')}`)
  process.exit(0)
}
if (pathsOnly) {
  console.log(`${machine}\n\n| local data path | figure |\n|---|---|\n${(await pathRows({ quick })).join('\n')}`)
  process.exit(0)
}
if (jobsOnly) {
  console.log(`${machine}\n\n| job measure | figure |\n|---|---|\n${(await jobRows({ quick })).join('\n')}`)
  process.exit(0)
}
const runtimeTable = ['| runtime measure | figure |', '|---|---|', ...await runtimeRows({ quick })].join('\n')
if (runtimeOnly) {
  console.log(`${machine}\n\n${runtimeTable}`)
  process.exit(0)
}
const pathsTable = ['| local data path | figure |', '|---|---|', ...await pathRows({ quick })].join('\n')
const jobsTable = ['| job measure | figure |', '|---|---|', ...await jobRows({ quick })].join('\n')
const netTable = ['| network measure | figure |', '|---|---|', ...await netRows({ quick })].join('\n')
const gatewayTable = ['| gateway measure | figure |', '|---|---|', ...await gatewayRows({ quick })].join('\n')
const rpcTable = ['| Kubo RPC measure | figure |', '|---|---|', ...await rpcRows({ quick })].join('\n')
const mapTable = ['| map/reduce measure | figure |', '|---|---|', ...await mapRows({ quick })].join('\n')

const dir = await mkdtemp(join(tmpdir(), 'dcx-bench-'))
try {

  const n = quick ? 5 : 20

  process.stderr.write('cold starts...\n')
  const repo = join(dir, 'repo-cat')
  spawnSync(DCX, ['init', '--repo', repo], { stdio: 'ignore' })
  await writeFile(join(dir, 'hello.txt'), 'hello world\n')
  const cid = spawnSync(DCX, ['add', '-Q', '--repo', repo, join(dir, 'hello.txt')]).stdout.toString().trim()
  const nodeMs = await coldStart(NODE, ['-e', '0'], n)
  const catMs = await coldStart(DCX, ['cat', cid, '--repo', repo], n)
  const versionMs = await coldStart(DCX, ['--version'], n)

  const table = [
    '| measure | figure |',
    '|---|---|',
    `| \`node -e 0\` | ${nodeMs.toFixed(0)} ms |`,
    `| \`dcx cat\` of a 12-byte file (cold process) | ${catMs.toFixed(0)} ms (${(catMs / nodeMs).toFixed(1)}x node -e 0) |`,
    `| \`dcx --version\` | ${versionMs.toFixed(0)} ms (${(versionMs / nodeMs).toFixed(1)}x node -e 0) |`
  ].join('\n') + '\n\n' + pathsTable + '\n\n' + runtimeTable + '\n\n' + jobsTable + '\n\n' + netTable + '\n\n' + gatewayTable + '\n\n' + rpcTable + '\n\n' + mapTable
  console.log(`${machine}\n\n${table}`)

  if (writeDocs) {
    const docs = join(ROOT, 'docs/benchmarks.md')
    const text = await readFile(docs, 'utf8')
    const marker = '## Latest figures'
    const head = text.includes(marker) ? text.slice(0, text.indexOf(marker)) : `${text.trimEnd()}\n\n`
    await writeFile(docs, `${head}${marker}\n\n${machine}\n\n${table}\n`)
  }
} finally {
  await rm(dir, { recursive: true, force: true })
}

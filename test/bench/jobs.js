// The job figures for npm run bench: word count over a large text through
// `dcx run` against the same C compiled natively (gcc -O2) and the unrewritten
// module under node:wasi; a trivial job's cold `dcx run`; verify over run.
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ROOT, DCX, MiB, median, makeText } from './common.js'


function dcx (args, repo) {
  const t = performance.now()
  const r = spawnSync(DCX, args, { env: { ...process.env, DCX_PATH: repo }, maxBuffer: 64 * MiB })
  const ms = performance.now() - t
  if (r.status !== 0) throw new Error(`dcx ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return { ms, stdout: r.stdout.toString() }
}

/** The unrewritten module under node:wasi in a fresh process (cold, as `dcx run` is), wall time */
function nodeWasi (wasm, file, outputs) {
  const script = `
    const { WASI } = require('node:wasi')
    const wasi = new WASI({ version: 'preview1', args: ['wordcount', '/in/text.txt'], env: { OUTPUTS: '/out' },
      preopens: { '/in': ${JSON.stringify(dirname(file))}, '/out': ${JSON.stringify(outputs)} }, returnOnExit: true })
    const m = new WebAssembly.Module(require('node:fs').readFileSync(${JSON.stringify(wasm)}))
    process.exitCode = wasi.start(new WebAssembly.Instance(m, wasi.getImportObject()))`
  const t = performance.now()
  const r = spawnSync(join(ROOT, 'node_modules/node/bin/node'), ['--no-warnings', '-e', script])
  if (r.status !== 0) throw new Error(`node:wasi wordcount exited ${r.status}: ${r.stderr}`)
  return performance.now() - t
}

export async function jobRows ({ quick }) {
  const size = quick ? 128 * MiB : 1024 * MiB
  const dir = await mkdtemp(join(tmpdir(), 'dcx-bench-jobs-'))
  try {
    const repo = join(dir, 'repo')
    dcx(['init'], repo)
    const text = join(dir, 'text', 'text.txt')
    await mkdir(dirname(text))
    process.stderr.write(`jobs: writing ${size / MiB} MiB of text...\n`)
    await makeText(text, size)
    const cid = dcx(['add', '-Q', text], repo).stdout.trim()
    const wasm = join(ROOT, 'wasm-jobs/wordcount.wasm')

    process.stderr.write('jobs: dcx run wordcount...\n')
    const runs = quick ? 1 : 3
    const runMs = []
    let out
    for (let i = 0; i < runs; i++) {
      const r = dcx(['run', wasm, '--input', cid, '--force', '--fuel', '1000000000000', '--json'], repo)
      runMs.push(r.ms)
      out = JSON.parse(r.stdout)
    }
    process.stderr.write('jobs: dcx verify...\n')
    const verifyMs = median(Array.from({ length: runs }, () => dcx(['verify', out.receipt], repo).ms))

    let nativeMs
    const gcc = spawnSync('gcc', ['-O2', '-o', join(dir, 'wc-native'), join(ROOT, 'wasm-jobs/wordcount.c')])
    if (gcc.status === 0) {
      process.stderr.write('jobs: native wordcount...\n')
      const outputs = join(dir, 'native-out')
      await mkdir(outputs)
      nativeMs = median(Array.from({ length: runs }, () => {
        const t = performance.now()
        const r = spawnSync(join(dir, 'wc-native'), [text], { env: { OUTPUTS: outputs } })
        if (r.status !== 0) throw new Error(`native wordcount failed: ${r.stderr}`)
        return performance.now() - t
      }))
      const native = await readFile(join(outputs, 'wc.txt'), 'utf8')
      const ours = dcx(['cat', `${out.output}/outputs/wc.txt`], repo).stdout
      if (native.split(' ').slice(0, 3).join(' ') !== ours.split(' ').slice(0, 3).join(' ')) throw new Error('native and dcx word counts differ')
    }
    process.stderr.write('jobs: node:wasi wordcount...\n')
    const wasiOut = join(dir, 'wasi-out')
    await mkdir(wasiOut)
    const wasiMs = []
    for (let i = 0; i < runs; i++) wasiMs.push(nodeWasi(wasm, text, wasiOut))

    process.stderr.write('jobs: trivial job, cold dcx run...\n')
    const hello = join(ROOT, 'test/wasm/wat/hello.wasm')
    dcx(['run', hello], repo)
    const trivial = median(Array.from({ length: quick ? 5 : 15 }, () => dcx(['run', hello, '--force'], repo).ms))
    const run = median(runMs)
    return [
      `| word count, ${size / MiB} MiB of text, \`dcx run\` (cold process, inputs read from the repo, output imported, receipt signed) | ${(run / 1000).toFixed(2)} s (${(size / 1e6 / (run / 1000)).toFixed(0)} MB/s), fuel ${out.fuel} |`,
      nativeMs !== undefined ? `| same C, gcc -O2, native | ${(nativeMs / 1000).toFixed(2)} s: dcx run is ${(run / nativeMs).toFixed(2)}x |` : '| same C, gcc -O2, native | gcc not found: not measured |',
      `| same module unrewritten under node:wasi (cold process, as dcx run) | ${(median(wasiMs) / 1000).toFixed(2)} s: dcx run is ${(run / median(wasiMs)).toFixed(2)}x |`,
      `| \`dcx verify\` of that receipt (re-run and compare) | ${(verifyMs / 1000).toFixed(2)} s: ${(verifyMs / run).toFixed(2)}x the run |`,
      `| trivial job (prints one line), cold \`dcx run --force\` | ${trivial.toFixed(0)} ms median |`
    ]
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log((await jobRows({ quick: process.argv.includes('--quick') })).join('\n'))
}

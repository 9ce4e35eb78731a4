// The runtime's figures for npm run bench: rewritten vs original run time on
// an integer and a float workload, rewrite speed on a 2 MB module, and the
// start-up of a trivial module. Exported as table rows for run.js.
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const dist = p => join(ROOT, 'dist', 'wasm', p)
const { prepareModule, runModule } = await import(dist('index.js'))
const { parseModule } = await import(dist('binary/module.js'))
const { Writer } = await import(dist('binary/bytes.js'))
const { instrumentModule } = await import(dist('instrument/rewrite.js'))
const { validateModule } = await import(dist('validate.js'))

const median = xs => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
const wasmFile = name => new Uint8Array(readFileSync(join(ROOT, 'test/bench/wasm', name)))

/**
 * A module of about `size` bytes with a real instruction mix: the defined
 * functions of `bytes` repeated (the copies call the originals, so it
 * validates), custom sections dropped.
 */
export function inflate (bytes, size) {
  const m = parseModule(bytes)
  const bodies = Array.from(m.bodyStart, (start, i) => [start, m.bodyEnd[i]])
  const code = bodies.reduce((n, [start, end]) => n + end - start, 0)
  const copies = Math.ceil((size - (bytes.length - code)) / code)
  const out = new Writer(size * 2)
  out.bytes(bytes, 0, 8)
  for (const s of m.sections) {
    const payload = new Writer()
    if (s.id === 3) {
      const own = m.funcTypes.slice(m.importedFuncs)
      payload.u32(own.length * copies)
      for (let c = 0; c < copies; c++) for (const t of own) payload.u32(t)
    } else if (s.id === 10) {
      payload.u32(bodies.length * copies)
      for (let c = 0; c < copies; c++) {
        for (const [start, end] of bodies) { payload.u32(end - start); payload.bytes(bytes, start, end) }
      }
    } else {
      payload.bytes(bytes, s.start, s.end)
    }
    out.byte(s.id); out.u32(payload.len); out.bytes(payload.buf, 0, payload.len)
  }
  return out.result()
}

async function timeRun (prepared, args, uninstrumented) {
  const r = await runModule(prepared, { args, uninstrumented, limits: { fuel: 10n ** 13n } })
  await r.dispose()
  if (r.status !== 'exit' || r.exitCode !== 0) throw new Error(`${args[0]} ended with ${r.status} ${r.exitCode ?? r.trap}`)
  return { ms: r.durationMs, stdout: Buffer.from(r.stdout).toString() }
}

/** Rewritten over original, same worker and host, runs alternated; median of `runs` each */
async function ratio (name, runs) {
  const bytes = wasmFile(`${name}.wasm`)
  const prepared = await prepareModule(bytes, { memoryLimit: 2 ** 30 })
  const original = new WebAssembly.Module(bytes)
  const base = []; const rewritten = []
  for (let i = 0; i < runs; i++) {
    const a = await timeRun(prepared, [name], original)
    const b = await timeRun(prepared, [name])
    if (a.stdout !== b.stdout) throw new Error(`${name}: rewritten output differs from the original's`)
    base.push(a.ms); rewritten.push(b.ms)
  }
  return { base: median(base), rewritten: median(rewritten), ratio: median(rewritten) / median(base) }
}

export async function runtimeRows ({ quick }) {
  const runs = quick ? 3 : 7
  process.stderr.write('runtime: integer and float workloads...\n')
  const int = await ratio('int', runs)
  const float = await ratio('float', runs)

  process.stderr.write('runtime: rewriting a 2 MB module...\n')
  const big = inflate(wasmFile('int.wasm'), 2 * 10 ** 6)
  const rewriteMs = []
  let outSize = 0
  for (let i = 0; i < (quick ? 5 : 15); i++) {
    const t = performance.now()
    const out = instrumentModule(validateModule(big, 2 ** 30), 16384)
    rewriteMs.push(performance.now() - t)
    outSize = out.length
  }

  process.stderr.write('runtime: trivial module start...\n')
  const hello = new Uint8Array(readFileSync(join(ROOT, 'test/wasm/wat/hello.wasm')))
  await prepareModule(hello, { memoryLimit: 2 ** 26 })
  const startMs = []
  for (let i = 0; i < (quick ? 10 : 30); i++) {
    const t = performance.now()
    const prepared = await prepareModule(hello, { memoryLimit: 2 ** 26 })
    const r = await runModule(prepared, { args: ['hello'] })
    await r.dispose()
    startMs.push(performance.now() - t)
  }
  return [
    `| integer workload (sieve, hash table, qsort; test/bench/wasm/int.c): rewritten / original | ${int.ratio.toFixed(2)}x (${int.rewritten.toFixed(0)} ms / ${int.base.toFixed(0)} ms, median of ${runs}) |`,
    `| float workload (n-body, matrix multiply; test/bench/wasm/float.c): rewritten / original | ${float.ratio.toFixed(2)}x (${float.rewritten.toFixed(0)} ms / ${float.base.toFixed(0)} ms, median of ${runs}) |`,
    `| rewrite of a ${(big.length / 1e6).toFixed(1)} MB module (validate + instrument, no compile) | ${median(rewriteMs).toFixed(0)} ms median (${(big.length / 1e6 / (median(rewriteMs) / 1000)).toFixed(0)} MB/s), output ${(outSize / 1e6).toFixed(1)} MB |`,
    `| trivial module: prepare (cached) + worker + instantiate + run, in process | ${median(startMs).toFixed(1)} ms median |`
  ]
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await runtimeRows({ quick: process.argv.includes('--quick') })
  console.log(rows.join('\n'))
}

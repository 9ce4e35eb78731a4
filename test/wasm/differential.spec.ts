import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { BENCH_WASM, run, wasm, WAT } from '../helpers/wasm.js'
import { CORPUS, PROGRAMS } from './programs.js'

// real modules: compiler output at -O0, -O2 and -O3 with SIMD, bulk memory,
// saturating conversions and sign extension; the benchmark workloads; our
// test programs that print no NaNs
const corpus = [
  ...readdirSync(CORPUS).filter(f => f.endsWith('.wasm')).map(f => [CORPUS, f]),
  [BENCH_WASM, 'int.wasm'], [BENCH_WASM, 'float.wasm'],
  [PROGRAMS, 'world.wasm'], [PROGRAMS, 'escape.wasm'],
  [WAT, 'hello.wasm'], [WAT, 'features.wasm']
]

describe('differential: the rewritten module computes what the original computes', () => {
  for (const [dir, file] of corpus) {
    it(file, async () => {
      const bytes = wasm(dir, file)
      const original = await run(bytes, { raw: true, args: [file, 'x'], memoryLimit: 2 ** 28, limits: { fuel: 10n ** 12n } })
      const rewritten = await run(bytes, { args: [file, 'x'], memoryLimit: 2 ** 28, limits: { fuel: 10n ** 12n } })
      expect(rewritten.status).toBe(original.status)
      expect(rewritten.exitCode).toBe(original.exitCode)
      if (file !== 'world.wasm') expect(rewritten.stdout).toBe(original.stdout) // world prints fuel-driven clocks
      expect(rewritten.stdout.length).toBeGreaterThan(0)
    })
  }
})

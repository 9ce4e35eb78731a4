import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_NESTING, V8_LIMITS } from '../../dist/wasm/limits.js'
import { compileRewritten } from '../../dist/wasm/prepare.js'
import { instrumentModule } from '../../dist/wasm/instrument/rewrite.js'
import { parseModule } from '../../dist/wasm/binary/module.js'
import { validateModule } from '../../dist/wasm/validate.js'
import { PROJECT, dcx, errorLine, tempDir, tempRepo } from '../helpers/cli.js'
import { prepareModule, run } from '../helpers/wasm.js'
import { I32, I64, command, funcType, nestedBlocks, type Emit } from '../helpers/wasm-builder.js'

const MiB = 2 ** 20

async function refusal (bytes: Uint8Array): Promise<string> {
  try {
    await prepareModule(bytes, { memoryLimit: 16 * MiB })
  } catch (err: any) {
    expect(err.code).toBe('ERR_MODULE_REJECTED')
    return err.message
  }
  throw new Error('module was accepted')
}

/** Prepares and runs a module, which must exit 0 */
async function runs (bytes: Uint8Array): Promise<void> {
  const r = await run(bytes, { memoryLimit: 16 * MiB })
  expect(r.status).toBe('exit')
  expect(r.exitCode).toBe(0)
}

const nops = (n: number): Emit => w => { for (let i = 0; i < n; i++) w.byte(0x01) }

describe('V8 enforces the limits dcx assumes', () => {
  // each constant in src/wasm/limits.ts, at the limit and one over, with this V8
  const cases: Array<[string, number, (n: number) => Uint8Array]> = [
    ['types', V8_LIMITS.types, n => command({ types: n - 1 })],
    ['functions', V8_LIMITS.functions, n => command({ emptyFuncs: n - 1 })],
    ['globals', V8_LIMITS.globals, n => command({ globals: n })],
    ['exports', V8_LIMITS.exports, n => command({ exports: n - 2 })],
    ['function locals', V8_LIMITS.functionLocals, n => command({ start: { locals: [[n, I32]] } })],
    // a body of `n` bytes: the locals count, n - 2 nops, end
    ['function size', V8_LIMITS.functionSize, n => command({ start: { body: nops(n - 2) } })]
  ]
  for (const [name, limit, make] of cases) {
    it(`${name}: ${limit}`, () => {
      expect(WebAssembly.validate(make(limit))).toBe(true)
      expect(WebAssembly.validate(make(limit + 1))).toBe(false)
    })
  }
})

describe('counts the rewrite adds to are checked before rewriting', () => {
  it('locals: 49,995 run, 49,996 are refused naming the function and the limit', async () => {
    await runs(command({ start: { locals: [[49_995, I32]] } }))
    expect(await refusal(command({ start: { locals: [[49_996, I32]] } }))).toBe(
      'module rejected: function 0 declares 49996 locals; jobs may declare at most 49995 params and locals per function (V8\'s limit is 50000 and the rewrite adds 5)')
    // the limit counts params too, over several local declarations
    const withParams = (locals: number): Uint8Array => command({
      types: 1,
      type: w => funcType(w, Array(10).fill(I32), []),
      funcs: [{ type: 1, locals: [[locals - 1, I32], [1, I64]] }]
    })
    await runs(withParams(49_985))
    expect(await refusal(withParams(49_986))).toContain('function 1 declares 49986 locals and 10 params; jobs may declare at most 49995')
  })

  it('types: up to 1,000,000 less those the rewrite adds (1 or 2 here)', async () => {
    // type 0 is () -> (), which the trap helpers reuse; the grow helper's (i32) -> (i32) is added
    await runs(command({ types: 999_998 }))
    expect(await refusal(command({ types: 999_999 }))).toBe(
      'module rejected: the type section declares 1000000 types; jobs may declare at most 999999 (V8\'s limit is 1000000 and the rewrite adds 1)')
    // a multi-value function needs a results-only type for the block its body is wrapped in
    const multi = (n: number): Uint8Array => command({
      types: n - 1,
      type: (w, i) => i === 0 ? funcType(w, [I32], [I32, I32]) : funcType(w, [], [I64]),
      funcs: [{ type: 1, body: w => { w.byte(0x20); w.byte(0); w.byte(0x20); w.byte(0) } }]
    })
    await runs(multi(999_998))
    expect(await refusal(multi(999_999))).toContain('declares 999999 types; jobs may declare at most 999998 (V8\'s limit is 1000000 and the rewrite adds 2)')
  })

  it('functions: 999,997 run, 999,998 are refused', async () => {
    await runs(command({ emptyFuncs: 999_996 }))
    expect(await refusal(command({ emptyFuncs: 999_997 }))).toBe(
      'module rejected: the function section declares 999998 functions; jobs may declare at most 999997 (V8\'s limit is 1000000 and the rewrite adds 3)')
  })

  it('globals: 999,996 run, 999,997 are refused', async () => {
    await runs(command({ globals: 999_996 }))
    expect(await refusal(command({ globals: 999_997 }))).toBe(
      'module rejected: the global section declares 999997 globals; jobs may declare at most 999996 (V8\'s limit is 1000000 and the rewrite adds 4)')
  })

  it('exports: 999,996 run, 999,997 are refused; with a start function the rewrite adds one more', async () => {
    await runs(command({ exports: 999_994 }))
    expect(await refusal(command({ exports: 999_995 }))).toBe(
      'module rejected: the export section declares 999997 exports; jobs may declare at most 999996 (V8\'s limit is 1000000 and the rewrite adds 4)')
    await runs(command({ exports: 999_993, startSection: 1, funcs: [{ type: 0 }] }))
    expect(await refusal(command({ exports: 999_994, startSection: 1, funcs: [{ type: 0 }] }))).toContain(
      'declares 999996 exports; jobs may declare at most 999995 (V8\'s limit is 1000000 and the rewrite adds 5)')
  })
})

describe('bodies are checked as they are rewritten', () => {
  /** Sizes of function 0's body in both rewrites (fast and exact fuel) */
  function rewrittenSizes (bytes: Uint8Array): { fast: number, exact: number } {
    const size = (exact: boolean): number => {
      const m = parseModule(instrumentModule(validateModule(bytes, 16 * 65536), 16, exact))
      return m.bodyEnd[0] - m.bodyStart[0]
    }
    return { fast: size(false), exact: size(true) }
  }
  // 2000 not-taken `br_if`s: 2000 runs with a cost, each also stored to the global in the exact variant
  const branches: Emit = w => {
    w.byte(0x02); w.byte(0x40)
    for (let i = 0; i < 2000; i++) { w.byte(0x41); w.byte(0); w.byte(0x0d); w.byte(0) }
    w.byte(0x0b)
  }
  // 2000 calls: the fast variant stores fuel to the global before each (to
  // a function with a loop, which the fast variant calls rather than inlines)
  const calls: Emit = w => { for (let i = 0; i < 2000; i++) { w.byte(0x10); w.byte(1) } }
  const loop: Emit = w => { w.byte(0x03); w.byte(0x40); w.byte(0x0b) }
  const callee = { type: 0, body: loop }
  const cases: Array<[string, Emit, 'fast' | 'exact']> = [
    ['branches make the exact-fuel variant the larger', branches, 'exact'],
    ['calls make the fast variant the larger', calls, 'fast']
  ]
  const tooLarge = (bytes: Uint8Array, size: number): string => {
    const m = parseModule(bytes)
    return `module rejected: function 0 is ${m.bodyEnd[0] - m.bodyStart[0]} bytes and grows to ${size} bytes when rewritten for fuel, call depth and NaNs, over V8's limit of ${V8_LIMITS.functionSize} bytes per function: split it into smaller functions`
  }
  for (const [name, code, larger] of cases) {
    it(`a body that grows to exactly V8's function size limit runs in both fuel variants, one byte more is refused (${name})`, async () => {
      const body = (padding: number): Uint8Array => command({ start: { body: w => { code(w); nops(padding)(w) } }, funcs: [callee] })
      const base = rewrittenSizes(body(0))
      const smaller = larger === 'fast' ? 'exact' : 'fast'
      expect(base[larger]).toBeGreaterThan(base[smaller])
      const padding = V8_LIMITS.functionSize - base[larger]
      const bytes = body(padding)
      expect(rewrittenSizes(bytes)[larger]).toBe(V8_LIMITS.functionSize)
      await runs(bytes)
      const prepared = await prepareModule(bytes, { memoryLimit: 16 * MiB })
      expect(prepared.exact()).toBeInstanceOf(WebAssembly.Module)
      // one byte more: the smaller variant still fits, and each variant refuses, from its own size or the other's
      const over = body(padding + 1)
      expect(base[smaller] + padding + 1).toBeLessThan(V8_LIMITS.functionSize)
      expect(await refusal(over)).toBe(tooLarge(over, V8_LIMITS.functionSize + 1))
      expect(() => instrumentModule(validateModule(over, 16 * 65536), 16, true)).toThrow(tooLarge(over, V8_LIMITS.functionSize + 1))
    })
  }

  it('a body that inlining would push over the limit is rewritten without inlining, as before', () => {
    // 200,000 calls to a 43-byte leaf: about 3 MB called, 12 MB inlined
    const sites = 200_000
    const leaf: Emit = w => { w.byte(0x41); w.byte(1); for (let i = 0; i < 13; i++) { w.byte(0x41); w.byte(1); w.byte(0x6a) } }
    const bytes = command({
      types: 1,
      start: { body: w => { for (let i = 0; i < sites; i++) { w.byte(0x10); w.byte(1); w.byte(0x1a) } } },
      funcs: [{ type: 1, body: leaf }]
    })
    const rewritten = instrumentModule(validateModule(bytes, 16 * 65536), 16)
    const m = parseModule(rewritten)
    const size = m.bodyEnd[0] - m.bodyStart[0]
    expect(size).toBeLessThan(V8_LIMITS.functionSize)
    expect(size).toBeLessThan(20 * sites) // the calls stayed calls
    expect(WebAssembly.validate(rewritten)).toBe(true)
  })

  it(`nesting: ${MAX_NESTING - 1} blocks run, one more is refused with the limit and why`, async () => {
    await runs(command({ start: { body: nestedBlocks(MAX_NESTING - 1) } }))
    await runs(command({ start: { body: nestedBlocks(MAX_NESTING - 1, 0x03) } }))
    expect(await refusal(command({ start: { body: nestedBlocks(MAX_NESTING) } }))).toMatch(
      /^module rejected: function 0 nests blocks more than 65535 deep \(at offset \d+\); jobs may nest at most 65535 blocks, loops and ifs \(dcx's limit is 65536, which bounds V8's compile memory, and the rewrite adds 1\)$/)
  })
})

describe('a failed compile of a rewritten module', () => {
  it('is a rejection when one of V8\'s limits explains it', () => {
    let err: any
    try { compileRewritten(command({ start: { locals: [[50_001, I32]] } })) } catch (e) { err = e }
    expect(err.code).toBe('ERR_MODULE_REJECTED')
    expect(err.message).toContain('local count too large')
  })

  it('is a host error (a bug in the rewriter) otherwise', () => {
    let err: any
    // i32.eqz on an empty stack: invalid, and no limit explains it
    try { compileRewritten(command({ start: { body: w => { w.byte(0x45) } } })) } catch (e) { err = e }
    expect(err.code).toBe('ERR_RUNTIME_HOST')
    expect(err.message).toContain('a bug in the rewriter')
  })
})

describe('the rewriter\'s memory and time are bounded by the module\'s size', () => {
  let dir: string
  let cleanup: () => Promise<void>
  beforeAll(async () => { ({ path: dir, cleanup } = await tempDir()) })
  afterAll(async () => { await cleanup() })

  interface Cost { bytes: number, out?: number, error?: string, ms: number, baseRss: number, peakRss: number }
  /** Validates and rewrites `bytes` in a fresh process and reports its time and peak memory */
  async function measure (name: string, bytes: Uint8Array): Promise<Cost> {
    const file = join(dir, `${name}.wasm`)
    await writeFile(file, bytes)
    const node = join(PROJECT, 'node_modules', '.bin', 'node')
    const { stdout } = await promisify(execFile)(node, [join(PROJECT, 'test', 'helpers', 'measure-rewrite.js'), file], { encoding: 'utf8' })
    return JSON.parse(stdout)
  }
  /**
   * The stated bound (docs/rationale.md): rewriting n bytes into m takes at
   * most 3m + 16n bytes, plus 48 MiB for the largest body's scratch and V8's
   * own heap growth.
   */
  const bound = (c: Cost): number => 3 * (c.out ?? 0) + 16 * c.bytes + 48 * MiB

  it('a 3 MB module of 1,000,000 nested blocks is refused at once, in little memory', async () => {
    const c = await measure('nested', command({ start: { body: nestedBlocks(1_000_000) } }))
    expect(c.bytes).toBeGreaterThan(3_000_000)
    expect(c.error).toMatch(/function 0 nests blocks more than 65535 deep/)
    expect(c.peakRss - c.baseRss).toBeLessThan(bound(c))
    expect(c.ms).toBeLessThan(2000)
  })

  const shapes: Record<string, () => Uint8Array> = {
    // 45 functions nested as deep as allowed
    'deep nesting, 8 MB': () => command({ funcs: Array.from({ length: 45 }, () => ({ type: 0, body: nestedBlocks(MAX_NESTING - 1) })) }),
    // each loop header gets a charge and a check: the code grows 4x
    'nested loops, 4 MB': () => command({ funcs: Array.from({ length: 20 }, () => ({ type: 0, body: nestedBlocks(MAX_NESTING - 1, 0x03) })) }),
    // a type object per type took 50 bytes per byte before
    '999,998 types, 5 MB': () => command({ types: 999_997, type: (w, i) => { const p = []; let x = i; do { p.push(0x7c + (x & 3)); x >>= 2 } while (x > 0); funcType(w, p, []) } }),
    // every body gets a prologue and an epilogue: the module grows 9x
    '999,997 empty functions, 4 MB': () => command({ emptyFuncs: 999_996 }),
    // memory.fill gets the longest code the rewrite adds for one instruction (its length charge)
    'bulk memory, 7 MB': () => command({
      funcs: Array.from({ length: 8 }, () => ({
        type: 0,
        body: w => { for (let i = 0; i < 100_000; i++) { for (let k = 0; k < 3; k++) { w.byte(0x41); w.byte(0) } w.byte(0xfc); w.byte(11); w.byte(0) } }
      }))
    })
  }
  for (const [name, make] of Object.entries(shapes)) {
    it(`${name}: rewritten within 3m + 16n + 48 MiB and 10 s`, async () => {
      const c = await measure(name.replace(/\W+/g, '-'), make())
      expect(c.error).toBeUndefined()
      expect(c.peakRss - c.baseRss).toBeLessThan(bound(c))
      expect(c.ms).toBeLessThan(10_000)
    })
  }

  it('a body that grows past V8\'s limit is refused before its rewrite grows much further', async () => {
    // 7.2 MB of memory.fill rewrites to 31 MB (and took 164 MB to): stopped at V8's 7.65 MB
    const c = await measure('fills', command({
      start: { body: w => { for (let i = 0; i < 800_000; i++) { for (let k = 0; k < 3; k++) { w.byte(0x41); w.byte(0) } w.byte(0xfc); w.byte(11); w.byte(0) } } }
    }))
    expect(c.error).toMatch(/^module rejected: function 0 is 7200002 bytes and grows to more than 7654321 bytes when rewritten/)
    expect(c.peakRss - c.baseRss).toBeLessThan(2 * c.bytes + 32 * MiB)
  })
})

describe('dcx run on a module over a limit', () => {
  let repo: string
  let dir: string
  let cleanup: () => Promise<void>
  beforeAll(async () => { ({ repo, dir, cleanup } = await tempRepo()) })
  afterAll(async () => { await cleanup() })

  const modules: Array<[string, () => Uint8Array, string]> = [
    ['50,000 locals', () => command({ start: { locals: [[50_000, I32]] } }),
      'Error: module rejected: function 0 declares 50000 locals; jobs may declare at most 49995 params and locals per function (V8\'s limit is 50000 and the rewrite adds 5)'],
    ['1,000,000 types', () => command({ types: 999_999 }),
      'Error: module rejected: the type section declares 1000000 types; jobs may declare at most 999999 (V8\'s limit is 1000000 and the rewrite adds 1)'],
    ['1,000,000 nested blocks', () => command({ start: { body: nestedBlocks(1_000_000) } }),
      'Error: module rejected: function 0 nests blocks more than 65535 deep']
  ]
  for (const [name, make, line] of modules) {
    it(`${name}: exits 1 with one line naming the limit`, async () => {
      const file = join(dir, 'job.wasm')
      await writeFile(file, make())
      const r = await dcx(['run', file], { repo })
      expect(r.code).toBe(1)
      expect(errorLine(r).startsWith(line)).toBe(true)
    })
  }
})

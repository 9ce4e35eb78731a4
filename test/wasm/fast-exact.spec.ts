import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES, PROJECT } from '../helpers/cli.js'
import { dir, prepareModule, runModule, wasm, WAT } from '../helpers/wasm.js'
import type { PreparedModule, RunOptions, RunResult, TreeNode } from '../../src/wasm/index.js'
import { CORPUS, PROGRAMS } from './programs.js'

// The runner trusts the fast variant's result for every exit, out-of-fuel
// and stack-exhausted (only a trap is re-run with the exact variant), so the
// fast variant, with its inlined leaf calls and padding, must give what the
// exact variant (the reference) gives, to the unit of fuel.

const JOBS = join(PROJECT, 'wasm-jobs')

/** A fixture folder as an eager tree */
function tree (path: string): TreeNode {
  if (!statSync(path).isDirectory()) return { type: 'file', bytes: new Uint8Array(readFileSync(path)) }
  return dir(Object.fromEntries(readdirSync(path).map(name => [name, tree(join(path, name))])))
}

/** Everything a receipt or an output CID depends on */
async function observed (r: RunResult): Promise<unknown> {
  const outputs = []
  for (const e of r.outputs) {
    const hash = createHash('sha256')
    for await (const chunk of r.readOutput(e)) hash.update(chunk)
    outputs.push([e.path, e.type, e.size, e.target, hash.digest('hex')])
  }
  await r.dispose()
  return {
    status: r.status,
    exitCode: r.exitCode,
    trap: r.trap,
    fuelUsed: r.fuelUsed,
    stdout: Buffer.from(r.stdout).toString('hex'),
    stderr: Buffer.from(r.stderr).toString('hex'),
    truncated: [r.stdoutTruncated, r.stderrTruncated],
    limitsHit: r.limitsHit,
    outputs
  }
}

/** The same module with its exact variant in the fast variant's place */
function exactOnly (p: PreparedModule): PreparedModule {
  return { ...p, module: p.exact() }
}

async function both (bytes: Uint8Array, options: RunOptions): Promise<{ fast: any, exact: any }> {
  const p = await prepareModule(bytes, { memoryLimit: 2 ** 28 })
  const fast = await observed(await runModule(p, options))
  const exact = await observed(await runModule(exactOnly(p), options))
  return { fast, exact }
}

const books = tree(join(FIXTURES, 'books'))
const inputs = (node: TreeNode): RunOptions['mounts'] => [{ path: '/inputs', node }]
const jobs: Array<[string, RunOptions]> = [
  ['wordcount', { args: ['wordcount'], mounts: inputs(books) }],
  ['grep', { args: ['grep', '-i', 'river|keeper|rain'], mounts: inputs(books) }],
  ['sha256sum', { args: ['sha256sum'], mounts: inputs(books) }],
  ['groupby', { args: ['groupby', 'region', 'amount'], mounts: inputs(tree(join(FIXTURES, 'sales.csv'))) }],
  ['regress', { args: ['regress'], mounts: inputs(tree(join(FIXTURES, 'points.csv'))) }],
  ['wcmap', { args: ['wcmap'], mounts: inputs(books) }],
  ['gbmap', { args: ['gbmap', 'region', 'amount'], mounts: inputs(tree(join(FIXTURES, 'sales.csv'))) }]
]

describe('the fast variant gives what the exact variant gives', () => {
  for (const [job, options] of jobs) {
    it(`wasm-jobs/${job}: a whole run, and one unit of fuel short of it`, async () => {
      const bytes = wasm(JOBS, job)
      const whole = await both(bytes, options)
      expect(whole.fast).toEqual(whole.exact)
      expect(whole.fast.status).toBe('exit')
      const limits = { fuel: whole.fast.fuelUsed - 1n }
      const short = await both(bytes, { ...options, limits })
      expect(short.fast).toEqual(short.exact)
      expect(short.fast.status).toBe('out-of-fuel')
    })
  }

  const modules = [
    ...readdirSync(CORPUS).filter(f => f.endsWith('.wasm')).map(f => [CORPUS, f]),
    [PROGRAMS, 'world.wasm'], [PROGRAMS, 'escape.wasm'],
    ...['hello', 'features', 'nan', 'divzero', 'trap-after-loop', 'leaf'].map(f => [WAT, `${f}.wasm`])
  ]
  for (const [folder, file] of modules) {
    it(file, async () => {
      const { fast, exact } = await both(wasm(folder, file), { args: [file, 'x'], limits: { fuel: 10n ** 10n } })
      expect(fast).toEqual(exact)
    })
  }

  it('stack exhaustion right after an inlined leaf: same call, same fuel, and at every budget around it', async () => {
    const bytes = wasm(WAT, 'leaf-recurse')
    const { fast, exact } = await both(bytes, { args: ['leaf-recurse'] })
    expect(fast.status).toBe('stack-exhausted')
    expect(fast).toEqual(exact)
    // the last frame's inlined leaf is checked before the call's own unit,
    // which the frame that exhausts the stack never gets to check
    const statuses = new Set<string>()
    for (let fuel = fast.fuelUsed - 4n; fuel <= fast.fuelUsed; fuel++) {
      const around = await both(bytes, { args: ['leaf-recurse'], limits: { fuel } })
      expect(around.fast, `fuel ${fuel}`).toEqual(around.exact)
      statuses.add(around.fast.status)
    }
    expect([...statuses].sort()).toEqual(['out-of-fuel', 'stack-exhausted'])
  })
})

describe('inlined leaves, at every fuel budget', () => {
  // In this thread, without the worker: each budget is one instantiation,
  // so every budget from 0 past the end can be tried, landing before, inside
  // and after each inlined callee.
  const imports = { wasi_snapshot_preview1: { fd_write: () => 0 } }
  const outcome = (module: WebAssembly.Module, entry: string, fuel: bigint): unknown => {
    const e = new WebAssembly.Instance(module, imports).exports as Record<string, any>
    e['dcx:fuel'].value = fuel
    let end: string
    let result: unknown
    try {
      result = e[entry]()
      end = 'return'
    } catch (err) {
      if (!(err instanceof WebAssembly.RuntimeError)) throw err
      end = `trap ${e['dcx:trap'].value as number} ${err.message}`
    }
    const memory = createHash('sha256').update(new Uint8Array(e.memory.buffer)).digest('hex')
    // the fast variant's counter is exact at exits; after a trap the runner reads neither
    return { end, result, left: end === 'return' ? e['dcx:fuel'].value : undefined, memory, g: e['dcx:depth'].value }
  }

  for (const entry of ['work', 'trap']) {
    it(`leaf.wat ${entry}: same outcome, fuel left and memory for every budget`, async () => {
      const p = await prepareModule(wasm(WAT, 'leaf'), { memoryLimit: 2 ** 20 })
      const exact = p.exact()
      const total = 10n ** 6n - (outcome(exact, 'work', 10n ** 6n) as { left: bigint }).left
      const ends = new Set<string>()
      for (let fuel = 0n; fuel <= total + 2n; fuel++) {
        const f = outcome(p.module, entry, fuel) as { end: string }
        expect(f, `fuel ${fuel}`).toEqual(outcome(exact, entry, fuel))
        ends.add(f.end.replace(/ .*/, ''))
      }
      expect([...ends].sort()).toEqual(entry === 'work' ? ['return', 'trap'] : ['trap'])
    })
  }
})

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PROJECT } from './cli.js'
// the runtime is tested as built: its worker is a compiled file next to it
import { prepareModule, runModule } from '../../dist/wasm/index.js'
import type { RunOptions, RunResult, TreeNode } from '../../src/wasm/index.js'

export { prepareModule, runModule }

/** An eager directory for a test tree, from an object literal */
export function dir (entries: Record<string, TreeNode>): TreeNode {
  return { type: 'dir', entries: new Map(Object.entries(entries)) }
}
export const WAT = join(PROJECT, 'test', 'wasm', 'wat')
export const CONFORMANCE = join(PROJECT, 'test', 'wasm', 'conformance')
export const BENCH_WASM = join(PROJECT, 'test', 'bench', 'wasm')

export function wasm (dir: string, name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(dir, name.endsWith('.wasm') ? name : `${name}.wasm`)))
}

export interface Ran extends Omit<RunResult, 'stdout' | 'stderr'> {
  stdout: string
  stderr: string
  stdoutBytes: Uint8Array
}

/** Prepares and runs a module, returning text output; disposes spilled outputs */
export async function run (bytes: Uint8Array, options: Partial<RunOptions> & { memoryLimit?: number, raw?: boolean } = {}): Promise<Ran> {
  const prepared = await prepareModule(bytes, { memoryLimit: options.memoryLimit ?? 64 * 2 ** 20 })
  const uninstrumented = options.raw === true ? new WebAssembly.Module(bytes) : undefined
  const r: RunResult = await runModule(prepared, { args: ['job'], ...options, uninstrumented })
  await r.dispose()
  return {
    ...r,
    stdout: Buffer.from(r.stdout).toString('utf8'),
    stderr: Buffer.from(r.stderr).toString('utf8'),
    stdoutBytes: r.stdout
  }
}

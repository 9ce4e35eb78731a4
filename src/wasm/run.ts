import { createReadStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { RuntimeHostError } from '../errors.js'
import { HOST_STACK_MB } from './abi.js'
import type { PreparedModule } from './prepare.js'
import type { OutputEntry, Status, TreeSpec, WorkerInput, WorkerMessage } from './protocol.js'

/** A read-only file whose bytes are fetched on demand (for example from a blockstore) */
export interface LazyFile {
  type: 'file'
  size: number
  /** Returns up to `length` bytes at `offset`; fewer only at the end of the file */
  read: (offset: number, length: number) => Promise<Uint8Array>
}

/** A node of the tree given to a job */
export type TreeNode =
  | { type: 'dir', entries: Record<string, TreeNode> }
  | { type: 'file', bytes: Uint8Array }
  | LazyFile
  | { type: 'symlink', target: string }

export interface RunLimits {
  /** Instructions (wasmtime's counting) */
  fuel: bigint
  /** Captured stdout and stderr are cut at these sizes */
  stdoutBytes: number
  stderrBytes: number
  /** Bytes /outputs and /tmp may hold together */
  outputBytes: number
}

export const DEFAULT_LIMITS: RunLimits = {
  fuel: 10_000_000_000n,
  stdoutBytes: 16 * 2 ** 20,
  stderrBytes: 16 * 2 ** 20,
  outputBytes: 1 * 2 ** 30
}

export interface RunOptions {
  /** argv; argv[0] is the module's name */
  args: string[]
  /** Environment, in order */
  env?: Array<[string, string]>
  /** Seeds random_get */
  seed?: Uint8Array
  limits?: Partial<RunLimits>
  /**
   * Read-only trees mounted at absolute paths (e.g. `/inputs`). The job also
   * sees an empty writable `/outputs` and `/tmp`; nothing else exists.
   */
  mounts?: Array<{ path: string, node: TreeNode }>
  /**
   * Instead of mounts: the whole tree, writable, as `/` (used to run
   * conformance suites whose tests write next to their fixtures).
   */
  writableRoot?: TreeNode
  /** With writableRoot: do not preopen it (a conformance test that expects no directories) */
  noPreopen?: boolean
  /** Wall-clock safety net; ends the run with status `timeout`, which is not a result */
  timeoutMs?: number
  /** Where large outputs spill; defaults to the OS temp dir */
  spillDir?: string
  /** Called with the number of input bytes handed to the job, each time a window is served */
  onInputRead?: (bytes: number) => void
  /** Called with stdout/stderr bytes as the job writes them */
  onStdout?: (chunk: Uint8Array) => void
  onStderr?: (chunk: Uint8Array) => void
  /** Host stack of the worker; only tests change it (to show it does not matter) */
  stackSizeMb?: number
  /** Run the module without the rewrite (for baselines and differential tests) */
  uninstrumented?: WebAssembly.Module
}

export interface RunResult {
  status: Status
  /** Set when status is `exit` */
  exitCode?: number
  /** Set when status is `trap` */
  trap?: string
  /** Fuel burned; equals the limit when the status is `out-of-fuel` */
  fuelUsed: bigint
  stdout: Uint8Array
  stderr: Uint8Array
  stdoutTruncated: boolean
  stderrTruncated: boolean
  /** What the job left in /outputs, sorted by path */
  outputs: OutputEntry[]
  durationMs: number
  /** Streams an output file's bytes */
  readOutput: (entry: OutputEntry) => AsyncIterable<Uint8Array>
  /** Removes spilled output files; call once the outputs have been consumed */
  dispose: () => Promise<void>
}

const BRIDGE_BYTES = 1 << 20

function spec (node: TreeNode, writable: boolean, sources: LazyFile[]): TreeSpec {
  switch (node.type) {
    case 'dir': return {
      t: 'dir',
      writable,
      entries: Object.entries(node.entries).map(([name, child]) => {
        if (name === '' || name === '.' || name === '..' || name.includes('/')) throw new RuntimeHostError(`invalid name '${name}' in the job's tree`)
        return [name, spec(child, writable, sources)]
      })
    }
    case 'symlink': return { t: 'symlink', target: node.target }
    case 'file':
      if ('bytes' in node) return { t: 'bytes', bytes: node.bytes }
      sources.push(node)
      return { t: 'lazy', source: sources.length - 1, size: node.size }
  }
}

/** Builds the job's root: read-only mounts, writable /outputs and /tmp */
function jobTree (options: RunOptions, sources: LazyFile[]): TreeSpec {
  if (options.writableRoot !== undefined) return spec(options.writableRoot, true, sources)
  const root: Extract<TreeSpec, { t: 'dir' }> = { t: 'dir', writable: false, entries: [] }
  const dirAt = (parts: string[]): Extract<TreeSpec, { t: 'dir' }> => {
    let d = root
    for (const p of parts) {
      let next = d.entries.find(([n]) => n === p)?.[1]
      if (next === undefined) { next = { t: 'dir', writable: false, entries: [] }; d.entries.push([p, next]) }
      if (next.t !== 'dir') throw new RuntimeHostError(`mount path crosses a file at '${p}'`)
      d = next
    }
    return d
  }
  for (const { path, node } of options.mounts ?? []) {
    const parts = path.split('/').filter(p => p !== '')
    if (parts.length === 0 || parts.includes('..') || parts.includes('.')) throw new RuntimeHostError(`invalid mount path '${path}'`)
    const parent = dirAt(parts.slice(0, -1))
    const name = parts[parts.length - 1]
    if (parent.entries.some(([n]) => n === name)) throw new RuntimeHostError(`two mounts at '${path}'`)
    parent.entries.push([name, spec(node, false, sources)])
  }
  for (const name of ['outputs', 'tmp']) {
    if (root.entries.some(([n]) => n === name)) throw new RuntimeHostError(`a mount hides /${name}`)
    root.entries.push([name, { t: 'dir', writable: true, entries: [] }])
  }
  return root
}

async function * readEntry (entry: OutputEntry): AsyncIterable<Uint8Array> {
  if (entry.bytes !== undefined) { yield entry.bytes; return }
  if (entry.spill !== undefined) {
    for await (const chunk of createReadStream(entry.spill, { highWaterMark: 1 << 20 })) yield chunk as Uint8Array
  }
}

/**
 * Runs a prepared module in a worker thread with bounded heap and a fixed
 * host stack, against a virtual tree, and returns what happened. Only
 * `timeout` and thrown RuntimeHostErrors depend on the machine; every other
 * outcome is the same on every machine for the same module, tree, args, env,
 * seed and limits.
 */
export async function runModule (prepared: PreparedModule, options: RunOptions): Promise<RunResult> {
  const result = await runOnce(prepared, options, options.uninstrumented ?? prepared.module)
  if (result.status !== 'trap' || options.uninstrumented !== undefined) return result
  // The fast variant's fuel counter is exact only at calls and exits: run
  // again with the exact variant to report the fuel spent up to the trap.
  await result.dispose()
  const exact = await runOnce(prepared, options, prepared.exact())
  if (exact.status !== 'trap' || exact.trap !== result.trap) {
    await exact.dispose()
    throw new RuntimeHostError(`the job trapped with '${result.trap}' but its exact re-run ended with ${exact.status}: the runtime is not deterministic here, please report it`)
  }
  return exact
}

async function runOnce (prepared: PreparedModule, options: RunOptions, module: WebAssembly.Module): Promise<RunResult> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  const sources: LazyFile[] = []
  const tree = jobTree(options, sources)
  const spillDir = await mkdtemp(join(options.spillDir ?? tmpdir(), 'dcx-run-'))
  const dispose = async (): Promise<void> => { await rm(spillDir, { recursive: true, force: true }) }
  const control = new SharedArrayBuffer(8)
  const data = new SharedArrayBuffer(BRIDGE_BYTES)
  const controlView = new Int32Array(control)
  const dataView = new Uint8Array(data)
  const readAhead = new Map<number, { offset: number, length: number, bytes: Promise<Uint8Array> }>()
  const input: WorkerInput = {
    module,
    instrumented: options.uninstrumented === undefined,
    args: options.args,
    env: (options.env ?? []).map(([k, v]) => `${k}=${v}`),
    fuel: limits.fuel,
    seed: options.seed ?? new Uint8Array(0),
    tree,
    limits: {
      stdoutBytes: limits.stdoutBytes,
      stderrBytes: limits.stderrBytes,
      outputBytes: limits.outputBytes,
      memoryBytes: 64 * 2 ** 20,
      spillAt: 4 * 2 ** 20
    },
    spillDir,
    control,
    data,
    liveOutput: options.onStdout !== undefined || options.onStderr !== undefined,
    preopen: options.noPreopen !== true
  }
  const started = performance.now()
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    workerData: input,
    resourceLimits: {
      // V8 counts linear memory as external memory against this limit and
      // collects garbage on every memory.grow when close to it: keep it well
      // above the job's memory. The host's own heap use is bounded by the
      // caps on captured output and in-memory files, not by this number.
      maxOldGenerationSizeMb: Math.max(1024, 2 * Math.ceil(prepared.memoryPages / 16)),
      maxYoungGenerationSizeMb: 32,
      stackSizeMb: options.stackSizeMb ?? HOST_STACK_MB
    },
    stdout: false,
    stderr: false
  })

  try {
    return await new Promise<RunResult>((resolve, reject) => {
      let settled = false
      const finish = (fn: () => void): void => {
        if (settled) return
        settled = true
        if (timer !== undefined) clearTimeout(timer)
        fn()
        void worker.terminate()
      }
      const timer = options.timeoutMs !== undefined
        ? setTimeout(() => finish(() => resolve({
          status: 'timeout',
          fuelUsed: 0n,
          stdout: new Uint8Array(0),
          stderr: new Uint8Array(0),
          stdoutTruncated: false,
          stderrTruncated: false,
          outputs: [],
          durationMs: performance.now() - started,
          readOutput: readEntry,
          dispose
        })), options.timeoutMs)
        : undefined
      worker.on('message', (msg: WorkerMessage) => {
        switch (msg.type) {
          case 'read': {
            // serve from the window read ahead while the job computed, if it is the one asked for
            const ahead = readAhead.get(msg.source)
            const length = Math.min(msg.length, dataView.length)
            const bytes = ahead !== undefined && ahead.offset === msg.offset && ahead.length === length
              ? ahead.bytes
              : sources[msg.source].read(msg.offset, length)
            readAhead.delete(msg.source)
            bytes.then(bytes => {
              const n = Math.min(bytes.length, dataView.length)
              dataView.set(bytes.subarray(0, n))
              controlView[1] = n
              Atomics.store(controlView, 0, 1)
              Atomics.notify(controlView, 0)
              options.onInputRead?.(n)
              // jobs mostly read on: fetch the next window now, in parallel with the job
              const source = sources[msg.source]
              const next = msg.offset + n
              if (n > 0 && next < source.size) {
                const ahead = { offset: next, length, bytes: source.read(next, length) }
                ahead.bytes.catch(() => {})
                readAhead.set(msg.source, ahead)
              }
            }, () => {
              Atomics.store(controlView, 0, 2)
              Atomics.notify(controlView, 0)
            })
            break
          }
          case 'stdout': options.onStdout?.(msg.chunk); break
          case 'stderr': options.onStderr?.(msg.chunk); break
          case 'host-error': finish(() => reject(new RuntimeHostError(msg.message))); break
          case 'result': finish(() => resolve({
            status: msg.status,
            exitCode: msg.exitCode,
            trap: msg.trap,
            fuelUsed: msg.fuelUsed,
            stdout: msg.stdout,
            stderr: msg.stderr,
            stdoutTruncated: msg.stdoutTotal > msg.stdout.length,
            stderrTruncated: msg.stderrTotal > msg.stderr.length,
            outputs: msg.outputs,
            durationMs: performance.now() - started,
            readOutput: readEntry,
            dispose
          }))
        }
      })
      worker.on('error', (err: any) => finish(() => reject(new RuntimeHostError(err?.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'the job\'s host heap ran out' : String(err?.message ?? err)))))
      worker.on('exit', code => finish(() => reject(new RuntimeHostError(`the worker exited with code ${code} before reporting`))))
    })
  } catch (err) {
    await dispose()
    throw err
  }
}

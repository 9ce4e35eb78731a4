import { createReadStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { EntryNames } from '../data/entry-names.js'
import { DcxError } from '../errors.js'
import { distFile } from '../package-root.js'
import { RuntimeHostError } from './errors.js'
import { HOST_STACK_MB } from './abi.js'
import { encodeExtents } from './extents.js'
import { JOB_LIMITS } from './job-limits.js'
import { encodeListing } from './listing.js'
import type { ListedEntry } from './listing.js'
import type { PreparedModule } from './prepare.js'
import { BRIDGE } from './protocol.js'
import type { FileExtent, LimitHit, OutputEntry, Status, TreeSpec, WorkerInput, WorkerMessage } from './protocol.js'
import type { AbortOptions } from 'abort-error'

/** A read-only file whose bytes are fetched on demand (for example from a blockstore) */
export interface LazyFile {
  type: 'file'
  size: number
  /** Returns up to `length` bytes at `offset`; fewer only at the end of the file */
  read: (offset: number, length: number) => Promise<Uint8Array>
  /**
   * Where the bytes from `offset` on lie, for a file whose bytes are (at
   * least partly) in host files: consecutive extents, the first holding
   * `offset`. The job's thread reads extents that name a host file itself,
   * and the rest through `read`.
   */
  extents?: (offset: number, options: AbortOptions) => Promise<FileExtent[]>
  /**
   * Checks the host file bytes of an extent that carries `check`, called
   * once the job has read from it; a rejection fails the run (the job saw
   * bytes that are not the file's). The result waits for every check.
   */
  verify?: (check: string, options: AbortOptions) => Promise<void>
}

/**
 * A read-only directory whose entries are listed on demand, when the job
 * first looks inside (for example a UnixFS directory in a blockstore): a
 * tree that expands to billions of entries costs only what the job lists.
 */
export interface LazyDir {
  type: 'dir'
  /** The entries, in any order; each name must be safe and listed once */
  list: (options: AbortOptions) => AsyncIterable<[string, TreeNode]>
}

/** A node of the tree given to a job */
export type TreeNode =
  | { type: 'dir', entries: Map<string, TreeNode> }
  | LazyDir
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
  /** Names (files, directories, links) /outputs and /tmp may hold together; past it, creating one fails with EDQUOT */
  outputEntries: number
  /** Directories may nest this deep below /outputs or /tmp; past it, mkdir fails with ENAMETOOLONG */
  outputDepth: number
  /** Entries of the read-only inputs the job may list in all; past it, listing one more directory fails with ENOMEM */
  inputEntries: number
}

/** The job limits' defaults (`job-limits.ts`), as the runner takes them */
export const DEFAULT_LIMITS: RunLimits = {
  fuel: BigInt(JOB_LIMITS.fuel.default),
  stdoutBytes: JOB_LIMITS.stdout.default,
  stderrBytes: JOB_LIMITS.stderr.default,
  outputBytes: JOB_LIMITS.output.default,
  outputEntries: JOB_LIMITS.outputEntries.default,
  outputDepth: JOB_LIMITS.outputDepth.default,
  inputEntries: JOB_LIMITS.inputEntries.default
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
  /** Stops the job at once (its worker is terminated) and rejects with the signal's reason */
  signal?: AbortSignal
  /** Where large outputs spill; defaults to the OS temp dir */
  spillDir?: string
  /** Called with the number of input bytes handed to the job, each time a window is served or read */
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
  /** Limits the job ran into and went on from (sorted); empty for a timeout */
  limitsHit: LimitHit[]
  durationMs: number
  /** Streams an output file's bytes */
  readOutput: (entry: OutputEntry) => AsyncIterable<Uint8Array>
  /** Removes spilled output files; call once the outputs have been consumed */
  dispose: () => Promise<void>
}

const BRIDGE_BYTES = 1 << 20
/** Checks of host file bytes already done in a run, remembered so that a job reading a file again does not check it again */
const CHECKS_REMEMBERED = 4096

/** A lazy source the worker asks for by number: a file's bytes or a directory's listing */
type Source = LazyFile | LazyDir

/** An eager directory offered as a lazy one (inside a lazy directory everything is listed on demand) */
function asLazy (entries: Map<string, TreeNode>): LazyDir {
  return { type: 'dir', list: async function * () { yield * entries } }
}

function isLazyDir (node: TreeNode): node is LazyDir {
  return node.type === 'dir' && 'list' in node
}

function spec (node: TreeNode, writable: boolean, sources: Source[], where: string): TreeSpec {
  switch (node.type) {
    case 'dir': {
      if (isLazyDir(node)) {
        if (writable) throw new RuntimeHostError('a lazy directory cannot be writable')
        sources.push(node)
        return { t: 'lazydir', source: sources.length - 1 }
      }
      const names = new EntryNames(where)
      return {
        t: 'dir',
        writable,
        entries: [...node.entries].map(([name, child]) => {
          names.add(name)
          return [name, spec(child, writable, sources, `${where}/${name}`)]
        })
      }
    }
    case 'symlink': return { t: 'symlink', target: node.target }
    case 'file':
      if ('bytes' in node) return { t: 'bytes', bytes: node.bytes }
      sources.push(node)
      return { t: 'lazy', source: sources.length - 1, size: node.size, direct: node.extents !== undefined }
  }
}

/** Builds the job's root: read-only mounts, writable /outputs and /tmp */
function jobTree (options: RunOptions, sources: Source[]): TreeSpec {
  if (options.writableRoot !== undefined) return spec(options.writableRoot, true, sources, 'the tree')
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
    parent.entries.push([name, spec(node, false, sources, path)])
  }
  for (const name of ['outputs', 'tmp']) {
    if (root.entries.some(([n]) => n === name)) throw new RuntimeHostError(`a mount hides /${name}`)
    root.entries.push([name, { t: 'dir', writable: true, entries: [] }])
  }
  return root
}

/**
 * A lazy directory's entries as the worker sees them, each child registered
 * as a source of its own. At most `budget` entries: with more, undefined (the
 * job's listing fails with ENOMEM) and nothing is registered. Names are
 * checked here too, whatever the directory's maker did.
 */
async function listDir (dir: LazyDir, sources: Source[], budget: number, where: string, options: AbortOptions): Promise<ListedEntry[] | undefined> {
  const names = new EntryNames(where)
  const children: Array<[string, TreeNode]> = []
  for await (const [name, child] of dir.list(options)) {
    names.add(name)
    if (children.length === budget) return undefined
    children.push([name, child])
  }
  return children.map(([name, child]): ListedEntry => {
    switch (child.type) {
      case 'symlink': return { name, kind: 'symlink', target: child.target }
      case 'dir': sources.push(isLazyDir(child) ? child : asLazy(child.entries)); return { name, kind: 'dir', source: sources.length - 1 }
      case 'file': {
        const file: LazyFile = 'bytes' in child
          ? { type: 'file', size: child.bytes.length, read: async (offset, length) => child.bytes.subarray(offset, offset + length) }
          : child
        sources.push(file)
        return { name, kind: 'file', source: sources.length - 1, size: file.size, direct: file.extents !== undefined }
      }
    }
  })
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

/** Prefix of a run's spill folder; the pid lets a later process tell a dead run's leftovers (see `removeStaleSpills`) */
export const SPILL_PREFIX = 'dcx-run-'

async function runOnce (prepared: PreparedModule, options: RunOptions, module: WebAssembly.Module): Promise<RunResult> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  const sources: Source[] = []
  const tree = jobTree(options, sources)
  const spillDir = await mkdtemp(join(options.spillDir ?? tmpdir(), `${SPILL_PREFIX}${process.pid}-`))
  const dispose = async (): Promise<void> => { await rm(spillDir, { recursive: true, force: true }) }
  const control = new SharedArrayBuffer(12)
  const data = new SharedArrayBuffer(BRIDGE_BYTES)
  const controlView = new Int32Array(control)
  const dataView = new Uint8Array(data)
  const readAhead = new Map<number, { offset: number, length: number, bytes: Promise<Uint8Array> }>()
  /** The next batch of extents of a direct file, located while the job reads the last one */
  const locateAhead = new Map<number, { offset: number, extents: Promise<FileExtent[]> }>()
  /** Checks of host file bytes the job read, one at a time, in the order it read them */
  let checking: Promise<void> = Promise.resolve()
  const checked = new Set<string>()
  const input: WorkerInput = {
    module,
    instrumented: options.uninstrumented === undefined,
    optimizeFromStart: prepared.optimizeFromStart,
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
      spillAt: 4 * 2 ** 20,
      entries: limits.outputEntries,
      // /outputs and /tmp sit at depth 1; a writable root is depth 0
      dirDepth: limits.outputDepth + (options.writableRoot !== undefined ? 0 : 1)
    },
    spillDir,
    control,
    data,
    liveOutput: options.onStdout !== undefined || options.onStderr !== undefined,
    reportReads: options.onInputRead !== undefined,
    preopen: options.noPreopen !== true
  }
  const started = performance.now()
  const worker = new Worker(distFile('wasm/worker.js'), {
    workerData: input,
    resourceLimits: {
      // V8 counts linear memory as external memory against this limit and
      // collects garbage on every memory.grow when close to it: keep it well
      // above the job's memory. The host's own heap use is bounded by the
      // caps on captured output, in-memory files and entries, not by this number.
      maxOldGenerationSizeMb: Math.max(1024, 2 * Math.ceil(prepared.memoryPages / 16)),
      maxYoungGenerationSizeMb: 32,
      stackSizeMb: options.stackSizeMb ?? HOST_STACK_MB
    },
    stdout: false,
    stderr: false
  })
  const stopped = new AbortController()
  const listOptions = { signal: options.signal !== undefined ? AbortSignal.any([options.signal, stopped.signal]) : stopped.signal }
  let listed = 0
  /** The listing or extents being paged to the worker */
  let answer: Uint8Array | undefined

  const reply = (state: number, bytes?: Uint8Array, total = 0): void => {
    if (bytes !== undefined) dataView.set(bytes)
    controlView[1] = bytes?.length ?? 0
    controlView[2] = total
    Atomics.store(controlView, 0, state)
    Atomics.notify(controlView, 0)
  }
  const page = (offset: number): void => {
    const bytes = answer!.subarray(offset, offset + dataView.length)
    const total = answer!.length
    if (offset + bytes.length >= total) answer = undefined
    reply(BRIDGE.ready, bytes, total)
  }

  try {
    return await new Promise<RunResult>((resolve, reject) => {
      let settled = false
      /** The worker posted its result (it exits next; the result may still wait for checks) */
      let reported = false
      const finish = (fn: () => void): void => {
        if (settled) return
        settled = true
        if (timer !== undefined) clearTimeout(timer)
        options.signal?.removeEventListener('abort', onAbort)
        stopped.abort()
        fn()
        void worker.terminate()
      }
      /** A source failed: our own errors (a block missing, a hostile name) reach the caller as they are */
      const failed = (err: any): void => finish(() => reject(err instanceof DcxError || err?.name === 'AbortError' ? err : new RuntimeHostError(`reading the job's inputs failed: ${String(err?.message ?? err)}`)))
      const onAbort = (): void => finish(() => reject(options.signal!.reason))
      if (options.signal?.aborted === true) { onAbort(); return }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      const timer = options.timeoutMs !== undefined
        ? setTimeout(() => finish(() => resolve({
          status: 'timeout',
          fuelUsed: 0n,
          stdout: new Uint8Array(0),
          stderr: new Uint8Array(0),
          stdoutTruncated: false,
          stderrTruncated: false,
          outputs: [],
          limitsHit: [],
          durationMs: performance.now() - started,
          readOutput: readEntry,
          dispose
        })), options.timeoutMs)
        : undefined
      worker.on('message', (msg: WorkerMessage) => {
        switch (msg.type) {
          case 'read': {
            const source = sources[msg.source]
            if (source === undefined || source.type !== 'file') { failed(new RuntimeHostError(`the worker asked for input file ${msg.source}, which is not one`)); break }
            // serve from the window read ahead while the job computed, if it is the one asked for
            const ahead = readAhead.get(msg.source)
            const length = Math.min(msg.length, dataView.length)
            const bytes = ahead !== undefined && ahead.offset === msg.offset && ahead.length === length
              ? ahead.bytes
              : source.read(msg.offset, length)
            readAhead.delete(msg.source)
            bytes.then(bytes => {
              if (settled) return
              const n = Math.min(bytes.length, dataView.length)
              reply(BRIDGE.ready, bytes.subarray(0, n))
              options.onInputRead?.(n)
              // jobs mostly read on: fetch the next window now, in parallel with the job (a direct
              // file comes here only for what its host files lack, and reads on from them itself)
              const next = msg.offset + n
              if (n > 0 && next < source.size && source.extents === undefined) {
                const ahead = { offset: next, length, bytes: source.read(next, length) }
                ahead.bytes.catch(() => {})
                readAhead.set(msg.source, ahead)
              }
            }, failed)
            break
          }
          case 'list': {
            const dir = sources[msg.source]
            if (dir === undefined || dir.type !== 'dir') { failed(new RuntimeHostError(`the worker asked to list input ${msg.source}, which is not a directory`)); break }
            listDir(dir, sources, limits.inputEntries - listed, `input directory ${msg.source}`, listOptions).then(entries => {
              if (settled) return
              if (entries === undefined) { reply(BRIDGE.refused); return }
              listed += entries.length
              answer = encodeListing(entries)
              page(0)
            }, failed)
            break
          }
          case 'extents': {
            const source = sources[msg.source]
            if (source?.type !== 'file' || source.extents === undefined) { failed(new RuntimeHostError(`the worker asked where input file ${msg.source} lies, which has no host files`)); break }
            const ahead = locateAhead.get(msg.source)
            locateAhead.delete(msg.source)
            const located = ahead !== undefined && ahead.offset === msg.offset ? ahead.extents : source.extents(msg.offset, listOptions)
            located.then(extents => {
              if (settled) return
              answer = encodeExtents(extents)
              page(0)
              // jobs mostly read on: locate the next batch now, in parallel with the job
              const last = extents[extents.length - 1]
              const next = last === undefined ? source.size : last.start + last.length
              if (next < source.size) {
                const ahead = { offset: next, extents: source.extents!(next, listOptions) }
                ahead.extents.catch(() => {})
                locateAhead.set(msg.source, ahead)
              }
            }, failed)
            break
          }
          case 'check': {
            const source = sources[msg.source]
            if (source?.type !== 'file' || source.verify === undefined) break
            if (checked.has(msg.check)) break
            if (checked.size >= CHECKS_REMEMBERED) checked.delete(checked.values().next().value!)
            checked.add(msg.check)
            checking = checking.then(async () => { if (!settled) await source.verify!(msg.check, listOptions) })
            checking.catch(failed)
            break
          }
          case 'more':
            if (answer === undefined) failed(new RuntimeHostError('the worker asked for more of an answer that was done'))
            else page(msg.offset)
            break
          case 'input-read': options.onInputRead?.(msg.bytes); break
          case 'stdout': options.onStdout?.(msg.chunk); break
          case 'stderr': options.onStderr?.(msg.chunk); break
          case 'host-error': finish(() => reject(new RuntimeHostError(msg.message))); break
          case 'result': {
            reported = true
            const durationMs = performance.now() - started
            // the job saw bytes of host files: the result stands once they are checked
            checking.then(() => finish(() => resolve({
              status: msg.status,
              exitCode: msg.exitCode,
              trap: msg.trap,
              fuelUsed: msg.fuelUsed,
              stdout: msg.stdout,
              stderr: msg.stderr,
              stdoutTruncated: msg.stdoutTotal > msg.stdout.length,
              stderrTruncated: msg.stderrTotal > msg.stderr.length,
              outputs: msg.outputs,
              limitsHit: msg.limitsHit,
              durationMs,
              readOutput: readEntry,
              dispose
            })), failed)
          }
        }
      })
      worker.on('error', (err: any) => finish(() => reject(new RuntimeHostError(err?.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'the job\'s host heap ran out' : String(err?.message ?? err)))))
      worker.on('exit', code => { if (!reported) finish(() => reject(new RuntimeHostError(`the worker exited with code ${code} before reporting`))) })
    })
  } catch (err) {
    await dispose()
    throw err
  }
}

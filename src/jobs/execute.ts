import { basename } from 'node:path'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { cat } from '../data/cat.js'
import { walkDag } from '../data/walk.js'
import { RUNTIME_ABI_VERSION, RUNTIME_NAME, prepareModule, runModule } from '../wasm/index.js'
import { DCX_VERSION } from '../version.js'
import { InvalidArgumentError } from '../errors.js'
import { UnsupportedAbiError } from './errors.js'
import { artifactPinName } from './artifacts.js'
import { checkInputs } from './inputs.js'
import { checkMounts } from './spec.js'
import { mountUnixFS } from './mount.js'
import { decodeJobSpec, encodeRecord } from './records.js'
import { loadReceipt, signReceipt } from './receipts.js'
import { importResult } from './result.js'
import type { PinStore } from '../data/pins.js'
import type { Identity } from '../repo/identity.js'
import type { BlockAccess } from '../repo/blockstore.js'
import type { LimitHit, Status } from '../wasm/index.js'
import type { ReceiptIndex } from './receipts.js'
import type { JobSpec, Receipt } from './records.js'
import type { AbortOptions } from 'abort-error'
import type { ProgressEvent, ProgressOptions } from 'progress-events'

/** What running jobs needs from a repo; pins, receipts and identity only for runs that record a result */
export interface JobContext {
  blockstore: BlockAccess
  pins?: PinStore
  receipts?: ReceiptIndex
  identity?: Identity
  /** Where rewritten modules are cached */
  cacheDir?: string
  /** Where a running job's large outputs spill (the repo's, so a killed run's leftovers are found and removed) */
  tmpDir?: string
}

/** Input bytes the job has read so far, of the total it could read */
export type JobProgress = ProgressEvent<'job:input', { read: number, total: number }>

export interface RunJobOptions extends AbortOptions, ProgressOptions<JobProgress> {
  /**
   * Wall-clock safety net, from the call on: checking the inputs, running,
   * and storing the result all count. A timeout is not a result.
   */
  timeoutMs?: number
  onStdout?: (chunk: Uint8Array) => void
  onStderr?: (chunk: Uint8Array) => void
  /**
   * The blockstore fetches from peers: read every input block while checking
   * the inputs (fetching what is not here) instead of only asking for it
   */
  fetchInputs?: boolean
}

/** What one run of a job spec gave */
export interface JobRun {
  status: Status
  exitCode?: number
  trap?: string
  fuel: number
  /** The result directory; absent for a timeout */
  output?: CID
  /** Limits the job ran into and went on from */
  limitsHit: LimitHit[]
  stdout: Uint8Array
  stderr: Uint8Array
  durationMs: number
}

/** A module's CID: its bytes as a raw block (what a job spec names) */
export async function moduleCid (bytes: Uint8Array): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(bytes))
}

/**
 * Store a module's bytes as a raw block (and pin it, named for `job` unless
 * it is pinned already): its CID goes in the spec
 */
export async function storeModule (bytes: Uint8Array, ctx: JobContext, job?: CID): Promise<CID> {
  const cid = await moduleCid(bytes)
  await ctx.blockstore.put(cid, bytes)
  await ctx.pins?.add(cid, { type: 'direct', nameIfNew: job !== undefined ? artifactPinName(job, 'module') : undefined })
  return cid
}

/** argv[0] for a module given as a file */
export function moduleName (file: string): string {
  return basename(file).replace(/\.wasm$/, '')
}

/** Load and check a job spec */
export async function loadJobSpec (cid: CID, ctx: Pick<JobContext, 'blockstore'>, options: AbortOptions = {}): Promise<JobSpec> {
  return decodeJobSpec(cid, await ctx.blockstore.getBytes(cid, options))
}

/** A wall-clock budget started now: a signal that fires when it is spent, and what is left of it */
function deadline (timeoutMs: number | undefined, signal?: AbortSignal): { signal: AbortSignal | undefined, left: () => number | undefined, expired: () => boolean } {
  const until = timeoutMs === undefined ? undefined : performance.now() + timeoutMs
  const timer = timeoutMs === undefined ? undefined : AbortSignal.timeout(Math.max(1, Math.ceil(timeoutMs)))
  const signals = [signal, timer].filter((s): s is AbortSignal => s !== undefined)
  return {
    signal: signals.length === 0 ? undefined : AbortSignal.any(signals),
    left: () => until === undefined ? undefined : Math.max(1, Math.ceil(until - performance.now())),
    expired: () => timer?.aborted === true && signal?.aborted !== true
  }
}

function timedOut (startedAt: number): JobRun {
  return { status: 'timeout', fuel: 0, stdout: new Uint8Array(0), stderr: new Uint8Array(0), limitsHit: [], durationMs: performance.now() - startedAt }
}

/**
 * Run a job spec: module from the blockstore, inputs checked whole and then
 * mounted lazily from it, the result imported back as a UnixFS directory
 * (not pinned here). The same spec gives the same status, fuel and output
 * CID on every machine. `timeoutMs` runs from this call: running out of it
 * anywhere (the input check, the run, storing the result) is a timeout.
 */
export async function runJobSpec (spec: JobSpec, ctx: JobContext, options: RunJobOptions = {}): Promise<JobRun> {
  if (spec.runtime.abi !== RUNTIME_ABI_VERSION) throw new UnsupportedAbiError(spec.runtime.abi, RUNTIME_ABI_VERSION)
  checkMounts(spec.inputs)
  const startedAt = performance.now()
  const budget = deadline(options.timeoutMs, options.signal)
  const within = { signal: budget.signal }
  try {
    const moduleBytes = await ctx.blockstore.getBytes(spec.module, within)
    const prepared = await prepareModule(moduleBytes, { memoryLimit: spec.limits.memory, cacheDir: ctx.cacheDir })
    const { bytes: total } = await checkInputs(spec.inputs, ctx.blockstore, { ...within, readLeaves: options.fetchInputs })
    const mounts = []
    for (const input of spec.inputs) mounts.push({ path: input.path, node: await mountUnixFS(input.cid, ctx.blockstore, within) })
    let read = 0
    const result = await runModule(prepared, {
      onInputRead: options.onProgress !== undefined
        ? (n) => { read += n; options.onProgress?.({ type: 'job:input', detail: { read, total } } as JobProgress) }
        : undefined,
      args: [spec.name, ...spec.args],
      env: spec.env,
      seed: spec.seed,
      mounts,
      limits: {
        fuel: BigInt(spec.limits.fuel),
        stdoutBytes: spec.limits.stdout,
        stderrBytes: spec.limits.stderr,
        outputBytes: spec.limits.output,
        outputEntries: spec.limits.outputEntries,
        outputDepth: spec.limits.outputDepth,
        inputEntries: spec.limits.inputEntries
      },
      timeoutMs: budget.left(),
      signal: options.signal,
      spillDir: ctx.tmpDir,
      onStdout: options.onStdout,
      onStderr: options.onStderr
    })
    try {
      const run: JobRun = {
        status: result.status,
        exitCode: result.exitCode,
        trap: result.trap,
        fuel: Number(result.fuelUsed),
        stdout: result.stdout,
        stderr: result.stderr,
        limitsHit: result.limitsHit,
        durationMs: result.durationMs
      }
      if (result.status !== 'timeout') run.output = await importResult(result, ctx.blockstore, within)
      return run
    } finally {
      await result.dispose()
    }
  } catch (err) {
    if (budget.expired()) return timedOut(startedAt)
    throw err
  }
}

/** A job run and recorded: its spec, result, and signed receipt */
export interface ExecutedJob {
  job: CID
  spec: JobSpec
  /** Absent for a timeout, which is not a result */
  receipt?: { cid: CID, value: Receipt }
  run?: JobRun
  /** The receipt came from an earlier run of the same job */
  cached: boolean
}

export interface ExecuteOptions extends RunJobOptions {
  /** Run even if a receipt for this job exists */
  force?: boolean
}

/**
 * Record and run a complete spec (what a peer sends over the job protocol):
 * the module's bytes must be the ones the spec names.
 */
export async function executeSpec (spec: JobSpec, moduleBytes: Uint8Array, ctx: Required<JobContext>, options: ExecuteOptions = {}): Promise<ExecutedJob> {
  // everything that can be refused is checked before anything is written
  const module = await moduleCid(moduleBytes)
  if (!module.equals(spec.module)) throw new InvalidArgumentError(`the module's bytes hash to ${module}, not to the spec's module ${spec.module}`)
  if (spec.runtime.abi !== RUNTIME_ABI_VERSION) throw new UnsupportedAbiError(spec.runtime.abi, RUNTIME_ABI_VERSION)
  await prepareModule(moduleBytes, { memoryLimit: spec.limits.memory, cacheDir: ctx.cacheDir })
  const startedAt = performance.now()
  const budget = deadline(options.timeoutMs, options.signal)
  try {
    // fetching inputs, the leaves are read too: `has` of a missing leaf would not fetch it
    for (const input of spec.inputs) await walkDag(input.cid, ctx.blockstore, { signal: budget.signal, readLeaves: options.fetchInputs })
  } catch (err) {
    if (budget.expired()) return { job: (await encodeRecord(spec)).cid, spec, run: timedOut(startedAt), cached: false }
    throw err
  }
  const block = await encodeRecord(spec)
  await storeModule(moduleBytes, ctx, block.cid)
  await ctx.blockstore.put(block.cid, block.bytes)
  await ctx.pins.add(block.cid, { signal: options.signal, knownComplete: true, nameIfNew: artifactPinName(block.cid, 'spec') })
  if (options.force !== true) {
    const previous = await ctx.receipts.get(block.cid)
    if (previous !== undefined && await ctx.blockstore.has(previous)) {
      return { job: block.cid, spec, receipt: { cid: previous, value: await loadReceipt(previous, ctx.blockstore) }, cached: true }
    }
  }
  const run = await runJobSpec(spec, ctx, { ...options, timeoutMs: budget.left() })
  if (run.output === undefined) return { job: block.cid, spec, run, cached: false }
  await ctx.pins.add(run.output, { signal: options.signal, nameIfNew: artifactPinName(block.cid, 'output') })
  const receipt = await signReceipt({
    type: 'dcx/receipt',
    version: 1,
    job: block.cid,
    output: run.output,
    status: run.status as Receipt['status'],
    exitCode: run.exitCode ?? null,
    trap: run.trap ?? null,
    fuel: run.fuel,
    ...(run.limitsHit.length > 0 ? { limitsHit: run.limitsHit } : {}),
    runtime: { name: RUNTIME_NAME, version: DCX_VERSION, abi: RUNTIME_ABI_VERSION },
    executor: ctx.identity.peerId,
    time: new Date().toISOString()
  }, ctx.identity.privateKey)
  const stored = await encodeRecord(receipt)
  await ctx.blockstore.put(stored.cid, stored.bytes)
  await ctx.pins.add(stored.cid, { signal: options.signal, knownComplete: true, nameIfNew: artifactPinName(block.cid, 'receipt') })
  await ctx.receipts.put(block.cid, stored.cid)
  return { job: block.cid, spec, receipt: { cid: stored.cid, value: receipt }, run, cached: false }
}

/** The captured stdout of a recorded result */
export async function * resultStdout (output: CID, blockstore: BlockAccess, options: AbortOptions = {}): AsyncGenerator<Uint8Array> {
  yield * cat({ cid: output, segments: ['stdout'], text: `${output.toString()}/stdout` }, blockstore, options)
}

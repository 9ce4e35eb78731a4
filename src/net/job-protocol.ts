import { JobRefusedError } from './errors.js'
import { NoAnswerError } from './errors.js'
import * as dagCbor from '@ipld/dag-cbor'
import { lpStream } from '@libp2p/utils'
import { CID } from 'multiformats/cid'
import { heldDagBytes } from '../data/dag-size.js'
import { walkDag } from '../data/walk.js'
import { InvalidArgumentError } from '../errors.js'
import { BlockNotFoundError } from '../repo/errors.js'
import { decodeJobSpec, decodeReceipt, encodeRecord } from '../jobs/records.js'
import { checkSignature } from '../jobs/receipts.js'
import { executeSpec } from '../jobs/execute.js'
import { networkBlocks } from './blocks.js'
import type { JobContext } from '../jobs/execute.js'
import type { JobSpec, Receipt } from '../jobs/records.js'
import type { DcxNode } from './node.js'
import type { PeerId } from '@libp2p/interface'

/** The job protocol: one length-prefixed dag-cbor request, one response, per stream */
export const JOB_PROTOCOL = '/dcx/job/1.0.0'
/** Largest message either side reads: a module plus its spec */
export const MAX_MESSAGE_BYTES = 32 * 2 ** 20

/** Most inputs one have-request may ask about */
const MAX_HAVE_INPUTS = 256

/** What an executor accepts (repo config `executor`) */
export interface ExecutorPolicy {
  maxConcurrentJobs: number
  maxFuel: number
  maxMemory: number
  maxOutput: number
  /** Most output entries (files, directories, links) a job may ask for: each costs memory and time to store */
  maxOutputEntries: number
  maxOutputDepth: number
  /** Most input entries a job may ask to list */
  maxInputEntries: number
  /** Peer IDs allowed to submit jobs; empty means open */
  allow: string[]
  /** Run jobs whose inputs this peer does not hold (fetching them); default no */
  runWithoutInputs: boolean
  /** Wall-clock safety net per job, ms */
  timeoutMs: number
}

export const DEFAULT_POLICY: ExecutorPolicy = {
  maxConcurrentJobs: 2,
  maxFuel: 100_000_000_000,
  maxMemory: 2 ** 30,
  maxOutput: 2 ** 30,
  maxOutputEntries: 100_000,
  maxOutputDepth: 256,
  maxInputEntries: 1_000_000,
  allow: [],
  runWithoutInputs: false,
  timeoutMs: 600_000
}

/**
 * The executor policy from the repo config's `executor` object over the
 * defaults; a wrong key or type is a clear error at daemon start, not a
 * surprise when a job arrives.
 */
export function executorPolicy (config: Record<string, unknown> | undefined): ExecutorPolicy {
  const policy: any = { ...DEFAULT_POLICY }
  for (const [key, value] of Object.entries(config ?? {})) {
    const expected = DEFAULT_POLICY[key as keyof ExecutorPolicy]
    const fits = expected === undefined
      ? false
      : Array.isArray(expected)
        ? Array.isArray(value) && value.every(v => typeof v === 'string')
        : typeof value === typeof expected && (typeof value !== 'number' || (Number.isFinite(value) && value >= 0))
    if (!fits) {
      const known = Object.keys(DEFAULT_POLICY).join(', ')
      throw new InvalidArgumentError(expected === undefined
        ? `config.json: executor.${key} is not a setting (known: ${known})`
        : `config.json: executor.${key} must be ${Array.isArray(expected) ? 'a list of peer IDs' : `a ${typeof expected}${typeof expected === 'number' ? ' >= 0' : ''}`}, not ${JSON.stringify(value)}`)
    }
    policy[key] = value
  }
  return policy
}

function refusal (policy: ExecutorPolicy, spec: JobSpec, from: string, running: number): string | undefined {
  if (policy.allow.length > 0 && !policy.allow.includes(from)) return 'not on its allowlist'
  if (running >= policy.maxConcurrentJobs) return `busy (${running} jobs running, its limit is ${policy.maxConcurrentJobs})`
  if (spec.limits.fuel > policy.maxFuel) return `fuel ${spec.limits.fuel} is over its limit of ${policy.maxFuel}`
  if (spec.limits.memory > policy.maxMemory) return `memory ${spec.limits.memory} is over its limit of ${policy.maxMemory}`
  if (spec.limits.output > policy.maxOutput) return `output ${spec.limits.output} is over its limit of ${policy.maxOutput}`
  if (spec.limits.outputEntries > policy.maxOutputEntries) return `output entries ${spec.limits.outputEntries} is over its limit of ${policy.maxOutputEntries}`
  if (spec.limits.outputDepth > policy.maxOutputDepth) return `output depth ${spec.limits.outputDepth} is over its limit of ${policy.maxOutputDepth}`
  if (spec.limits.inputEntries > policy.maxInputEntries) return `input entries ${spec.limits.inputEntries} is over its limit of ${policy.maxInputEntries}`
  return undefined
}

/**
 * Serve the job protocol: run jobs for peers with the same code as a local
 * run, answer with the signed receipt. Malformed or oversized messages close
 * the stream; the daemon keeps serving.
 */
export async function serveJobs (node: DcxNode, ctx: Required<JobContext>, policy: ExecutorPolicy, log: (line: string) => void = () => {}): Promise<JobServer> {
  let running = 0
  let closing = false
  let drained: (() => void) | undefined
  await node.libp2p.handle(JOB_PROTOCOL, async (stream, connection) => {
    const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES })
    const reply = async (value: object): Promise<void> => {
      await lp.write(dagCbor.encode(value))
      await stream.close()
    }
    let spec: JobSpec
    let job: CID
    let module: Uint8Array
    try {
      const message: any = dagCbor.decode((await lp.read({ signal: AbortSignal.timeout(30_000) })).subarray())
      if (message?.type === 'dcx/have-request' && Array.isArray(message.inputs) && message.inputs.length <= MAX_HAVE_INPUTS) {
        // how much of a job's inputs this peer holds, so a requester can pick the peer holding most
        let bytes = 0
        for (const input of message.inputs) bytes += await heldDagBytes(CID.asCID(input) ?? CID.parse(String(input)), ctx.blockstore, { signal: AbortSignal.timeout(10_000) })
        await reply({ type: 'dcx/have-response', bytes })
        return
      }
      if (message?.type !== 'dcx/job-request' || !(message.module instanceof Uint8Array)) throw new Error('not a job request')
      const encoded = await encodeRecord(message.spec)
      spec = decodeJobSpec(encoded.cid, encoded.bytes)
      job = encoded.cid
      module = message.module
    } catch {
      stream.abort(new Error('malformed job request'))
      return
    }
    const from = connection.remotePeer.toString()
    // a requester that goes away (its connection drops, it resets the stream) stops the work done for it
    const gone = new AbortController()
    stream.addEventListener('close', () => gone.abort(new NoAnswerError(from, 'the requester went away')), { once: true })
    try {
      const no = closing ? 'it is shutting down' : refusal(policy, spec, from, running)
      if (no !== undefined) { log(`job from ${from}: refused, ${no}`); await reply({ type: 'dcx/job-response', ok: false, code: 'ERR_REFUSED', message: no }); return }
      running++
      try {
        for (const input of spec.inputs) {
          try {
            // what it lacks is fetched from peers first when it runs jobs on others' data
            await walkDag(input.cid, policy.runWithoutInputs ? networkBlocks(node) : ctx.blockstore, { readLeaves: policy.runWithoutInputs, signal: AbortSignal.any([gone.signal, AbortSignal.timeout(policy.timeoutMs)]) })
          } catch (err) {
            if (err instanceof BlockNotFoundError) { log(`job ${job} from ${from}: refused, it lacks input ${input.cid}`); await reply({ type: 'dcx/job-response', ok: false, code: 'ERR_NO_INPUT', message: `it does not hold input ${input.cid}` }); return }
            throw err
          }
        }
        log(`job ${job} from ${from}: running`)
        const done = await executeSpec(spec, module, ctx, { timeoutMs: policy.timeoutMs, signal: gone.signal })
        if (done.receipt === undefined) {
          log(`job ${job} from ${from}: timed out`)
          await reply({ type: 'dcx/job-response', ok: false, code: 'ERR_TIMEOUT', message: 'the job hit the executor\'s wall-clock timeout' })
          return
        }
        log(`job ${job} from ${from}: ${done.receipt.value.status}, output ${done.receipt.value.output}`)
        const block = await encodeRecord(done.receipt.value)
        await reply({ type: 'dcx/job-response', ok: true, receipt: block.bytes })
      } finally {
        running--
        if (running === 0) drained?.()
      }
    } catch (err: any) {
      if (gone.signal.aborted) { log(`job ${job} from ${from}: stopped, the requester went away`); return }
      await reply({ type: 'dcx/job-response', ok: false, code: err?.code ?? 'ERR_INTERNAL', message: String(err?.message ?? err).split('\n')[0] }).catch(() => {})
    }
  }, { maxInboundStreams: 256 })
  return {
    running: () => running,
    drain: async () => {
      closing = true
      if (running > 0) await new Promise<void>(resolve => { drained = resolve })
    }
  }
}

/** The executor side of the job protocol, as the daemon holds it */
export interface JobServer {
  /** Jobs running now */
  running: () => number
  /** Refuse new jobs and wait for the running ones to finish and be answered */
  drain: () => Promise<void>
}

/**
 * Send a job to a peer and wait for its receipt; the receipt must be for this
 * job, by that peer, and correctly signed.
 */
export async function requestJob (node: DcxNode, peer: PeerId, spec: JobSpec, module: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<{ cid: CID, receipt: Receipt }> {
  const name = peer.toString()
  let response: any
  let stream: Awaited<ReturnType<DcxNode['libp2p']['dialProtocol']>> | undefined
  try {
    stream = await node.libp2p.dialProtocol(peer, JOB_PROTOCOL, options)
    const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES })
    await lp.write(dagCbor.encode({ type: 'dcx/job-request', version: 1, spec, module }), options)
    response = dagCbor.decode((await lp.read(options)).subarray())
    await stream.close().catch(() => {})
  } catch (err: any) {
    // reset the stream so the executor stops working for a requester that gave up
    stream?.abort(err instanceof Error ? err : new Error(String(err)))
    options.signal?.throwIfAborted()
    throw new NoAnswerError(name, String(err?.message ?? err).split('\n')[0])
  }
  if (response?.ok !== true) throw new JobRefusedError(name, String(response?.message ?? 'malformed response'))
  const bytes: Uint8Array = response.receipt
  const { cid } = await encodeRecord(dagCbor.decode(bytes) as object)
  const receipt = decodeReceipt(cid, bytes)
  const job = (await encodeRecord(spec)).cid
  if (!receipt.job.equals(job)) throw new JobRefusedError(name, `its receipt is for job ${receipt.job}, not ${job}`)
  if (receipt.executor !== name) throw new JobRefusedError(name, `its receipt names executor ${receipt.executor}`)
  const sig = await checkSignature(receipt)
  if (!sig.ok) throw new JobRefusedError(name, `its receipt's signature is bad: ${sig.why}`)
  return { cid, receipt }
}

/**
 * Ask a peer how many bytes of these inputs it holds in full; undefined when
 * it cannot say (it does not speak the protocol, or is slow to answer).
 */
export async function askHeldBytes (node: DcxNode, peer: PeerId, inputs: CID[], signal?: AbortSignal): Promise<number | undefined> {
  const options = { signal: AbortSignal.any([AbortSignal.timeout(3000), ...(signal !== undefined ? [signal] : [])]) }
  try {
    const stream = await node.libp2p.dialProtocol(peer, JOB_PROTOCOL, options)
    const lp = lpStream(stream, { maxDataLength: 1024 })
    await lp.write(dagCbor.encode({ type: 'dcx/have-request', version: 1, inputs }), options)
    const response: any = dagCbor.decode((await lp.read(options)).subarray())
    await stream.close().catch(() => {})
    return response?.type === 'dcx/have-response' && typeof response.bytes === 'number' ? response.bytes : undefined
  } catch {
    signal?.throwIfAborted()
    return undefined
  }
}

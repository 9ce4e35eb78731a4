import { lpStream } from '@libp2p/utils'
import { heldDagBytes } from '../../data/dag-size.js'
import { walkDag } from '../../data/walk.js'
import { executeSpec } from '../../jobs/execute.js'
import { encodeRecord } from '../../jobs/records.js'
import { BlockNotFoundError } from '../../repo/errors.js'
import { networkBlocks } from '../blocks.js'
import { DagTooLargeError, NoAnswerError } from '../errors.js'
import { JOB_PROTOCOL, MAX_INBOUND_STREAMS, MAX_MESSAGE_BYTES, REQUEST_TIMEOUT_MS } from './constants.js'
import { decodeRequest, encodeMessage } from './messages.js'
import { DEFAULT_PINNING, pinRefusal, refusal } from './policy.js'
import type { JobContext } from '../../jobs/execute.js'
import type { DcxNode } from '../node.js'
import type { ExecutorPolicy, PinningPolicy } from './policy.js'
import type { JobResponseMessage, PinResponseMessage } from './messages.js'
import type { Connection, Stream } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

export interface JobServiceComponents {
  node: DcxNode
  /** The repo as a job context: results are stored, pinned and signed here */
  jobs: Required<JobContext>
  policy: ExecutorPolicy
  /** Whether and for whom to pin on request */
  pinning?: PinningPolicy
  /** Runs a repo write in its turn with the daemon's other writers */
  writerTurn?: <T>(fn: () => Promise<T>) => Promise<T>
  /** One line per job event (the daemon's log) */
  log?: (line: string) => void
}

/**
 * The executor side of the job protocol: runs jobs for peers with the same
 * code as a local run and answers with the signed receipt, within its
 * policy. Malformed or oversized messages close their stream; the node keeps
 * serving. A requester that goes away stops the work done for it.
 */
export class JobService {
  private active = 0
  private closing = false
  private drained?: () => void
  private readonly log: (line: string) => void

  constructor (private readonly components: JobServiceComponents) {
    this.log = components.log ?? (() => {})
  }

  /** Register the protocol handler */
  async start (): Promise<void> {
    await this.components.node.libp2p.handle(JOB_PROTOCOL, async (stream, connection) => await this.serve(stream, connection), { maxInboundStreams: MAX_INBOUND_STREAMS })
  }

  /** Refuse new jobs, wait for the running ones to finish and be answered, then unregister */
  async stop (): Promise<void> {
    this.closing = true
    if (this.active > 0) await new Promise<void>(resolve => { this.drained = resolve })
    await this.components.node.libp2p.unhandle(JOB_PROTOCOL)
  }

  /** Jobs running now */
  running (): number {
    return this.active
  }

  private async serve (stream: Stream, connection: Connection): Promise<void> {
    const { jobs, policy } = this.components
    const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES })
    const reply = async (message: Parameters<typeof encodeMessage>[0]): Promise<void> => {
      await lp.write(encodeMessage(message))
      await stream.close()
    }
    const refuse = async (code: string, message: string): Promise<void> => await reply({ type: 'dcx/job-response', ok: false, code, message } satisfies JobResponseMessage)
    let request
    try {
      request = await decodeRequest((await lp.read({ signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })).subarray())
    } catch {
      stream.abort(new Error('malformed job request'))
      return
    }
    if (request.kind === 'have') {
      // how much of a job's inputs this peer holds, so a requester can pick the peer holding most
      let bytes = 0
      for (const input of request.inputs) bytes += await heldDagBytes(input, jobs.blockstore, { signal: AbortSignal.timeout(10_000) })
      await reply({ type: 'dcx/have-response', bytes }).catch(() => {})
      return
    }
    if (request.kind === 'pin') {
      await this.pin(request.cid, connection.remotePeer.toString(), reply)
      return
    }
    const { spec, job, module } = request
    const from = connection.remotePeer.toString()
    const gone = new AbortController()
    stream.addEventListener('close', () => gone.abort(new NoAnswerError(from, 'the requester went away')), { once: true })
    try {
      const no = this.closing ? 'it is shutting down' : refusal(policy, spec, from, this.active)
      if (no !== undefined) {
        this.log(`job from ${from}: refused, ${no}`)
        await refuse('ERR_REFUSED', no)
        return
      }
      this.active++
      try {
        const lacking = await this.lackingInput(spec.inputs.map(i => i.cid), gone.signal)
        if (lacking !== undefined) {
          this.log(`job ${job} from ${from}: refused, it lacks input ${lacking}`)
          await refuse('ERR_NO_INPUT', `it does not hold input ${lacking}`)
          return
        }
        this.log(`job ${job} from ${from}: running`)
        const done = await executeSpec(spec, module, jobs, { timeoutMs: policy.timeoutMs, signal: gone.signal })
        if (done.receipt === undefined) {
          this.log(`job ${job} from ${from}: timed out`)
          await refuse('ERR_TIMEOUT', 'the job hit the executor\'s wall-clock timeout')
          return
        }
        this.log(`job ${job} from ${from}: ${done.receipt.value.status}, output ${done.receipt.value.output}`)
        await reply({ type: 'dcx/job-response', ok: true, receipt: (await encodeRecord(done.receipt.value)).bytes })
      } finally {
        this.active--
        if (this.active === 0) this.drained?.()
      }
    } catch (err: any) {
      if (gone.signal.aborted) {
        this.log(`job ${job} from ${from}: stopped, the requester went away`)
        return
      }
      await refuse(err?.code ?? 'ERR_INTERNAL', String(err?.message ?? err).split('\n')[0]).catch(() => {})
    }
  }

  /**
   * A peer asks this one to fetch and pin a DAG: as the pinning policy
   * allows, and no more bytes than it says; announced once pinned.
   */
  private async pin (cid: CID, from: string, reply: (message: PinResponseMessage) => Promise<void>): Promise<void> {
    const { node, jobs } = this.components
    const policy = this.components.pinning ?? DEFAULT_PINNING
    const no = pinRefusal(policy, from)
    if (no !== undefined) {
      this.log(`pin ${cid} for ${from}: refused, ${no}`)
      await reply({ type: 'dcx/pin-response', ok: false, message: no }).catch(() => {})
      return
    }
    let bytes = 0
    try {
      const signal = AbortSignal.timeout(this.components.policy.timeoutMs)
      const turn = this.components.writerTurn ?? (async <T>(fn: () => Promise<T>) => await fn())
      await turn(async () => {
        await walkDag(cid, networkBlocks(node), {
          readLeaves: true,
          signal,
          onBlock: (_, block) => {
            bytes += block?.length ?? 0
            if (bytes > policy.maxBytes) throw new DagTooLargeError(cid.toString(), policy.maxBytes)
          }
        })
        await jobs.pins.add(cid, { knownComplete: true })
      })
      void (node.routing as any).provide(cid, { signal: AbortSignal.timeout(10_000) }).catch(() => {})
      this.log(`pin ${cid} for ${from}: pinned, ${bytes} bytes`)
      await reply({ type: 'dcx/pin-response', ok: true, bytes }).catch(() => {})
    } catch (err: any) {
      this.log(`pin ${cid} for ${from}: failed, ${String(err?.message ?? err).split('\n')[0]}`)
      await reply({ type: 'dcx/pin-response', ok: false, message: String(err?.message ?? err).split('\n')[0] }).catch(() => {})
    }
  }

  /** The first input this peer does not hold (fetching them first when its policy runs jobs on others' data) */
  private async lackingInput (inputs: CID[], gone: AbortSignal): Promise<CID | undefined> {
    const { node, jobs, policy } = this.components
    const store = policy.runWithoutInputs ? networkBlocks(node) : jobs.blockstore
    for (const input of inputs) {
      try {
        await walkDag(input, store, { readLeaves: policy.runWithoutInputs, signal: AbortSignal.any([gone, AbortSignal.timeout(policy.timeoutMs)]) })
      } catch (err) {
        if (err instanceof BlockNotFoundError) return input
        throw err
      }
    }
    return undefined
  }
}

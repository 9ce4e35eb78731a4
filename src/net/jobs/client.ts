import * as dagCbor from '@ipld/dag-cbor'
import { lpStream } from '@libp2p/utils'
import { decodeReceipt, encodeRecord } from '../../jobs/records.js'
import { checkSignature } from '../../jobs/receipts.js'
import { JobRefusedError, NoAnswerError, PinRefusedError } from '../errors.js'
import { HAVE_TIMEOUT_MS, JOB_PROTOCOL, MAX_HAVE_RESPONSE_BYTES, MAX_MESSAGE_BYTES } from './constants.js'
import { decodeHaveResponse, decodeJobResponse, decodePinResponse, encodeMessage } from './messages.js'
import type { JobSpec, Receipt } from '../../jobs/records.js'
import type { DcxNode } from '../node.js'
import type { PeerId } from '@libp2p/interface'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/**
 * One request on a new job-protocol stream and its one answer. A peer that
 * cannot be reached or does not answer is `NoAnswerError`; giving up (the
 * signal) resets the stream, which stops the work the peer does for us.
 */
async function exchange (node: DcxNode, peer: PeerId, request: Uint8Array, maxAnswerBytes: number, options: AbortOptions): Promise<Uint8Array> {
  let stream: Awaited<ReturnType<DcxNode['libp2p']['dialProtocol']>> | undefined
  try {
    stream = await node.libp2p.dialProtocol(peer, JOB_PROTOCOL, options)
    const lp = lpStream(stream, { maxDataLength: maxAnswerBytes })
    await lp.write(request, options)
    const answer = (await lp.read(options)).subarray()
    await stream.close().catch(() => {})
    return answer
  } catch (err: any) {
    stream?.abort(err instanceof Error ? err : new Error(String(err)))
    options.signal?.throwIfAborted()
    throw new NoAnswerError(peer.toString(), String(err?.message ?? err).split('\n')[0])
  }
}

/**
 * Send a job to a peer and wait for its receipt; the receipt must be for this
 * job, by that peer, and correctly signed. Giving up (the signal) resets the
 * stream, which stops the executor's work for us.
 */
export async function requestJob (node: DcxNode, peer: PeerId, spec: JobSpec, module: Uint8Array, options: AbortOptions = {}): Promise<{ cid: CID, receipt: Receipt }> {
  const name = peer.toString()
  const answer = await exchange(node, peer, encodeMessage({ type: 'dcx/job-request', version: 1, spec, module }), MAX_MESSAGE_BYTES, options)
  let response
  try {
    response = decodeJobResponse(answer)
  } catch (err: any) {
    throw new JobRefusedError(name, `its answer is malformed (${String(err?.message ?? err)})`)
  }
  if (!response.ok) throw new JobRefusedError(name, response.message)
  const { cid } = await encodeRecord(dagCbor.decode(response.receipt) as object)
  const receipt = decodeReceipt(cid, response.receipt)
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
export async function askHeldBytes (node: DcxNode, peer: PeerId, inputs: CID[], options: AbortOptions = {}): Promise<number | undefined> {
  const within = { signal: AbortSignal.any([AbortSignal.timeout(HAVE_TIMEOUT_MS), ...(options.signal !== undefined ? [options.signal] : [])]) }
  try {
    const stream = await node.libp2p.dialProtocol(peer, JOB_PROTOCOL, within)
    const lp = lpStream(stream, { maxDataLength: MAX_HAVE_RESPONSE_BYTES })
    await lp.write(encodeMessage({ type: 'dcx/have-request', version: 1, inputs }), within)
    const held = decodeHaveResponse((await lp.read(within)).subarray())
    await stream.close().catch(() => {})
    return held
  } catch {
    options.signal?.throwIfAborted()
    return undefined
  }
}

/**
 * Ask a peer to fetch and pin a DAG (as its pinning policy allows); the bytes
 * it fetched. A refusal or failure throws `PinRefusedError` with its reason.
 */
export async function requestPin (node: DcxNode, peer: PeerId, cid: CID, options: AbortOptions = {}): Promise<number> {
  const name = peer.toString()
  const answer = await exchange(node, peer, encodeMessage({ type: 'dcx/pin-request', version: 1, cid }), MAX_HAVE_RESPONSE_BYTES * 64, options)
  let response
  try {
    response = decodePinResponse(answer)
  } catch (err: any) {
    throw new PinRefusedError(name, `its answer is malformed (${String(err?.message ?? err)})`)
  }
  if (!response.ok) throw new PinRefusedError(name, response.message)
  return response.bytes
}

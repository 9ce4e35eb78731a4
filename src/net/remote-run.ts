import { peerIdFromString } from '@libp2p/peer-id'
import { walkDag } from '../data/walk.js'
import { DcxError } from '../errors.js'
import { storeModule } from '../jobs/execute.js'
import { encodeRecord } from '../jobs/records.js'
import { networkBlocks } from './blocks.js'
import { JOB_PROTOCOL, JobRefusedError, requestJob } from './job-protocol.js'
import type { ExecutedJob, JobContext } from '../jobs/execute.js'
import type { JobSpec } from '../jobs/records.js'
import type { DcxNode } from './node.js'
import type { PeerId } from '@libp2p/interface'

export class NoExecutorError extends DcxError {
  constructor (why: string) {
    super(`no peer would run the job: ${why}`, 'ERR_NO_EXECUTOR')
  }
}

/** Peers that may run a job on these inputs: providers first, then connected peers that speak the job protocol */
async function candidates (node: DcxNode, spec: JobSpec, signal?: AbortSignal): Promise<PeerId[]> {
  const self = node.libp2p.peerId.toString()
  const found = new Map<string, PeerId>()
  for (const input of spec.inputs) {
    try {
      for await (const p of (node.routing as any).findProviders(input.cid, { signal: AbortSignal.any([AbortSignal.timeout(3000), ...(signal ? [signal] : [])]) })) {
        if (p.id.toString() !== self) found.set(p.id.toString(), p.id as PeerId)
      }
    } catch {}
  }
  for (const conn of node.libp2p.getConnections()) {
    const peer = conn.remotePeer
    try {
      const info = await node.libp2p.peerStore.get(peer)
      if (info.protocols.includes(JOB_PROTOCOL)) found.set(peer.toString(), peer)
    } catch {}
  }
  return [...found.values()]
}

/**
 * Run a job on another peer: send it the spec and module, take back a signed
 * receipt for this very job, then fetch only the output over bitswap and keep
 * it, the spec, the module and the receipt here. The inputs never travel.
 */
export async function runRemote (node: DcxNode, local: Required<JobContext>, spec: JobSpec, module: Uint8Array, on: string, options: { signal?: AbortSignal } = {}): Promise<ExecutedJob> {
  const peers = on === 'auto' ? await candidates(node, spec, options.signal) : [peerIdFromString(on)]
  if (peers.length === 0) throw new NoExecutorError('no connected peer or provider of the inputs speaks the job protocol')
  const refusals: string[] = []
  for (const peer of peers) {
    let answer
    try {
      answer = await requestJob(node, peer, spec, module, options)
    } catch (err) {
      if (err instanceof JobRefusedError) { refusals.push(err.message); continue }
      throw err
    }
    const { cid, receipt } = answer
    await walkDag(receipt.output, networkBlocks(node), { ...options, readLeaves: true })
    await local.pins.add(receipt.output, { knownComplete: true })
    await storeModule(module, local)
    const specBlock = await encodeRecord(spec)
    await local.blockstore.put(specBlock.cid, specBlock.bytes)
    // the spec and receipt link the inputs, which stay with the executor: pin the blocks themselves
    await local.pins.add(specBlock.cid, { type: 'direct' })
    const receiptBlock = await encodeRecord(receipt)
    await local.blockstore.put(cid, receiptBlock.bytes)
    await local.pins.add(cid, { type: 'direct' })
    await local.receipts.put(specBlock.cid, cid)
    return { job: specBlock.cid, spec, receipt: { cid, value: receipt }, cached: false }
  }
  throw new NoExecutorError(refusals.join('; '))
}

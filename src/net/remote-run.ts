import { ExecutorError } from './errors.js'
import { NoExecutorError } from './errors.js'
import { peerIdFromString } from '@libp2p/peer-id'
import { UsageError } from '../errors.js'
import { runJobSpec, storeModule } from '../jobs/execute.js'
import { artifactPinName } from '../jobs/artifacts.js'
import { encodeRecord } from '../jobs/records.js'
import { networkBlocks } from './blocks.js'
import { fetchFromPeers } from './bulk/fetch-from-peers.js'
import { askHeldBytes, requestJob } from './jobs/client.js'
import { JOB_PROTOCOL } from './jobs/constants.js'
import { findProviderPeers } from './providers.js'
import { settleReplicas } from './replicas.js'
import type { Agreement, ReplicaAnswer } from './replicas.js'
import type { ExecutedJob, JobContext } from '../jobs/execute.js'
import type { JobSpec } from '../jobs/records.js'
import type { DcxNode } from './node.js'
import type { PeerId } from '@libp2p/interface'
import type { AbortOptions } from 'abort-error'

/** One peer asked to run the job, and what became of it */
export interface Attempt {
  peer: string
  ok: boolean
  why?: string
}

/** A job run elsewhere: the accepted result, every peer asked, and the replicas' agreement */
export interface RemoteRun extends ExecutedJob {
  attempts: Attempt[]
  agreement?: Agreement
}

export interface RemoteRunOptions extends AbortOptions {
  /** Run on this many distinct peers and compare their outputs (default 1) */
  replicas?: number
  /** Told of each peer that failed or refused before the next one is tried */
  onAttempt?: (attempt: Attempt) => void
  /** Told of each step, for progress: finding peers, asking them, fetching the output */
  onPhase?: (phase: RemotePhase) => void
}

/** Where a remote run is */
export type RemotePhase =
  | { phase: 'finding' }
  | { phase: 'running', peers: string[] }
  | { phase: 'fetching', peer: string, output: string }

/**
 * Peers that may run a job on these inputs, best first: providers of the
 * inputs found through the DHT and connected peers that speak the job
 * protocol, ranked by how many bytes of the inputs each holds (asked over
 * the job protocol), then by how many of the inputs each provides.
 */
async function candidates (node: DcxNode, spec: JobSpec, options: AbortOptions = {}): Promise<PeerId[]> {
  const { signal } = options
  const found = new Map<string, { id: PeerId, inputs: number, bytes: number }>()
  await Promise.all(spec.inputs.map(async input => {
    try {
      for await (const p of findProviderPeers(node, input.cid, { signal: AbortSignal.any([AbortSignal.timeout(3000), ...(signal !== undefined ? [signal] : [])]) })) {
        const entry = found.get(p.id.toString()) ?? { id: p.id, inputs: 0, bytes: 0 }
        entry.inputs++
        found.set(p.id.toString(), entry)
      }
    } catch {}
  }))
  signal?.throwIfAborted()
  for (const conn of node.libp2p.getConnections()) {
    const peer = conn.remotePeer
    if (found.has(peer.toString())) continue
    try {
      const info = await node.libp2p.peerStore.get(peer)
      if (info.protocols.includes(JOB_PROTOCOL)) found.set(peer.toString(), { id: peer, inputs: 0, bytes: 0 })
    } catch {}
  }
  const ranked = [...found.values()]
  if (ranked.length > 1 && spec.inputs.length > 0) {
    // ask each how much of the inputs it holds: the one holding most runs it, moving least
    const inputs = spec.inputs.map(i => i.cid)
    const held = await Promise.all(ranked.map(async c => await askHeldBytes(node, c.id, inputs, { signal })))
    ranked.forEach((c, i) => { c.bytes = held[i] ?? -1 })
  }
  return ranked.sort((a, b) => (b.bytes - a.bytes) || (b.inputs - a.inputs)).map(c => c.id)
}

/**
 * A peer asked for by its ID must be one this node can reach: connected, or
 * with an address known. Dialling a peer with neither would wait on a
 * routing lookup that no peer here can answer.
 */
async function reachable (node: DcxNode, peer: PeerId): Promise<PeerId> {
  if (node.libp2p.getConnections(peer).length > 0) return peer
  const known = await node.libp2p.peerStore.get(peer).then(p => p.addresses.length > 0, () => false)
  if (!known) throw new NoExecutorError(`not connected to ${peer.toString()} and no address is known for it: connect to it first with \`dcx peers connect <multiaddr>\``)
  return peer
}

/** Ask peers in turn (`want` at a time) until `want` of them have answered with a checked receipt */
async function gatherAnswers (node: DcxNode, peers: PeerId[], want: number, spec: JobSpec, module: Uint8Array, options: RemoteRunOptions, attempts: Attempt[]): Promise<ReplicaAnswer[]> {
  const answers: ReplicaAnswer[] = []
  const queue = [...peers]
  while (answers.length < want && queue.length > 0) {
    const batch = queue.splice(0, want - answers.length)
    options.onPhase?.({ phase: 'running', peers: batch.map(p => p.toString()) })
    const settled = await Promise.allSettled(batch.map(async peer => await requestJob(node, peer, spec, module, options)))
    settled.forEach((s, i) => {
      const peer = batch[i].toString()
      if (s.status === 'fulfilled') {
        answers.push({ peer, ...s.value })
        attempts.push({ peer, ok: true })
        return
      }
      if (!(s.reason instanceof ExecutorError)) throw s.reason
      const attempt = { peer, ok: false, why: s.reason.message }
      attempts.push(attempt)
      options.onAttempt?.(attempt)
    })
  }
  return answers
}

/**
 * Run a job on other peers: send the spec and module, take back signed
 * receipts for this very job, settle on one output (with replicas: the
 * majority, or a local re-run when there is none), then fetch only that
 * output (over the bulk path from the executor, else bitswap) and keep it, the spec, the module and the receipt here.
 * The inputs never travel unless a tie must be settled locally. A peer that
 * refuses or fails is reported and the next one tried.
 */
export async function runRemote (node: DcxNode, local: Required<JobContext>, spec: JobSpec, module: Uint8Array, on: string, options: RemoteRunOptions = {}): Promise<RemoteRun> {
  const replicas = options.replicas ?? 1
  if (!Number.isInteger(replicas) || replicas < 1) throw new UsageError(`--replicas must be a whole number of at least 1, not ${replicas}`)
  if (replicas > 1 && on !== 'auto') throw new UsageError('--replicas needs --on auto: it runs the job on that many distinct providers')
  if (on === 'auto') options.onPhase?.({ phase: 'finding' })
  const peers = on === 'auto' ? await candidates(node, spec, options) : [await reachable(node, peerIdFromString(on))]
  if (peers.length === 0) throw new NoExecutorError('no connected peer or provider of the inputs speaks the job protocol: connect to one with `dcx peers connect <multiaddr>`')
  if (peers.length < replicas) throw new NoExecutorError(`--replicas ${replicas} needs ${replicas} peers, only ${peers.length} found (${peers.join(', ')})`)
  const attempts: Attempt[] = []
  const answers = await gatherAnswers(node, peers, replicas, spec, module, options, attempts)
  const failures = attempts.filter(a => !a.ok).map(a => a.why).join('; ')
  if (answers.length === 0) throw new NoExecutorError(failures)
  if (answers.length < replicas) throw new NoExecutorError(`only ${answers.length} of ${replicas} replicas answered: ${failures}`)

  const network = networkBlocks(node)
  const agreement = replicas > 1
    ? await settleReplicas(answers, async () => (await runJobSpec(spec, { blockstore: network, cacheDir: local.cacheDir, tmpDir: local.tmpDir }, { signal: options.signal, fetchInputs: true })).output, options)
    : undefined
  const accepted = agreement === undefined ? answers[0] : answers.find(a => a.receipt.output.toString() === agreement.output)!
  const { cid, receipt } = accepted
  options.onPhase?.({ phase: 'fetching', peer: accepted.peer, output: receipt.output.toString() })
  // from the executor first, over the bulk path (bitswap from peers without it)
  await fetchFromPeers(node, network, { cid: receipt.output, segments: [], text: receipt.output.toString() }, { scope: 'all', prefer: [peerIdFromString(accepted.peer)], signal: options.signal })
  const specBlock = await encodeRecord(spec)
  await local.pins.add(receipt.output, { knownComplete: true, nameIfNew: artifactPinName(specBlock.cid, 'output') })
  await storeModule(module, local, specBlock.cid)
  await local.blockstore.put(specBlock.cid, specBlock.bytes)
  // the spec and receipts link the inputs, which stay with the executors: pin the blocks themselves
  await local.pins.add(specBlock.cid, { type: 'direct', nameIfNew: artifactPinName(specBlock.cid, 'spec') })
  for (const answer of answers) {
    // a dissenting receipt is kept too: it is the signed evidence against its peer
    const block = await encodeRecord(answer.receipt)
    await local.blockstore.put(answer.cid, block.bytes)
    await local.pins.add(answer.cid, { type: 'direct', nameIfNew: artifactPinName(specBlock.cid, 'receipt') })
  }
  await local.receipts.put(specBlock.cid, cid)
  return { job: specBlock.cid, spec, receipt: { cid, value: receipt }, cached: false, attempts, agreement }
}

import { availableParallelism } from 'node:os'
import { walkDag } from '../data/walk.js'
import { executeSpec } from '../jobs/execute.js'
import { shardSpec } from '../jobs/map-records.js'
import { encodeRecord } from '../jobs/records.js'
import { loadReceipt } from '../jobs/receipts.js'
import { networkBlocks } from './blocks.js'
import { BlockNotFoundError } from '../repo/errors.js'
import { NoExecutorError } from './errors.js'
import { askHeldBytes } from './jobs/client.js'
import { findProviderPeers } from './providers.js'
import { runRemote } from './remote-run.js'
import { SlotPool } from './slots.js'
import type { ExecutedJob, JobContext } from '../jobs/execute.js'
import type { MapRunSpec } from '../jobs/map-records.js'
import type { Shard } from '../jobs/map-shards.js'
import type { DcxNode } from './node.js'
import type { Attempt } from './remote-run.js'
import type { PeerId } from '@libp2p/interface'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/** Jobs sent to one peer at once: an executor runs two by default (`maxConcurrentJobs`), more would be refused as busy */
export const SLOTS_PER_PEER = 2
/** How long a provider search for one shard may take */
const PROVIDER_SEARCH_MS = 3000
/** Provider searches and have-requests under way at once */
const DISCOVERY_CONCURRENCY = 16

/** What became of one shard */
export interface ShardOutcome {
  name: string
  job: CID
  receipt: CID
  output: CID
  status: string
  exitCode: number | null
  executor: string
  /** Its receipt was here already: nothing ran */
  cached: boolean
  /** Peers asked before one ran it (failed or refused), in order */
  attempts: Attempt[]
  /** With replicas: peers whose result disagreed with the accepted one */
  dissenters: string[]
}

/** A shard done, for progress */
export interface ShardEvent {
  name: string
  executor: string
  cached: boolean
  done: number
  total: number
}

export interface RunShardsOptions extends AbortOptions {
  /** `auto` (each shard where it is held), `local` (here, in parallel up to the cores) or a peer ID (everything there) */
  on: string
  /** Per shard: run on this many holders and compare (as `run --replicas`) */
  replicas?: number
  /** Wall-clock safety net per shard */
  timeoutMs?: number
  /** Told as each shard finishes */
  onShard?: (event: ShardEvent) => void
}

async function limited<T, R> (items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i])
    }
  }))
  return out
}

/**
 * For every shard, the peers that hold it in full, most bytes first: the
 * connected peers that speak the job protocol and the shard's providers on
 * the DHT, each asked how much of it they hold (as `--on auto` asks).
 */
async function holders (node: DcxNode, shards: Shard[], options: AbortOptions): Promise<Map<string, PeerId[]>> {
  const peers = new Map<string, PeerId>()
  for (const conn of node.libp2p.getConnections()) {
    // every connected peer is asked, not only those whose identify already
    // listed the job protocol: on a busy machine identify can lag the
    // connection, and a peer that does not speak it just fails the ask
    peers.set(conn.remotePeer.toString(), conn.remotePeer)
  }
  await limited(shards, DISCOVERY_CONCURRENCY, async shard => {
    const search = AbortSignal.any([AbortSignal.timeout(PROVIDER_SEARCH_MS), ...(options.signal !== undefined ? [options.signal] : [])])
    try {
      for await (const p of findProviderPeers(node, shard.cid, { signal: search })) peers.set(p.id.toString(), p.id)
    } catch {}
  })
  options.signal?.throwIfAborted()
  const pairs = shards.flatMap(shard => [...peers.values()].map(peer => ({ shard, peer })))
  const held = await limited(pairs, DISCOVERY_CONCURRENCY, async ({ shard, peer }) => await askHeldBytes(node, peer, [shard.cid], options))
  const out = new Map<string, Array<{ peer: PeerId, bytes: number }>>(shards.map(s => [s.name, []]))
  pairs.forEach(({ shard, peer }, i) => { if ((held[i] ?? 0) > 0) out.get(shard.name)!.push({ peer, bytes: held[i]! }) })
  return new Map([...out].map(([name, list]) => [name, list.sort((a, b) => b.bytes - a.bytes).map(h => h.peer)]))
}

/** Whether every block of a DAG is in the local blockstore (leaves are asked for, not read) */
async function isHere (cid: CID, local: Required<JobContext>, options: AbortOptions): Promise<boolean> {
  try {
    await walkDag(cid, local.blockstore, { signal: options.signal })
    return true
  } catch (err) {
    if (err instanceof BlockNotFoundError) return false
    throw err
  }
}

async function outcome (shard: Shard, done: ExecutedJob, cached: boolean, attempts: Attempt[], dissenters: string[] = []): Promise<ShardOutcome> {
  const r = done.receipt!.value
  return { name: shard.name, job: done.job, receipt: done.receipt!.cid, output: r.output, status: r.status, exitCode: r.exitCode, executor: r.executor, cached, attempts, dissenters }
}

/**
 * Run every shard of a map: each as a job of its own (the map module over
 * the entry), a shard already computed (its receipt here) not again. With a
 * node, each shard runs on a peer that holds it in full, a few at a time per
 * peer and in parallel across peers; a peer that refuses, fails or dies is
 * named and the next holder tried, and only when no holder will is the
 * shard fetched and run here. With `on: local`, every shard runs here, in
 * parallel up to the cores. A shard that times out throws: a map's result
 * has every shard.
 */
export async function runShards (node: DcxNode | undefined, local: Required<JobContext>, run: MapRunSpec, shards: Shard[], module: Uint8Array, options: RunShardsOptions): Promise<ShardOutcome[]> {
  const total = shards.length
  let done = 0
  const finished = (o: ShardOutcome): ShardOutcome => {
    options.onShard?.({ name: o.name, executor: o.executor, cached: o.cached, done: ++done, total })
    return o
  }
  const pool = new SlotPool(SLOTS_PER_PEER, { local: availableParallelism() })
  const remote = node !== undefined && options.on !== 'local'
  const placement = remote && options.on === 'auto' && (options.replicas ?? 1) === 1 ? await holders(node, shards, options) : undefined
  const executeHere = async (shard: Shard, attempts: Attempt[]): Promise<ShardOutcome> => {
    const slot = await pool.acquireAny(['local'], options)
    try {
      // the last resort: the shard comes here. The worker reads inputs from block files, so a
      // shard not wholly here is fetched first, block by block; one that is here is not read twice
      const fetch = node !== undefined && !await isHere(shard.cid, local, options)
      const ctx = fetch ? { ...local, blockstore: networkBlocks(node) } : local
      const done = await executeSpec(shardSpec(run, shard), module, ctx, { timeoutMs: options.timeoutMs, signal: options.signal, fetchInputs: fetch })
      if (done.receipt === undefined) throw new NoExecutorError(`shard ${shard.name} hit the wall-clock timeout here`)
      return await outcome(shard, done, false, attempts)
    } finally {
      pool.release(slot)
    }
  }

  return await Promise.all(shards.map(async shard => {
    const spec = shardSpec(run, shard)
    const job = (await encodeRecord(spec)).cid
    const previous = await local.receipts.get(job)
    if (previous !== undefined && await local.blockstore.has(previous)) {
      const receipt = await loadReceipt(previous, local.blockstore)
      return finished({ name: shard.name, job, receipt: previous, output: receipt.output, status: receipt.status, exitCode: receipt.exitCode, executor: receipt.executor, cached: true, attempts: [], dissenters: [] })
    }
    if (!remote) return finished(await executeHere(shard, []))
    if (placement === undefined) {
      // a named peer, or replicas: the remote run picks and compares
      try {
        const r = await runRemote(node, local, spec, module, options.on, { replicas: options.replicas, signal: options.signal })
        return finished(await outcome(shard, r, false, r.attempts.filter(a => !a.ok), r.agreement?.dissenters ?? []))
      } catch (err) {
        if (!(err instanceof NoExecutorError) || options.on !== 'auto') throw err
        return finished(await executeHere(shard, []))
      }
    }
    const attempts: Attempt[] = []
    let left = placement.get(shard.name)!.map(p => p.toString())
    while (left.length > 0) {
      const peer = await pool.acquireAny(left, options)
      left = left.filter(p => p !== peer)
      try {
        const r = await runRemote(node, local, spec, module, peer, { signal: options.signal })
        return finished(await outcome(shard, r, false, attempts))
      } catch (err) {
        if (!(err instanceof NoExecutorError)) throw err
        attempts.push({ peer, ok: false, why: err.message })
      } finally {
        pool.release(peer)
      }
    }
    return finished(await executeHere(shard, attempts))
  }))
}

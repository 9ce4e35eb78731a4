import { linkDirectory } from '../data/link-dir.js'
import { InvalidArgumentError } from '../errors.js'
import { listShards } from '../jobs/map-shards.js'
import { watchedBlocks } from './fetch.js'
import { executeSpec, storeModule } from '../jobs/execute.js'
import { decodeMapReceipt, reduceSpec, signMapReceipt } from '../jobs/map-records.js'
import { loadReceipt } from '../jobs/receipts.js'
import { encodeRecord } from '../jobs/records.js'
import { networkBlocks } from './blocks.js'
import { runShards } from './map-run.js'
import type { ShardOutcome, RunShardsOptions } from './map-run.js'
import type { ExecutedJob, JobContext } from '../jobs/execute.js'
import type { MapReceipt, MapRunSpec } from '../jobs/map-records.js'
import type { DcxNode } from './node.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/** A map run, done or found done before */
export interface MapResult {
  run: CID
  spec: MapRunSpec
  receipt: { cid: CID, value: MapReceipt }
  shards: ShardOutcome[]
  /** The reduce's run; undefined without a reduce, or when a shard did not exit 0 */
  reduce?: ExecutedJob
  /** The whole run's receipt was here already */
  cached: boolean
}

export interface ExecuteMapOptions extends RunShardsOptions {
  /** Run even if this run has a receipt already (shards already computed still are not run again) */
  force?: boolean
  /** Wall-clock safety net of the reduce, and how long the input directory's blocks may take to arrive */
  timeoutMs?: number
}

/**
 * `run --map`: every shard where it is held (or here), the shards' results
 * gathered into one directory (an entry per shard, named as the input's),
 * the reduce run here over that directory when every shard exited 0, and a
 * receipt signed by this peer listing every shard's job, receipt and
 * executor. A run done before answers from its receipt; shards done before
 * are not run again, so adding one file to a dataset runs one shard and the
 * reduce.
 */
export async function executeMap (node: DcxNode | undefined, local: Required<JobContext>, run: MapRunSpec, modules: { map: Uint8Array, reduce?: Uint8Array }, options: ExecuteMapOptions): Promise<MapResult> {
  const { cid: runCid, bytes: runBytes } = await encodeRecord(run)
  if (options.force !== true) {
    const previous = await local.receipts.get(runCid)
    if (previous !== undefined && await local.blockstore.has(previous)) return await loadMapRun(runCid, run, previous, local, options)
  }
  // an input directory no peer sends fails within the run's timeout, rather than waiting forever
  const blocks = node !== undefined ? watchedBlocks(networkBlocks(node), { timeoutMs: options.timeoutMs, peers: () => node.libp2p.getPeers().length }) : local.blockstore
  const shards = await listShards(run.input, blocks, options)
  // kept once the input is known to be a map's: the run's spec names them
  await storeModule(modules.map, local)
  if (modules.reduce !== undefined) await storeModule(modules.reduce, local)
  await local.blockstore.put(runCid, runBytes)
  await local.pins.add(runCid, { type: 'direct' })
  const outcomes = await runShards(node, local, run, shards, modules.map, options)
  const mapOutput = await linkDirectory(outcomes.map(o => ({ name: o.name, cid: o.output })), local.blockstore, options)
  await local.pins.add(mapOutput, options)
  const allExited = outcomes.every(o => o.status === 'exit' && o.exitCode === 0)
  const spec = reduceSpec(run, mapOutput)
  let reduce: ExecutedJob | undefined
  if (spec !== undefined && allExited) {
    reduce = await executeSpec(spec, modules.reduce!, local, { timeoutMs: options.timeoutMs, signal: options.signal })
    if (reduce.receipt === undefined) throw new InvalidArgumentError('the reduce hit the wall-clock timeout: that is not a result, so no receipt was written; raise --timeout')
  }
  const value = await signMapReceipt({
    type: 'dcx/map-receipt',
    version: 1,
    run: runCid,
    mapOutput,
    shards: outcomes.map(o => ({ name: o.name, job: o.job, receipt: o.receipt, output: o.output, executor: o.executor, status: o.status })),
    reduce: reduce?.receipt !== undefined ? { job: reduce.job, receipt: reduce.receipt.cid, output: reduce.receipt.value.output, executor: reduce.receipt.value.executor, status: reduce.receipt.value.status } : null,
    output: reduce?.receipt?.value.output ?? mapOutput,
    requester: local.identity.peerId,
    time: new Date().toISOString()
  }, local.identity.privateKey)
  const stored = await encodeRecord(value)
  await local.blockstore.put(stored.cid, stored.bytes)
  // the receipt links the dataset, which stays with its holders: pin the block itself (the outputs are pinned)
  await local.pins.add(stored.cid, { type: 'direct' })
  await local.receipts.put(runCid, stored.cid)
  return { run: runCid, spec: run, receipt: { cid: stored.cid, value }, shards: outcomes, reduce, cached: false }
}

/** A map run done before, from its receipt and its shards' receipts in the repo (`cached`: nothing runs) */
export async function loadMapRun (runCid: CID, run: MapRunSpec, receiptCid: CID, local: Pick<JobContext, 'blockstore'>, options: AbortOptions): Promise<MapResult> {
  const value = decodeMapReceipt(receiptCid, await local.blockstore.getBytes(receiptCid, options))
  const shards: ShardOutcome[] = []
  for (const s of value.shards) {
    const r = await loadReceipt(s.receipt, local.blockstore, options)
    shards.push({ ...s, exitCode: r.exitCode, cached: true, attempts: [], dissenters: [] })
  }
  let reduce: ExecutedJob | undefined
  if (value.reduce !== null) {
    const spec = reduceSpec(run, value.mapOutput)!
    reduce = { job: value.reduce.job, spec, receipt: { cid: value.reduce.receipt, value: await loadReceipt(value.reduce.receipt, local.blockstore, options) }, cached: true }
  }
  return { run: runCid, spec: run, receipt: { cid: receiptCid, value }, shards, reduce, cached: true }
}

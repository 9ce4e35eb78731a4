import { randomInt } from 'node:crypto'
import * as dagCbor from '@ipld/dag-cbor'
import { linkDirectory } from '../data/link-dir.js'
import { BlockNotFoundError } from '../repo/errors.js'
import { CannotVerifyError, NotARecordError } from './errors.js'
import { runJobSpec } from './execute.js'
import { checkMapSignature, decodeMapReceipt, isMapRunSpec, reduceSpec, shardSpec } from './map-records.js'
import { listShards } from './map-shards.js'
import { encodeRecord } from './records.js'
import { checkSignature, loadReceipt } from './receipts.js'
import type { JobContext, RunJobOptions } from './execute.js'
import type { JobSpec, Receipt } from './records.js'
import type { CID } from 'multiformats/cid'

/** What checking one shard (or the reduce) found */
export interface PartCheck {
  name: string
  /** Re-run here (a sampled shard, or the reduce) */
  reran: boolean
  /** Its receipt is sound and, if re-run, the re-run gave the same result */
  ok: boolean
  /** Why not, in one line */
  reason?: string
}

export interface MapVerdict {
  verified: boolean
  reason: string
  run: CID
  receipt: CID
  requester: string
  shards: PartCheck[]
  reduce: PartCheck | null
  durationMs: number
}

export interface VerifyMapOptions extends RunJobOptions {
  /** Shards to re-run, chosen at random (all by default); every receipt is checked whatever the sample */
  sample?: number
}

/** Whether a receipt is a sound claim for `job` (signed by its executor, for this job), or why not */
async function soundReceipt (receipt: Receipt, job: CID): Promise<string | undefined> {
  if (!receipt.job.equals(job)) return `its receipt is for job ${receipt.job}, not ${job}`
  const sig = await checkSignature(receipt)
  return sig.ok ? undefined : `its receipt's signature is bad: ${sig.why}`
}

/** Re-run a job and compare with its receipt */
async function rerun (spec: JobSpec, receipt: Receipt, ctx: JobContext, options: RunJobOptions): Promise<string | undefined> {
  const run = await runJobSpec(spec, ctx, options)
  if (run.output === undefined) throw new CannotVerifyError('a re-run hit the wall-clock timeout; raise --timeout')
  if (run.status !== receipt.status || (run.exitCode ?? null) !== receipt.exitCode) return `status differs: claimed ${receipt.status} ${receipt.exitCode ?? ''}, re-run gave ${run.status} ${run.exitCode ?? ''}`.replace(/ +/g, ' ')
  if (run.fuel !== receipt.fuel) return `fuel differs: claimed ${receipt.fuel}, re-run used ${run.fuel}`
  if (!run.output.equals(receipt.output)) return `output differs: claimed ${receipt.output}, re-run gave ${run.output}`
  return undefined
}

/**
 * Check a map run's receipt: the requester's signature; that its shards are
 * the entries of the run's input and each shard's job is the one the run's
 * spec gives; every shard receipt's signature and claim; that the directory
 * of shard results is the one those outputs make; the reduce's receipt; then
 * re-run `sample` shards chosen at random (all by default) and the reduce.
 * A false claim is a verdict; something missing to check with throws
 * `CannotVerifyError`.
 */
export async function verifyMapReceipt (receiptCid: CID, ctx: JobContext, options: VerifyMapOptions = {}): Promise<MapVerdict> {
  const started = performance.now()
  const missing = (err: unknown): never => {
    if (err instanceof BlockNotFoundError) throw new CannotVerifyError(`block ${err.cid} (of the run's receipt, spec, shards or results) is not here: fetch it or export the run`)
    throw err
  }
  try {
    const receipt = decodeMapReceipt(receiptCid, await ctx.blockstore.getBytes(receiptCid, options))
    const base = { run: receipt.run, receipt: receiptCid, requester: receipt.requester }
    const verdict = (verified: boolean, reason: string, shards: PartCheck[] = [], reduce: PartCheck | null = null): MapVerdict =>
      ({ ...base, verified, reason, shards, reduce, durationMs: performance.now() - started })
    const sig = await checkMapSignature(receipt)
    if (!sig.ok) return verdict(false, `bad signature: ${sig.why}`)
    const spec = dagCbor.decode(await ctx.blockstore.getBytes(receipt.run, options)) as unknown
    if (!isMapRunSpec(spec)) throw new NotARecordError(receipt.run.toString(), 'job spec', 'it is not a map run\'s spec')
    const shards = await listShards(spec.input, ctx.blockstore, options)
    const listed = shards.map(s => s.name).join(', ')
    if (listed !== receipt.shards.map(s => s.name).join(', ')) return verdict(false, `the receipt's shards (${receipt.shards.map(s => s.name).join(', ')}) are not the input's entries (${listed})`)

    const checks: PartCheck[] = []
    const specs: JobSpec[] = []
    const receipts: Receipt[] = []
    for (const [i, shard] of shards.entries()) {
      const claimed = receipt.shards[i]
      const jobSpec = shardSpec(spec, shard)
      const job = (await encodeRecord(jobSpec)).cid
      const r = await loadReceipt(claimed.receipt, ctx.blockstore, options)
      const why = !claimed.job.equals(job)
        ? `the run lists job ${claimed.job}, but its spec gives ${job}`
        : !r.output.equals(claimed.output) || r.executor !== claimed.executor
          ? 'the run\'s receipt and the shard\'s disagree on its output or executor'
          : await soundReceipt(r, job)
      checks.push({ name: shard.name, reran: false, ok: why === undefined, reason: why })
      specs.push(jobSpec)
      receipts.push(r)
    }
    const bad = checks.find(c => !c.ok)
    if (bad !== undefined) return verdict(false, `shard ${bad.name}: ${bad.reason}`, checks)

    // the map's result directory is a function of the shard outputs: make it again without storing it
    const mapOutput = await linkDirectory(receipt.shards.map(s => ({ name: s.name, cid: s.output })), { getBytes: ctx.blockstore.getBytes.bind(ctx.blockstore), put: async () => {} }, options)
    if (!mapOutput.equals(receipt.mapOutput)) return verdict(false, `the directory of shard results is ${mapOutput}, not ${receipt.mapOutput}`, checks)
    const allExited = receipts.every(r => r.status === 'exit' && r.exitCode === 0)
    const reduce = reduceSpec(spec, mapOutput)
    let reduceCheck: PartCheck | null = null
    let reduceReceipt: Receipt | undefined
    if (reduce !== undefined && allExited) {
      if (receipt.reduce === null) return verdict(false, 'the run has a reduce and every shard exited 0, but its receipt names no reduce', checks)
      reduceReceipt = await loadReceipt(receipt.reduce.receipt, ctx.blockstore, options)
      const why = await soundReceipt(reduceReceipt, (await encodeRecord(reduce)).cid) ??
        (!reduceReceipt.output.equals(receipt.output) ? `the run's output ${receipt.output} is not the reduce's ${reduceReceipt.output}` : undefined)
      reduceCheck = { name: 'reduce', reran: false, ok: why === undefined, reason: why }
      if (why !== undefined) return verdict(false, `reduce: ${why}`, checks, reduceCheck)
    } else if (!receipt.output.equals(mapOutput) || receipt.reduce !== null) {
      return verdict(false, 'the run\'s output is not the directory of shard results, though no reduce ran', checks)
    }

    // re-run a sample: any one forged shard is caught with probability sample / shards
    const sample = Math.min(options.sample ?? shards.length, shards.length)
    const order = shards.map((_, i) => i)
    for (let i = order.length - 1; i > 0; i--) {
      const j = randomInt(i + 1)
      ;[order[i], order[j]] = [order[j], order[i]]
    }
    for (const i of order.slice(0, sample).sort((a, b) => a - b)) {
      const why = await rerun(specs[i], receipts[i], ctx, options)
      checks[i] = { ...checks[i], reran: true, ok: why === undefined, reason: why }
    }
    if (reduce !== undefined && reduceReceipt !== undefined) {
      const why = await rerun(reduce, reduceReceipt, ctx, options)
      reduceCheck = { name: 'reduce', reran: true, ok: why === undefined, reason: why }
    }
    const failed = checks.find(c => !c.ok) ?? (reduceCheck?.ok === false ? reduceCheck : undefined)
    if (failed !== undefined) return verdict(false, `${failed.name === 'reduce' ? 'reduce' : `shard ${failed.name}`}: ${failed.reason}`, checks, reduceCheck)
    const rerunCount = checks.filter(c => c.reran).length
    return verdict(true, `every receipt is sound; ${rerunCount} of ${shards.length} shards${reduceCheck !== null ? ' and the reduce' : ''} re-run with the same results; signed by ${receipt.requester}`, checks, reduceCheck)
  } catch (err) {
    return missing(err)
  }
}

/** A map verdict as plain JSON (CIDs as strings) for --json and the daemon's API */
export function mapVerdictJson (v: MapVerdict): Record<string, unknown> {
  return {
    verified: v.verified,
    reason: v.reason,
    run: v.run.toString(),
    receipt: v.receipt.toString(),
    requester: v.requester,
    shards: v.shards,
    reduce: v.reduce,
    durationMs: v.durationMs
  }
}

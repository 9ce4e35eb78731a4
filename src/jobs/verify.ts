import { CannotVerifyError } from './errors.js'
import { BlockNotFoundError } from '../repo/errors.js'
import { diffResults } from './diff.js'
import { checkSignature, loadReceipt } from './receipts.js'
import { loadJobSpec, runJobSpec } from './execute.js'
import type { JobContext, RunJobOptions } from './execute.js'
import type { Receipt } from './records.js'
import type { CID } from 'multiformats/cid'

/** A result as a receipt claims it, or as a re-run found it */
export interface ResultClaim {
  output: CID
  status: string
  exitCode: number | null
  fuel: number
}

export interface Verdict {
  verified: boolean
  /** Why, in one line */
  reason: string
  job: CID
  receipt?: CID
  executor?: string
  claimed: Partial<ResultClaim> & { output: CID }
  recomputed?: ResultClaim
  /** Paths under the result directory whose content differs (or exists on one side only); `/` for the whole output */
  differences: string[]
  /** The differences listed are the first of more */
  differencesTruncated?: boolean
  durationMs?: number
}

async function rerun (job: CID, ctx: JobContext, options: RunJobOptions): Promise<ResultClaim & { durationMs: number }> {
  try {
    const spec = await loadJobSpec(job, ctx, options)
    const run = await runJobSpec(spec, ctx, options)
    if (run.output === undefined) throw new CannotVerifyError(`the re-run hit the wall-clock timeout (${run.status}); raise --timeout`)
    return { output: run.output, status: run.status, exitCode: run.exitCode ?? null, fuel: run.fuel, durationMs: run.durationMs }
  } catch (err) {
    if (err instanceof BlockNotFoundError) throw new CannotVerifyError(`block ${err.cid} (of the job's spec, module or inputs) is not in the repo: import the bundle or fetch it first`)
    throw err
  }
}

function compare (claimed: ResultClaim, recomputed: ResultClaim): string | undefined {
  if (claimed.status !== recomputed.status) return `status differs: claimed ${claimed.status}, re-run gave ${recomputed.status}`
  if (claimed.exitCode !== recomputed.exitCode) return `exit code differs: claimed ${claimed.exitCode}, re-run gave ${recomputed.exitCode}`
  if (claimed.fuel !== recomputed.fuel) return `fuel differs: claimed ${claimed.fuel}, re-run used ${recomputed.fuel}`
  if (!claimed.output.equals(recomputed.output)) return `output differs: claimed ${claimed.output}, re-run gave ${recomputed.output}`
  return undefined
}

/**
 * Check a receipt: its signature against the executor's peer ID, then re-run
 * the job from its spec and compare status, exit code, fuel and output CID.
 * A false claim is a verdict (verified: false); something missing to check it
 * with throws CannotVerifyError (or the record's own error).
 */
export async function verifyReceipt (receiptCid: CID, ctx: JobContext, options: RunJobOptions = {}): Promise<Verdict> {
  let receipt: Receipt
  try {
    receipt = await loadReceipt(receiptCid, ctx.blockstore, options)
  } catch (err) {
    if (err instanceof BlockNotFoundError) throw new CannotVerifyError(`receipt ${receiptCid} is not in the repo: import its bundle (dcx verify bundle.car) or fetch it`)
    throw err
  }
  const base = { job: receipt.job, receipt: receiptCid, executor: receipt.executor, differences: [] as string[] }
  const claimed: ResultClaim = { output: receipt.output, status: receipt.status, exitCode: receipt.exitCode, fuel: receipt.fuel }
  const sig = await checkSignature(receipt)
  if (!sig.ok) return { ...base, verified: false, reason: `bad signature: ${sig.why}`, claimed }
  const recomputed = await rerun(receipt.job, ctx, options)
  const mismatch = compare(claimed, recomputed)
  if (mismatch !== undefined) {
    const diff = await diffResults(claimed.output, recomputed.output, ctx.blockstore, options)
    return { ...base, verified: false, reason: mismatch, claimed, recomputed, differences: diff.paths, differencesTruncated: diff.truncated, durationMs: recomputed.durationMs }
  }
  return { ...base, verified: true, reason: `re-run matches: same status, exit code, fuel and output; signed by ${receipt.executor}`, claimed, recomputed, durationMs: recomputed.durationMs }
}

/** Check a result without a receipt: re-run the job and compare output CIDs */
export async function verifyOutput (output: CID, job: CID, ctx: JobContext, options: RunJobOptions = {}): Promise<Verdict> {
  const recomputed = await rerun(job, ctx, options)
  const base = { job, claimed: { output }, recomputed, durationMs: recomputed.durationMs }
  if (!output.equals(recomputed.output)) {
    const diff = await diffResults(output, recomputed.output, ctx.blockstore, options)
    return { ...base, verified: false, reason: `output differs: claimed ${output}, re-run gave ${recomputed.output}`, differences: diff.paths, differencesTruncated: diff.truncated }
  }
  return { ...base, verified: true, reason: 're-run gives the same output CID', differences: [] }
}

/** A verdict as plain JSON (CIDs as strings) for --json and the daemon's API */
export function verdictJson (v: Verdict): Record<string, unknown> {
  const claim = (c: any): unknown => c === undefined ? null : { ...c, output: c.output.toString() }
  return {
    verified: v.verified,
    reason: v.reason,
    job: v.job.toString(),
    receipt: v.receipt?.toString() ?? null,
    executor: v.executor ?? null,
    claimed: claim(v.claimed),
    recomputed: claim(v.recomputed),
    differences: v.differences,
    differencesTruncated: v.differencesTruncated ?? false,
    durationMs: v.durationMs ?? null
  }
}

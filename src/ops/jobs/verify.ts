import * as z from 'zod/mini'
import { defineOp, only } from '../operation.js'
import type { OpContext } from '../context.js'
import type { CID } from 'multiformats/cid'

/**
 * The job's spec, module and inputs made local as one transfer (the bulk
 * path from dcx peers, else bitswap) before the re-run reads them, rather
 * than block by block as it asks. Only a head start: a failure here is left
 * for the re-run to meet and report as it always has.
 */
async function prefetchJob (ctx: OpContext, cid: CID, isReceipt: boolean, options: { signal?: AbortSignal, timeoutMs?: number }): Promise<void> {
  const signal = AbortSignal.any([...(options.signal !== undefined ? [options.signal] : []), ...(options.timeoutMs !== undefined ? [AbortSignal.timeout(options.timeoutMs)] : [])])
  try {
    const { loadReceipt } = await import('../../jobs/receipts.js')
    if (isReceipt) await ctx.prefetch({ cid, segments: [], text: cid.toString() }, { scope: 'block', signal })
    const job = isReceipt ? (await loadReceipt(cid, ctx.node().network, { signal })).job : cid
    await ctx.prefetch({ cid: job, segments: [], text: job.toString() }, { scope: 'all', signal })
  } catch (err) {
    if (options.signal?.aborted === true) throw err
  }
}

/**
 * `verify`: check a result. A receipt: its signature, then a re-run compared
 * with its claim; an output CID with `job`: a re-run compared with it; a
 * `bundle` (a CAR from `receipt export`, absolute path): imported unpinned,
 * then its receipt. Online, whatever the repo lacks is fetched from peers.
 */
export const verifyOp = defineOp({
  name: 'verify',
  access: 'repo',
  input: z.strictObject({
    target: z.optional(z.string().check(z.minLength(1))),
    job: z.optional(z.string().check(z.minLength(1))),
    bundle: z.optional(z.string().check(z.minLength(1))),
    timeoutMs: z.optional(z.int().check(z.positive())),
    /** For a map run's receipt: how many shards to re-run, chosen at random (all by default) */
    sample: z.optional(z.int().check(z.nonnegative()))
  }).check(z.refine(a => (a.target === undefined) !== (a.bundle === undefined), 'give a target CID or a bundle, not both')),
  run: async (ctx, a, { signal, onProgress }): Promise<Record<string, unknown>> => {
    const [{ parseCid }, { verdictJson, verifyOutput, verifyReceipt }, { CannotVerifyError }, { BlockNotFoundError }] = await Promise.all([
      import('../../data/cid-path.js'), import('../../jobs/verify.js'), import('../../jobs/errors.js'), import('../../repo/errors.js')
    ])
    const repo = ctx.repo()
    // online the re-run reads through the network: spec, module and inputs may live elsewhere
    const jobs = ctx.online ? { ...repo.jobs, blockstore: ctx.node().network } : repo.jobs
    const options = { timeoutMs: a.timeoutMs, signal, fetchInputs: ctx.online, onProgress: only(['job:input'], onProgress) as any }
    if (a.bundle !== undefined) {
      const [{ importCar }, { walkDag }] = await Promise.all([import('../../data/car/import.js'), import('../../data/walk.js')])
      const imported = await importCar(a.bundle, repo.blockstore, repo.pins, { pinRoots: false, signal })
      const root = imported.roots[0]
      if (root === undefined) throw new CannotVerifyError(`${a.bundle} has no root: export bundles with \`dcx receipt export\``)
      try {
        await walkDag(root.cid, repo.blockstore, { signal })
      } catch (err) {
        if (err instanceof BlockNotFoundError) throw new CannotVerifyError(`the bundle lacks block ${err.cid}: export it again with \`dcx receipt export\``)
        throw err
      }
      return verdictJson(await verifyReceipt(root.cid, repo.jobs, options))
    }
    const target = parseCid(a.target!)
    if (ctx.online) await prefetchJob(ctx, a.job !== undefined ? parseCid(a.job) : target, a.job === undefined, { signal, timeoutMs: a.timeoutMs })
    const [{ looksLikeMapReceipt }, { mapVerdictJson, verifyMapReceipt }] = await Promise.all([import('../../jobs/map-records.js'), import('../../jobs/map-verify.js')])
    if (a.job === undefined && looksLikeMapReceipt(await jobs.blockstore.getBytes(target, { signal }))) {
      return mapVerdictJson(await verifyMapReceipt(target, jobs, { ...options, sample: a.sample }))
    }
    const verdict = a.job !== undefined
      ? await verifyOutput(target, parseCid(a.job), jobs, options)
      : await verifyReceipt(target, jobs, options)
    return verdictJson(verdict)
  }
})

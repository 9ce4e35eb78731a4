import * as z from 'zod/mini'
import { defineOp } from '../operation.js'
import { InvalidArgumentError } from '../../errors.js'
import { receiptJson } from './receipts.js'
import type { MapSummary } from './map.js'
import type { JobRecord } from '../../jobs/history.js'
import type { RemovedArtifact } from '../../jobs/artifacts.js'
import type { JobLimitValues } from '../../wasm/index.js'

/** A job's spec, and the result its receipt records, as `job show` reports them */
export interface JobShowJson {
  job: string
  /** The module's CID, and the name it runs as (argv[0]) */
  module: string
  name: string
  inputs: Array<{ cid: string, path: string }>
  args: string[]
  env: Array<[string, string]>
  limits: JobLimitValues
  /** Hex; empty when none */
  seed: string
  runtime: { abi: number }
  /** The receipt asked for, or the job's latest; null when it has none here */
  receipt: Record<string, unknown> | null
  /** With `file`: a job file that runs as this same job (`dcx run -f`) */
  file?: string
}

/**
 * `job/show`: a job's spec (module, inputs with mount paths, args, env,
 * limits, seed, runtime ABI) and, from its receipt, its result; given a
 * receipt CID, that receipt's job. With `file`, also a job file that runs as
 * the same job CID. Given a map run's receipt or spec, the run's summary
 * (`map/show`).
 */
export const jobShowOp = defineOp({
  name: 'job/show',
  access: 'repo',
  input: z.strictObject({ cid: z.string().check(z.minLength(1)), file: z.optional(z.boolean()) }),
  run: async (ctx, { cid: text, file }, { signal }): Promise<JobShowJson | MapSummary> => {
    const [{ parseCid }, { loadRecord }, { loadReceipt }, { renderJobFile }, { looksLikeMapRecord }] = await Promise.all([
      import('../../data/cid-path.js'), import('../../jobs/records.js'), import('../../jobs/receipts.js'), import('../../jobs/job-file.js'), import('../../jobs/map-records.js')
    ])
    const repo = ctx.repo()
    const bytes = await ctx.blocks.getBytes(parseCid(text), { signal })
    if (looksLikeMapRecord(bytes)) {
      if (file === true) throw new InvalidArgumentError(`${text} is a map run: \`dcx run --map\` runs it again, --file writes single jobs only`)
      return await (await import('./map.js')).showMap(ctx, text, { signal })
    }
    const given = await loadRecord(parseCid(text), bytes)
    const job = given.kind === 'job' ? given.cid : given.receipt.job
    const spec = given.kind === 'job' ? given.spec : (await loadRecord(job, await ctx.blocks.getBytes(job, { signal }))).spec!
    let receipt: Record<string, unknown> | null = null
    if (given.kind === 'receipt') {
      receipt = receiptJson(given.cid.toString(), given.receipt)
    } else {
      const latest = await repo.receipts.get(job)
      if (latest !== undefined && await repo.blockstore.has(latest)) receipt = receiptJson(latest.toString(), await loadReceipt(latest, repo.blockstore, { signal }))
    }
    return {
      job: job.toString(),
      module: spec.module.toString(),
      name: spec.name,
      inputs: spec.inputs.map(i => ({ cid: i.cid.toString(), path: i.path })),
      args: spec.args,
      env: spec.env,
      limits: spec.limits,
      seed: Buffer.from(spec.seed).toString('hex'),
      runtime: spec.runtime,
      receipt,
      ...(file === true ? { file: renderJobFile(spec, job.toString()) } : {})
    }
  }
})

/** Which runs `job ls` lists */
export const JOB_STATUS_FILTERS = ['ok', 'failed', 'exit', 'out-of-fuel', 'stack-exhausted', 'trap', 'timeout'] as const

/** `job/ls`: the runs `dcx run` answered, newest first, optionally only some */
export const jobLsOp = defineOp({
  name: 'job/ls',
  access: 'repo',
  useReserve: true,
  input: z.strictObject({
    /** At most this many (0: all the history holds) */
    limit: z.optional(z.int().check(z.nonnegative())),
    status: z.optional(z.enum(JOB_STATUS_FILTERS)),
    /** A module's name (argv[0]) or CID */
    module: z.optional(z.string().check(z.minLength(1))),
    /** Runs that had this input */
    input: z.optional(z.string().check(z.minLength(1)))
  }),
  run: async (ctx, { limit, status, module, input }, { signal }): Promise<JobRecord[]> => {
    const { CID } = await import('multiformats/cid')
    /** A CID in the form records hold (as printed), or the text as given */
    const canonical = (text: string): string => { try { return CID.parse(text).toString() } catch { return text } }
    const wantModule = module !== undefined ? canonical(module) : undefined
    const wantInput = input !== undefined ? canonical(input) : undefined
    const out: JobRecord[] = []
    for await (const r of ctx.repo().history.ls({ signal })) {
      if (status === 'ok' && !(r.status === 'exit' && r.exitCode === 0)) continue
      if (status === 'failed' && r.status === 'exit' && r.exitCode === 0) continue
      if (status !== undefined && status !== 'ok' && status !== 'failed' && r.status !== status) continue
      if (wantModule !== undefined && r.name !== module && r.module !== wantModule) continue
      if (wantInput !== undefined && !r.inputs.some(i => i.cid === wantInput)) continue
      out.push(r)
      if (limit !== undefined && limit > 0 && out.length === limit) break
    }
    return out
  }
})

/** What `job rm` did */
export interface JobRmJson {
  job: string
  artifacts: RemovedArtifact[]
}

/**
 * `job/rm`: unpin a job's artifacts (module, spec, output, receipts) so
 * `repo gc` reclaims them, keeping what another job or a user still pins,
 * and forget its receipt and history.
 */
export const jobRmOp = defineOp({
  name: 'job/rm',
  access: 'repo',
  writes: true,
  useReserve: true,
  input: z.strictObject({ job: z.string().check(z.minLength(1)) }),
  run: async (ctx, { job: text }, { signal }): Promise<JobRmJson> => {
    const [{ parseCid }, { loadRecord }, { removeJob }, { BlockNotFoundError }] = await Promise.all([
      import('../../data/cid-path.js'), import('../../jobs/records.js'), import('../../jobs/artifacts.js'), import('../../repo/errors.js')
    ])
    const repo = ctx.repo()
    const job = parseCid(text)
    try {
      const record = await loadRecord(job, await repo.blockstore.getBytes(job, { signal }))
      if (record.kind === 'receipt') throw new InvalidArgumentError(`${text} is a receipt: give its job, ${record.receipt.job.toString()}`)
    } catch (err) {
      // a job whose spec block is gone can still have pins and a receipt to remove
      if (!(err instanceof BlockNotFoundError)) throw err
    }
    return { job: job.toString(), artifacts: await removeJob(job, { blockstore: repo.blockstore, pins: repo.pins, receipts: repo.receipts, history: repo.history }, { signal }) }
  }
})

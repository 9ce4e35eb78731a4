import * as z from 'zod/mini'
import { NoDaemonError } from '../errors.js'
import { defineOp, only } from '../operation.js'
import type { ExecutedJob } from '../../jobs/execute.js'
import type { JobSpec } from '../../jobs/records.js'
import type { Agreement } from '../../net/replicas.js'
import type { Attempt } from '../../net/remote-run.js'
import type { BlockAccess } from '../../repo/blockstore.js'
import type { LimitHit } from '../../wasm/index.js'
import type { OpContext } from '../context.js'
import type { AbortOptions } from 'abort-error'

/** What `dcx run` reports (its `--json`), wherever the job ran */
export interface RunSummary {
  job: string
  output: string | null
  receipt: string | null
  status: string
  exitCode: number | null
  trap: string | null
  fuel: number | null
  /** Limits the job ran into and went on from (e.g. `output-entries`) */
  limitsHit: LimitHit[]
  cached: boolean
  durationMs: number | null
  /** Peer ID of the peer that ran it */
  executor: string | null
  /** When a cached receipt's run happened */
  ranAt: string | null
  stdout: string
  /** Peers asked to run it elsewhere, in order, and what became of each */
  attempts?: Attempt[]
  /** With replicas: how their outputs compared */
  agreement?: Agreement
  /** With `publish`: the IPNS name now pointing at the output */
  published?: { Name: string, Value: string }
}

/** Summarize a run; a cached result's stdout is read back from its output */
async function summarize (done: ExecutedJob, blockstore: BlockAccess, options: AbortOptions): Promise<RunSummary> {
  const { resultStdout } = await import('../../jobs/execute.js')
  const r = done.receipt?.value
  const chunks: Uint8Array[] = []
  if (done.run !== undefined) chunks.push(done.run.stdout)
  else if (r !== undefined) for await (const c of resultStdout(r.output, blockstore, options)) chunks.push(c)
  return {
    job: done.job.toString(),
    output: r?.output.toString() ?? null,
    receipt: done.receipt?.cid.toString() ?? null,
    status: r?.status ?? done.run?.status ?? 'timeout',
    exitCode: r?.exitCode ?? done.run?.exitCode ?? null,
    trap: r?.trap ?? done.run?.trap ?? null,
    fuel: r?.fuel ?? null,
    limitsHit: r?.limitsHit ?? done.run?.limitsHit ?? [],
    cached: done.cached,
    durationMs: done.run?.durationMs ?? null,
    executor: r?.executor ?? null,
    ranAt: r?.time ?? null,
    stdout: Buffer.concat(chunks).toString('utf8')
  }
}

/** local when every input is here, else auto (a peer that holds them) */
async function defaultPlace (spec: JobSpec, ctx: OpContext, options: AbortOptions): Promise<string> {
  const [{ walkDag }, { BlockNotFoundError }] = await Promise.all([import('../../data/walk.js'), import('../../repo/errors.js')])
  for (const input of spec.inputs) {
    try {
      await walkDag(input.cid, ctx.repo().blockstore, options)
    } catch (err) {
      if (err instanceof BlockNotFoundError) return 'auto'
      throw err
    }
  }
  return 'local'
}

const input = z.strictObject({
  /** The module's bytes, base64 (a module file); or `moduleCid` for a stored one */
  module: z.optional(z.string()),
  moduleCid: z.optional(z.string().check(z.minLength(1))),
  /** argv[0] */
  name: z.string().check(z.minLength(1)),
  args: z.optional(z.array(z.string())),
  env: z.optional(z.array(z.tuple([z.string(), z.string()]))),
  inputs: z.optional(z.array(z.strictObject({ cid: z.string().check(z.minLength(1)), path: z.optional(z.string()) }))),
  limits: z.optional(z.record(z.string(), z.int().check(z.nonnegative()))),
  /** Hex */
  seed: z.optional(z.string()),
  force: z.optional(z.boolean()),
  timeoutMs: z.optional(z.int().check(z.positive())),
  /** `local`, `auto` or a peer ID; by default local when the inputs are here, else auto */
  on: z.optional(z.string().check(z.minLength(1))),
  replicas: z.optional(z.int().check(z.positive())),
  /** Point this key's IPNS name at the output */
  publish: z.optional(z.string().check(z.minLength(1))),
  /** Send the job's stdout and stderr as `job:stdout` / `job:stderr` progress events (base64) while it runs */
  live: z.optional(z.boolean())
}).check(z.refine(a => (a.module === undefined) !== (a.moduleCid === undefined), 'give exactly one of module and moduleCid'))

/**
 * `run`: a WebAssembly job, deterministically, here or on a peer holding its
 * inputs; the result is stored and pinned, with a signed receipt. The same
 * job again answers from its receipt (unless `force`).
 */
export const runOp = defineOp({
  name: 'run',
  access: 'repo',
  writes: true,
  input,
  run: async (ctx, a, { signal, onProgress }): Promise<RunSummary> => {
    const [{ parseCid }, { executeSpec, moduleCid }, { parseSeed }, { buildJobSpec }, { encodeRecord }, { loadReceipt }] = await Promise.all([
      import('../../data/cid-path.js'), import('../../jobs/execute.js'), import('../../jobs/parse.js'), import('../../jobs/spec.js'),
      import('../../jobs/records.js'), import('../../jobs/receipts.js')
    ])
    const repo = ctx.repo()
    const replicas = a.replicas ?? 1
    const elsewhere = (a.on !== undefined && a.on !== 'local') || replicas > 1 || a.publish !== undefined
    if (elsewhere && !ctx.online) {
      throw new NoDaemonError(ctx.root, a.publish !== undefined ? 'run --publish' : replicas > 1 ? 'run --replicas' : `run --on ${a.on ?? 'auto'}`)
    }
    const moduleBytes = a.module !== undefined
      ? new Uint8Array(Buffer.from(a.module, 'base64'))
      : await (ctx.online ? ctx.node().network : repo.blockstore).getBytes(parseCid(a.moduleCid!), { signal })
    const spec = buildJobSpec({
      module: await moduleCid(moduleBytes),
      name: a.name,
      args: a.args,
      env: a.env,
      inputs: (a.inputs ?? []).map(i => ({ cid: parseCid(i.cid), path: i.path })),
      limits: a.limits,
      seed: a.seed !== undefined ? parseSeed(a.seed) : undefined
    })
    const live = a.live === true
      ? (type: 'job:stdout' | 'job:stderr') => (chunk: Uint8Array) => onProgress?.({ type, detail: { data: Buffer.from(chunk).toString('base64') } })
      : undefined
    const on = a.on ?? (replicas > 1 ? 'auto' : ctx.online ? await defaultPlace(spec, ctx, { signal }) : 'local')
    let summary: RunSummary
    if (on === 'local') {
      summary = await summarize(await executeSpec(spec, moduleBytes, repo.jobs, {
        force: a.force, timeoutMs: a.timeoutMs, signal, onProgress: only(['job:input'], onProgress) as any, onStdout: live?.('job:stdout'), onStderr: live?.('job:stderr')
      }), repo.blockstore, { signal })
    } else {
      const { runRemote } = await import('../../net/remote-run.js')
      const job = (await encodeRecord(spec)).cid
      const previous = a.force === true || replicas > 1 ? undefined : await repo.receipts.get(job)
      if (previous !== undefined && await repo.blockstore.has(previous)) {
        summary = await summarize({ job, spec, receipt: { cid: previous, value: await loadReceipt(previous, repo.blockstore) }, cached: true }, repo.blockstore, { signal })
      } else {
        const remote = await runRemote(ctx.node().node, repo.jobs, spec, moduleBytes, on, { replicas, signal })
        summary = { ...await summarize(remote, repo.blockstore, { signal }), attempts: remote.attempts, agreement: remote.agreement }
      }
    }
    if (a.publish !== undefined && summary.output !== null) {
      summary.published = await ctx.node().names.publish(a.publish, `/ipfs/${summary.output}`, { signal })
    }
    return summary
  }
})

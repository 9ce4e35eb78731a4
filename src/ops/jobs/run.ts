import * as z from 'zod/mini'
import { NoDaemonError } from '../errors.js'
import { defineOp, only } from '../operation.js'
import type { ExecutedJob } from '../../jobs/execute.js'
import type { JobRecord } from '../../jobs/history.js'
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
  /** The job's stdout: its first 64 KiB (the whole is the output's `stdout`) */
  stdout: string
  /** `stdout` holds less than the job wrote */
  stdoutTruncated: boolean
  /** The job's stderr: its first 64 KiB (the whole is the output's `stderr`) */
  stderr: string
  stderrTruncated: boolean
  /** The last lines of its stderr (at most 20, of at most 4 KiB): what `dcx run` prints when the job fails */
  stderrTail: string
  /** Peers asked to run it elsewhere, in order, and what became of each */
  attempts?: Attempt[]
  /** With replicas: how their outputs compared */
  agreement?: Agreement
  /** With `publish`: the IPNS name now pointing at the output */
  published?: { Name: string, Value: string }
}

/** Summarize a run; the stdout and stderr of a result not run here are read back from its output, only as much as the summary holds */
async function summarize (done: ExecutedJob, blockstore: BlockAccess, options: AbortOptions): Promise<RunSummary> {
  const { boundText, boundResultText } = await import('../../jobs/result-text.js')
  const r = done.receipt?.value
  const empty = { text: '', truncated: false, tail: '' }
  const [stdout, stderr] = done.run !== undefined
    ? [boundText(done.run.stdout), boundText(done.run.stderr)]
    : r !== undefined
      ? await Promise.all([boundResultText(r.output, 'stdout', blockstore, options), boundResultText(r.output, 'stderr', blockstore, options)])
      : [empty, empty]
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
    stdout: stdout.text,
    stdoutTruncated: stdout.truncated,
    stderr: stderr.text,
    stderrTruncated: stderr.truncated,
    stderrTail: stderr.tail
  }
}

/** The history's record of a run that gave an answer */
function historyRecord (spec: JobSpec, summary: RunSummary, remote: boolean): JobRecord {
  return {
    time: new Date().toISOString(),
    job: summary.job,
    module: spec.module.toString(),
    name: spec.name,
    inputs: spec.inputs.map(i => ({ cid: i.cid.toString(), path: i.path })),
    status: summary.status,
    exitCode: summary.exitCode,
    trap: summary.trap,
    receipt: summary.receipt,
    output: summary.output,
    executor: summary.executor,
    via: summary.cached ? 'cached' : remote ? 'remote' : 'local',
    durationMs: summary.cached ? null : summary.durationMs
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
  /** Send the job's stdout as `job:stdout` progress events (base64) while it runs */
  live: z.optional(z.boolean()),
  /** Send the job's stderr as `job:stderr` progress events (base64) while it runs */
  liveStderr: z.optional(z.boolean())
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
    const { checkPlacement } = await import('../../net/jobs/placement.js')
    // before anything else: a bad --on must not answer from a receipt made elsewhere
    const asked = a.on !== undefined ? checkPlacement(a.on) : undefined
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
    const live = (type: 'job:stdout' | 'job:stderr', wanted: boolean | undefined) => wanted === true
      ? (chunk: Uint8Array) => onProgress?.({ type, detail: { data: Buffer.from(chunk).toString('base64') } })
      : undefined
    const on = asked ?? (replicas > 1 ? 'auto' : ctx.online ? await defaultPlace(spec, ctx, { signal }) : 'local')
    let summary: RunSummary
    if (on === 'local') {
      summary = await summarize(await executeSpec(spec, moduleBytes, repo.jobs, {
        force: a.force, timeoutMs: a.timeoutMs, signal, onProgress: only(['job:input'], onProgress) as any, onStdout: live('job:stdout', a.live), onStderr: live('job:stderr', a.liveStderr)
      }), repo.blockstore, { signal })
    } else {
      const { runRemote } = await import('../../net/remote-run.js')
      const job = (await encodeRecord(spec)).cid
      const previous = a.force === true || replicas > 1 ? undefined : await repo.receipts.get(job)
      const cached = previous !== undefined && await repo.blockstore.has(previous) ? await loadReceipt(previous, repo.blockstore) : undefined
      // a peer asked for by its ID must be the one that ran it: a receipt made elsewhere does not answer
      if (cached !== undefined && (on === 'auto' || cached.executor === on)) {
        summary = await summarize({ job, spec, receipt: { cid: previous!, value: cached }, cached: true }, repo.blockstore, { signal })
      } else {
        const remote = await runRemote(ctx.node().node, repo.jobs, spec, moduleBytes, on, { replicas, signal, onPhase: phase => onProgress?.({ type: 'run:remote', detail: phase }) })
        summary = { ...await summarize(remote, repo.blockstore, { signal }), attempts: remote.attempts, agreement: remote.agreement }
      }
    }
    await repo.history.add(historyRecord(spec, summary, on !== 'local'), { signal })
    if (a.publish !== undefined && summary.output !== null) {
      summary.published = await ctx.node().names.publish(a.publish, `/ipfs/${summary.output}`, { signal })
    }
    return summary
  }
})

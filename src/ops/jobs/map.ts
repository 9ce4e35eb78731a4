import * as z from 'zod/mini'
import { NoDaemonError } from '../errors.js'
import { defineOp, only } from '../operation.js'
import type { OpContext } from '../context.js'
import type { JobRecord } from '../../jobs/history.js'
import type { MapRunSpec } from '../../jobs/map-records.js'
import type { MapResult } from '../../net/map.js'
import type { AbortOptions } from 'abort-error'

/** One shard in a map run's summary */
export interface ShardJson {
  name: string
  job: string
  receipt: string
  output: string
  executor: string
  status: string
  exitCode: number | null
  cached: boolean
}

/** What `dcx run --map` reports (its `--json`) */
export interface MapSummary {
  /** The run's spec CID: it names the whole run */
  job: string
  /** The reduce's result, else the directory of shard results */
  output: string
  /** The run's receipt, signed by the requester */
  receipt: string
  /** `exit` when every shard (and the reduce) exited 0, else `shards-failed` or the reduce's status */
  status: string
  cached: boolean
  shards: ShardJson[]
  /** Shards that did not exit 0 */
  failed: string[]
  reduce: { job: string, receipt: string, output: string, status: string, exitCode: number | null, stdout: string } | null
  /** Peers that refused or failed a shard before another ran it */
  attempts: Array<{ shard: string, peer: string, why?: string }>
  /** With replicas: shards whose replicas disagreed, and the peers that did */
  disagreements: Array<{ shard: string, dissenters: string[] }>
}

const module = z.strictObject({
  /** base64 of a module file, or `moduleCid` */
  module: z.optional(z.string()),
  moduleCid: z.optional(z.string().check(z.minLength(1))),
  name: z.string().check(z.minLength(1)),
  args: z.optional(z.array(z.string()))
}).check(z.refine(m => (m.module === undefined) !== (m.moduleCid === undefined), 'give exactly one of module and moduleCid'))

async function moduleBytes (ctx: OpContext, m: z.infer<typeof module>, options: AbortOptions): Promise<Uint8Array> {
  if (m.module !== undefined) return new Uint8Array(Buffer.from(m.module, 'base64'))
  const { parseCid } = await import('../../data/cid-path.js')
  return await (ctx.online ? ctx.node().network : ctx.repo().blockstore).getBytes(parseCid(m.moduleCid!), options)
}

/** The summary of a map run */
async function summarize (r: MapResult, ctx: OpContext, options: AbortOptions): Promise<MapSummary> {
  const { resultStdout } = await import('../../jobs/execute.js')
  const shards: ShardJson[] = r.shards.map(s => ({
    name: s.name, job: s.job.toString(), receipt: s.receipt.toString(), output: s.output.toString(), executor: s.executor, status: s.status, exitCode: s.exitCode, cached: s.cached
  }))
  const failed = shards.filter(s => s.status !== 'exit' || s.exitCode !== 0).map(s => s.name)
  let reduce: MapSummary['reduce'] = null
  const rr = r.reduce?.receipt?.value
  if (r.reduce !== undefined && rr !== undefined) {
    const chunks: Uint8Array[] = []
    for await (const c of resultStdout(rr.output, ctx.repo().blockstore, options)) chunks.push(c)
    reduce = { job: r.reduce.job.toString(), receipt: r.reduce.receipt!.cid.toString(), output: rr.output.toString(), status: rr.status, exitCode: rr.exitCode, stdout: Buffer.concat(chunks).toString('utf8') }
  }
  const status = failed.length > 0 ? 'shards-failed' : reduce === null || (reduce.status === 'exit' && reduce.exitCode === 0) ? 'exit' : reduce.status
  return {
    job: r.run.toString(),
    output: r.receipt.value.output.toString(),
    receipt: r.receipt.cid.toString(),
    status,
    cached: r.cached,
    shards,
    failed,
    reduce,
    attempts: r.shards.flatMap(s => s.attempts.map(a => ({ shard: s.name, peer: a.peer, why: a.why }))),
    disagreements: r.shards.filter(s => s.dissenters.length > 0).map(s => ({ shard: s.name, dissenters: s.dissenters }))
  }
}

/**
 * `map`: a job over every entry of a directory, each entry a shard run
 * where it is held (`run --map`), then a reduce over the shards' results;
 * see `net/map.ts`.
 */
export const mapOp = defineOp({
  name: 'map',
  access: 'repo',
  writes: true,
  input: z.strictObject({
    map: module,
    input: z.string().check(z.minLength(1)),
    env: z.optional(z.array(z.tuple([z.string(), z.string()]))),
    limits: z.optional(z.record(z.string(), z.int().check(z.nonnegative()))),
    seed: z.optional(z.string()),
    reduce: z.optional(module),
    force: z.optional(z.boolean()),
    timeoutMs: z.optional(z.int().check(z.positive())),
    /** `auto` (each shard where it is held; the default with a daemon), `local` (the default without), or a peer ID */
    on: z.optional(z.string().check(z.minLength(1))),
    replicas: z.optional(z.int().check(z.positive()))
  }),
  run: async (ctx, a, { signal, onProgress }): Promise<MapSummary> => {
    const [{ parseCid }, { parseSeed }, { moduleCid }, { buildMapSpec }, { executeMap }] = await Promise.all([
      import('../../data/cid-path.js'), import('../../jobs/parse.js'), import('../../jobs/execute.js'), import('../../jobs/map-records.js'), import('../../net/map.js')
    ])
    const on = a.on ?? (ctx.online ? 'auto' : 'local')
    if (on !== 'local' && !ctx.online) throw new NoDaemonError(ctx.root, `run --map --on ${on}`)
    if ((a.replicas ?? 1) > 1 && !ctx.online) throw new NoDaemonError(ctx.root, 'run --map --replicas')
    const input = parseCid(a.input)
    const map = await moduleBytes(ctx, a.map, { signal })
    const reduce = a.reduce !== undefined ? await moduleBytes(ctx, a.reduce, { signal }) : undefined
    const spec = buildMapSpec({
      map: { module: await moduleCid(map), name: a.map.name, args: a.map.args ?? [] },
      input,
      env: a.env,
      limits: a.limits,
      seed: a.seed !== undefined ? parseSeed(a.seed) : undefined,
      reduce: reduce !== undefined ? { module: await moduleCid(reduce), name: a.reduce!.name, args: a.reduce!.args ?? [] } : undefined
    })
    // both modules are checked (and rewritten) before anything is written or any shard runs anywhere
    const { prepareModule } = await import('../../wasm/index.js')
    for (const bytes of [map, reduce]) {
      if (bytes !== undefined) await prepareModule(bytes, { memoryLimit: spec.limits.memory, cacheDir: ctx.repo().jobs.cacheDir })
    }
    const shardProgress = only(['map:shard'], onProgress)
    const started = performance.now()
    const result = await executeMap(ctx.online ? ctx.node().node : undefined, ctx.repo().jobs, spec, { map, reduce }, {
      on,
      replicas: a.replicas,
      force: a.force,
      timeoutMs: a.timeoutMs,
      signal,
      onShard: e => shardProgress?.({ type: 'map:shard', detail: e })
    })
    const summary = await summarize(result, ctx, { signal })
    await ctx.repo().history.add(historyRecord(summary, result.spec, ctx.repo().identity.peerId, summary.cached ? null : Math.round(performance.now() - started)), { signal })
    return summary
  }
})

/** The history's record of a map run: its spec as the job, the input directory at /inputs, this peer (the requester) as executor */
function historyRecord (s: MapSummary, spec: MapRunSpec, self: string, durationMs: number | null): JobRecord {
  return {
    time: new Date().toISOString(),
    job: s.job,
    module: spec.map.module.toString(),
    name: spec.map.name,
    inputs: [{ cid: spec.input.toString(), path: '/inputs' }],
    status: s.status,
    exitCode: s.status === 'exit' ? 0 : null,
    trap: null,
    receipt: s.receipt,
    output: s.output,
    executor: self,
    via: 'map',
    durationMs
  }
}

/**
 * `map/show`: a map run's summary (as `run --map --json` prints it) from its
 * receipt, or from its spec's receipt, and the shard receipts in the repo
 * (a daemon fetches the run's own blocks the repo lacks, within the caller's
 * timeout). `cached` is true: nothing ran. Attempts and disagreements are
 * not in a receipt, so they are empty.
 */
export const mapShowOp = defineOp({
  name: 'map/show',
  access: 'repo',
  input: z.strictObject({ cid: z.string().check(z.minLength(1)) }),
  run: async (ctx, { cid }, { signal }): Promise<MapSummary> => await showMap(ctx, cid, { signal })
})

/** A map run's summary, given its receipt or its spec (blocks the repo lacks come from peers when online); `NotAMapRunError` for anything else */
export async function showMap (ctx: OpContext, text: string, options: AbortOptions): Promise<MapSummary> {
  const [{ parseCid }, { decodeMapReceipt, isMapRunSpec, looksLikeMapReceipt }, { loadMapRun }, { NotAMapRunError }, dagCbor] = await Promise.all([
    import('../../data/cid-path.js'), import('../../jobs/map-records.js'), import('../../net/map.js'), import('../../jobs/errors.js'), import('@ipld/dag-cbor')
  ])
  const repo = ctx.repo()
  const cid = parseCid(text)
  const bytes = await ctx.blocks.getBytes(cid, options)
  let receipt = cid
  if (!looksLikeMapReceipt(bytes)) {
    let value: unknown
    try { value = dagCbor.decode(bytes) } catch { throw new NotAMapRunError(text, 'it is not dag-cbor') }
    if (!isMapRunSpec(value)) throw new NotAMapRunError(text, 'its type is neither dcx/map-receipt nor dcx/map-run')
    const found = await repo.receipts.get(cid)
    if (found === undefined) throw new NotAMapRunError(text, 'it is a map run\'s spec with no receipt in this repo: it has not run here')
    receipt = found
  }
  const run = decodeMapReceipt(receipt, await ctx.blocks.getBytes(receipt, options)).run
  const spec = dagCbor.decode(await ctx.blocks.getBytes(run, options))
  if (!isMapRunSpec(spec)) throw new NotAMapRunError(text, `its run ${run.toString()} is not a map run's spec`)
  return await summarize(await loadMapRun(run, spec, receipt, repo.jobs, options), ctx, options)
}

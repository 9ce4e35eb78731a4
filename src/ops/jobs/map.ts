import * as z from 'zod/mini'
import { NoDaemonError } from '../errors.js'
import { defineOp, only } from '../operation.js'
import type { OpContext } from '../context.js'
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
    const result = await executeMap(ctx.online ? ctx.node().node : undefined, ctx.repo().jobs, spec, { map, reduce }, {
      on,
      replicas: a.replicas,
      force: a.force,
      timeoutMs: a.timeoutMs,
      signal,
      onShard: e => shardProgress?.({ type: 'map:shard', detail: e })
    })
    return await summarize(result, ctx, { signal })
  }
})

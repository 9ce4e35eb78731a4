import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { parseCid } from '../../data/cid-path.js'
import { walkDag } from '../../data/walk.js'
import { BlockNotFoundError } from '../../repo/errors.js'
import { executeSpec } from '../../jobs/execute.js'
import { parseSeed } from '../../jobs/parse.js'
import { loadReceipt } from '../../jobs/receipts.js'
import { encodeRecord } from '../../jobs/records.js'
import { buildJobSpec } from '../../jobs/spec.js'
import { summarize } from '../../jobs/summary.js'
import { verdictJson, verifyOutput, verifyReceipt } from '../../jobs/verify.js'
import { networkBlocks } from '../../net/blocks.js'
import { runRemote } from '../../net/remote-run.js'
import { exclusive } from '../handler.js'
import type { RunSummary } from '../../jobs/summary.js'
import type { JobSpec } from '../../jobs/records.js'
import type { RepoBlockstore } from '../../repo/blockstore.js'
import type { ApiContext, Handler } from '../handler.js'

/** local when every input is here, else auto (a peer that holds them) */
async function defaultPlace (spec: JobSpec, { jobs }: ApiContext, signal: AbortSignal): Promise<string> {
  for (const input of spec.inputs) {
    try { await walkDag(input.cid, jobs.blockstore, { signal }) } catch (err) { if (err instanceof BlockNotFoundError) return 'auto'; throw err }
  }
  return 'local'
}

async function run (ctx: ApiContext, a: any, signal: AbortSignal): Promise<RunSummary> {
  const { node, jobs } = ctx
  const moduleBytes = a.module !== undefined
    ? new Uint8Array(Buffer.from(String(a.module), 'base64'))
    : await networkBlocks(node).getBytes(parseCid(String(a.moduleCid)), { signal })
  const module = CID.createV1(raw.code, await sha256.digest(moduleBytes))
  const spec = buildJobSpec({
    module,
    name: String(a.name),
    args: a.args,
    env: a.env,
    inputs: (a.inputs ?? []).map((i: any) => ({ cid: parseCid(String(i.cid)), path: i.path ?? undefined })),
    limits: a.limits,
    seed: a.seed !== undefined ? parseSeed(String(a.seed)) : undefined
  })
  const replicas = Number(a.replicas ?? 1)
  const on: string = a.on ?? (replicas > 1 ? 'auto' : await defaultPlace(spec, ctx, signal))
  if (on === 'local') return await summarize(await executeSpec(spec, moduleBytes, jobs, { force: a.force, timeoutMs: a.timeoutMs, signal }), jobs.blockstore)
  const job = (await encodeRecord(spec)).cid
  const previous = a.force === true || replicas > 1 ? undefined : await jobs.receipts.get(job)
  if (previous !== undefined && await jobs.blockstore.has(previous)) {
    return await summarize({ job, spec, receipt: { cid: previous, value: await loadReceipt(previous, jobs.blockstore) }, cached: true }, jobs.blockstore)
  }
  const remote = await runRemote(node, jobs, spec, moduleBytes, on, { replicas, signal })
  return { ...await summarize(remote, jobs.blockstore), attempts: remote.attempts, agreement: remote.agreement }
}

/** Running jobs (here or on peers) and checking other peers' results */
export const jobHandlers: Record<string, Handler> = {
  '/v0/run': exclusive(async (ctx, a, _res, signal) => {
    const summary = await run(ctx, a, signal)
    if (a.publish !== undefined && summary.output !== null) {
      summary.published = await ctx.names.publish(String(a.publish), `/ipfs/${summary.output}`, { signal })
    }
    return summary
  }),
  '/v0/verify': async ({ node, jobs }, a, _res, signal) => {
    // the re-run reads through the network: spec, module and inputs may live elsewhere
    const ctx = { blockstore: networkBlocks(node) as RepoBlockstore, cacheDir: jobs.cacheDir, tmpDir: jobs.tmpDir }
    const options = { timeoutMs: a.timeoutMs, signal, fetchInputs: true }
    const verdict = a.job !== undefined
      ? await verifyOutput(parseCid(String(a.target)), parseCid(String(a.job)), ctx, options)
      : await verifyReceipt(parseCid(String(a.target)), ctx, options)
    return verdictJson(verdict)
  },
  '/v0/receipts/ls': async ({ jobs }, _a, _res, signal) => {
    const out = []
    for await (const { job, receipt } of jobs.receipts.ls({ signal })) {
      const r = await loadReceipt(receipt, jobs.blockstore)
      out.push({ receipt: receipt.toString(), job: job.toString(), status: r.status, exitCode: r.exitCode, time: r.time, output: r.output.toString() })
    }
    return out
  }
}

import { resultStdout } from './execute.js'
import type { ExecutedJob } from './execute.js'
import type { RepoBlockstore } from '../repo/blockstore.js'
import type { Agreement } from '../net/replicas.js'
import type { LimitHit } from '../wasm/index.js'

/** What `dcx run` reports, also what the daemon's API answers */
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
  attempts?: Array<{ peer: string, ok: boolean, why?: string }>
  /** With replicas: how their outputs compared */
  agreement?: Agreement
  /** With --publish: the IPNS name now pointing at the output */
  published?: { Name: string, Value: string }
}

/** Summarize a run; a cached result's stdout is read back from its output */
export async function summarize (done: ExecutedJob, blockstore: Pick<RepoBlockstore, 'get' | 'getBytes'>): Promise<RunSummary> {
  const r = done.receipt?.value
  const chunks: Uint8Array[] = []
  if (done.run !== undefined) chunks.push(done.run.stdout)
  else if (r !== undefined) for await (const c of resultStdout(r.output, blockstore as RepoBlockstore)) chunks.push(c)
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

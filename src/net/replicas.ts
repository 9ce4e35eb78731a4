import { ReplicasDisagreeError } from './errors.js'
import type { Receipt } from '../jobs/records.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/** A peer's checked answer to a job request */
export interface ReplicaAnswer {
  peer: string
  cid: CID
  receipt: Receipt
}

/** How the replicas of a job compared */
export interface Agreement {
  /** Every replica produced the same output */
  unanimous: boolean
  /** The output accepted */
  output: string
  /** What settled it: all agreed, a strict majority, or a local re-run breaking a tie */
  decidedBy: 'unanimous' | 'majority' | 'local re-run'
  results: Array<{ peer: string, receipt: string, output: string, agrees: boolean }>
  /** Peers whose output differs from the accepted one */
  dissenters: string[]
}

/**
 * Settle on one output among replicas' answers. Execution is deterministic,
 * so honest peers agree exactly: a strict majority wins; without one, the job
 * is re-run here (fetching what it needs) and that result decides.
 */
export async function settleReplicas (answers: ReplicaAnswer[], rerunLocally: () => Promise<CID | undefined>, options: AbortOptions = {}): Promise<Agreement> {
  const votes = new Map<string, number>()
  for (const a of answers) votes.set(a.receipt.output.toString(), (votes.get(a.receipt.output.toString()) ?? 0) + 1)
  let output: string | undefined
  let decidedBy: Agreement['decidedBy']
  if (votes.size === 1) {
    output = [...votes.keys()][0]
    decidedBy = 'unanimous'
  } else {
    const [top, count] = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]
    if (count * 2 > answers.length) {
      output = top
      decidedBy = 'majority'
    } else {
      options.signal?.throwIfAborted()
      const local = (await rerunLocally())?.toString()
      const claims = answers.map(a => `${a.peer} says ${a.receipt.output.toString()}`).join(', ')
      if (local === undefined) throw new ReplicasDisagreeError(`the replicas disagree with no majority (${claims}) and the local re-run that would settle it timed out`)
      if (!votes.has(local)) throw new ReplicasDisagreeError(`the replicas disagree (${claims}) and none matches a local re-run (${local})`)
      output = local
      decidedBy = 'local re-run'
    }
  }
  const results = answers.map(a => ({ peer: a.peer, receipt: a.cid.toString(), output: a.receipt.output.toString(), agrees: a.receipt.output.toString() === output }))
  return { unanimous: decidedBy === 'unanimous', output, decidedBy, results, dissenters: results.filter(r => !r.agrees).map(r => r.peer) }
}

import { CID } from 'multiformats/cid'
import { BlockNotFoundError } from '../repo/errors.js'
import { JobNotFoundError } from './errors.js'
import { loadReceipt } from './receipts.js'
import { decodeJobSpec } from './records.js'
import type { JobHistory } from './history.js'
import type { ReceiptIndex } from './receipts.js'
import type { PinStore } from '../data/pins.js'
import type { BlockAccess } from '../repo/blockstore.js'
import type { AbortOptions } from 'abort-error'

/** What a job pins: its module, its spec (the job itself), its output and its receipts */
export type ArtifactRole = 'module' | 'spec' | 'output' | 'receipt'

const ROLES: ArtifactRole[] = ['module', 'spec', 'output', 'receipt']

/** The pin name of a job's artifact: `job <job-cid> <role>` */
export function artifactPinName (job: CID | string, role: ArtifactRole): string {
  return `job ${job.toString()} ${role}`
}

/** The job and role a pin name stands for, if it is a job artifact's */
export function parseArtifactPinName (name: string | undefined): { job: string, role: ArtifactRole } | undefined {
  const m = /^job (\S+) (\S+)$/.exec(name ?? '')
  if (m === null || !ROLES.includes(m[2] as ArtifactRole)) return undefined
  return { job: m[1], role: m[2] as ArtifactRole }
}

/** One artifact `job rm` looked at, and what became of its pin */
export interface RemovedArtifact {
  cid: string
  role: ArtifactRole
  /** `unpinned`; or `kept`: another job uses it (its pin now carries that job's name), or a user pinned it */
  action: 'unpinned' | 'kept'
  why?: string
}

export interface RemoveJobContext {
  blockstore: Pick<BlockAccess, 'getBytes' | 'has'>
  pins: PinStore
  receipts: ReceiptIndex
  history: JobHistory
}

/**
 * Unpin a job's artifacts so `repo gc` can reclaim them, and forget its
 * receipt index entry and history. Pins named for the job go, with two
 * exceptions: a module or an output another job still pinned in the repo
 * uses is kept and renamed for that job; a pin a user named (`pin add
 * --name`) is kept. The spec and the receipts belong to this job alone, so a
 * spec or receipt pin without a name (made before pins had names) goes too;
 * an unnamed module or output pin is left alone, as it may be a user's own
 * `dcx add` of the same bytes. Inputs are never touched.
 */
export async function removeJob (job: CID, ctx: RemoveJobContext, options: AbortOptions = {}): Promise<RemovedArtifact[]> {
  const jobText = job.toV1().toString()
  const indexed = await ctx.receipts.get(job)
  const mine: Array<{ cid: CID, role: ArtifactRole, name?: string }> = []
  /** Every other job with its spec pinned: whose module and output may be shared */
  const others: string[] = []
  for await (const pin of ctx.pins.ls(options)) {
    const named = parseArtifactPinName(pin.name)
    if (named?.job === jobText) mine.push({ cid: pin.cid, role: named.role, name: pin.name })
    else if (named?.role === 'spec') others.push(named.job)
    else if (pin.name === undefined && pin.cid.equals(job)) mine.push({ cid: pin.cid, role: 'spec' })
    else if (pin.name === undefined && indexed !== undefined && pin.cid.equals(indexed)) mine.push({ cid: pin.cid, role: 'receipt' })
  }
  if (mine.length === 0 && indexed === undefined) throw new JobNotFoundError(jobText)

  const shared = mine.some(a => a.role === 'module' || a.role === 'output')
  /** The artifacts other jobs use, with the job that uses each */
  const usedBy = new Map<string, string>()
  if (shared) {
    for (const other of others) {
      const cid = CID.parse(other)
      try {
        const spec = decodeJobSpec(cid, await ctx.blockstore.getBytes(cid, options))
        if (!usedBy.has(`module ${spec.module.toV1().toString()}`)) usedBy.set(`module ${spec.module.toV1().toString()}`, other)
        const receipt = await ctx.receipts.get(cid)
        if (receipt !== undefined && await ctx.blockstore.has(receipt)) {
          const output = (await loadReceipt(receipt, ctx.blockstore, options)).output.toV1().toString()
          if (!usedBy.has(`output ${output}`)) usedBy.set(`output ${output}`, other)
        }
      } catch (err) {
        // a job whose blocks are gone uses nothing
        if (!(err instanceof BlockNotFoundError)) throw err
      }
    }
  }

  const done: RemovedArtifact[] = []
  for (const other of await keptByOthers(job, indexed, mine.map(a => a.cid), ctx, options)) done.push(other)
  for (const { cid, role } of mine) {
    const other = usedBy.get(`${role} ${cid.toV1().toString()}`)
    if (other !== undefined) {
      await ctx.pins.rename(cid, artifactPinName(other, role))
      done.push({ cid: cid.toString(), role, action: 'kept', why: `job ${other} uses it` })
      continue
    }
    await ctx.pins.rm(cid)
    done.push({ cid: cid.toString(), role, action: 'unpinned' })
  }
  await ctx.receipts.delete(job)
  await ctx.history.forget(jobText, options)
  return done
}

/** The job's artifacts pinned under a name not this job's (a user's, another job's, none): they stay, and `job rm` says why */
async function keptByOthers (job: CID, receipt: CID | undefined, handled: CID[], ctx: RemoveJobContext, options: AbortOptions): Promise<RemovedArtifact[]> {
  const artifacts: Array<{ cid: CID, role: ArtifactRole }> = [{ cid: job, role: 'spec' }]
  try {
    artifacts.push({ cid: decodeJobSpec(job, await ctx.blockstore.getBytes(job, options)).module, role: 'module' })
    if (receipt !== undefined) {
      artifacts.push({ cid: receipt, role: 'receipt' })
      artifacts.push({ cid: (await loadReceipt(receipt, ctx.blockstore, options)).output, role: 'output' })
    }
  } catch (err) {
    if (!(err instanceof BlockNotFoundError)) throw err
  }
  const out: RemovedArtifact[] = []
  for (const { cid, role } of artifacts) {
    if (handled.some(h => h.equals(cid))) continue
    const pin = await ctx.pins.get(cid)
    if (pin === undefined) continue
    const owner = parseArtifactPinName(pin.name)
    const why = owner !== undefined ? `job ${owner.job} uses it` : pin.name !== undefined ? `pinned as '${pin.name}'` : 'pinned without a name (as `dcx add` pins)'
    out.push({ cid: cid.toString(), role, action: 'kept', why })
  }
  return out
}

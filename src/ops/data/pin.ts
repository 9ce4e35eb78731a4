import * as z from 'zod/mini'
import { InvalidArgumentError } from '../../errors.js'
import { defineOp } from '../operation.js'
import type { OpContext } from '../context.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/** A pin as `pin ls` and `pin add` report it */
export interface PinJson {
  cid: string
  type: 'recursive' | 'direct'
  /** The pin's name, when it has one (`pin add --name`; a job's artifacts are named `job <job-cid> <role>`) */
  name?: string
  /** Pinned on this peer (`pin add --on`), not here */
  on?: string
  /**
   * With `size`: the DAG's bytes as its root declares them (dag-pb: the root
   * block plus its links' Tsize; otherwise the root block's length), read
   * from the root alone; null when the root block is not here
   */
  size?: number | null
}

function pinJson (pin: { cid: { toString: () => string }, type: 'recursive' | 'direct', name?: string }): PinJson {
  return { cid: pin.cid.toString(), type: pin.type, ...(pin.name !== undefined ? { name: pin.name } : {}) }
}

const cids = z.array(z.string().check(z.minLength(1))).check(z.minLength(1))

/**
 * `pin/add`: pin DAGs (recursive: written only once every block is here) or
 * single blocks (`recursive: false`). Online, what the repo lacks is fetched
 * from peers first and the new roots are announced.
 */
export const pinAddOp = defineOp({
  name: 'pin/add',
  access: 'repo',
  writes: true,
  input: z.strictObject({
    cids,
    recursive: z.optional(z.boolean()),
    name: z.optional(z.string().check(z.minLength(1))),
    /** Ask this peer (a peer ID) to fetch and pin them instead, as its pinning policy allows */
    on: z.optional(z.string().check(z.minLength(1)))
  }),
  run: async (ctx, { cids, recursive, name, on }, { signal }): Promise<PinJson[]> => {
    const { parseCid } = await import('../../data/cid-path.js')
    if (on !== undefined) return await pinElsewhere(ctx, cids.map(parseCid), on, { signal })
    const repo = ctx.repo()
    const out: PinJson[] = []
    for (const text of cids) {
      const cid = parseCid(text)
      if (ctx.online) await ctx.prefetch({ cid, segments: [], text }, { scope: recursive === false ? 'block' : 'all', signal })
      const pin = await repo.pins.add(cid, { type: recursive === false ? 'direct' : 'recursive', name, signal })
      if (pin.type === 'recursive' && ctx.online) ctx.node().provide(cid)
      out.push(pinJson(pin))
    }
    return out
  }
})

/** Ask a peer to fetch and pin each DAG; recursive pins there */
async function pinElsewhere (ctx: OpContext, cids: CID[], on: string, options: AbortOptions): Promise<PinJson[]> {
  const [{ peerIdFromString }, { requestPin }] = await Promise.all([import('@libp2p/peer-id'), import('../../net/jobs/client.js')])
  let peer
  try {
    peer = peerIdFromString(on)
  } catch {
    throw new InvalidArgumentError(`--on '${on}' is not a peer ID: give one such as 12D3KooW... (see \`dcx peers ls\`)`)
  }
  const node = ctx.node().node
  const out: PinJson[] = []
  for (const cid of cids) {
    await requestPin(node, peer, cid, options)
    out.push({ cid: cid.toString(), type: 'recursive', on })
  }
  return out
}

/**
 * `pin/ls`: every pin, in key order, optionally of one type, or those whose
 * name holds a text; with `size`, each DAG's declared size (no walk: one
 * block read per pin)
 */
export const pinLsOp = defineOp({
  name: 'pin/ls',
  access: 'repo',
  useReserve: true,
  input: z.strictObject({ type: z.optional(z.enum(['all', 'recursive', 'direct'])), name: z.optional(z.string()), size: z.optional(z.boolean()) }),
  run: async (ctx, { type, name, size }, { signal }): Promise<PinJson[]> => {
    const { declaredDagSize } = await import('../../data/dag-size.js')
    const repo = ctx.repo()
    const out: PinJson[] = []
    for await (const pin of repo.pins.ls({ signal })) {
      if (type !== undefined && type !== 'all' && pin.type !== type) continue
      if (name !== undefined && !(pin.name ?? '').includes(name)) continue
      out.push(size === true ? { ...pinJson(pin), size: await declaredDagSize(pin.cid, repo.blockstore, { signal }) } : pinJson(pin))
    }
    return out
  }
})

/** `pin/rm`: unpin; the blocks stay until `repo gc` */
export const pinRmOp = defineOp({
  name: 'pin/rm',
  access: 'repo',
  writes: true,
  useReserve: true,
  input: z.strictObject({ cids }),
  run: async (ctx, { cids }): Promise<Array<{ cid: string }>> => {
    const { parseCid } = await import('../../data/cid-path.js')
    const parsed = cids.map(parseCid)
    for (const cid of parsed) await ctx.repo().pins.rm(cid)
    return parsed.map(cid => ({ cid: cid.toString() }))
  }
})

/** One pin checked by `pin verify` */
export interface PinCheckJson {
  cid: string
  ok: boolean
  problem?: string
  /** The block that is missing or damaged */
  block?: string
}

/** `pin/verify`: re-hash every pinned block and check every recursive pin is whole */
export const pinVerifyOp = defineOp({
  name: 'pin/verify',
  access: 'repo',
  // in its turn with writers, so it sees a settled repo
  writes: true,
  useReserve: true,
  input: z.strictObject({}),
  run: async (ctx, _input, { signal }): Promise<PinCheckJson[]> => {
    const { verifyPins } = await import('../../data/verify.js')
    const repo = ctx.repo()
    const rows: PinCheckJson[] = []
    for await (const { pin, problem } of verifyPins(repo.pins, repo.blockstore, { signal })) rows.push({ cid: pin.cid.toString(), ok: problem == null, problem: problem?.problem, block: problem?.cid })
    return rows
  }
})

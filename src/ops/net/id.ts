import * as z from 'zod/mini'
import { defineOp } from '../operation.js'

/** Kubo's `id`: the peer ID, its public key, and (with the daemon) where it listens */
export interface IdJson {
  ID: string
  PublicKey: string
  Addresses?: string[]
}

/** `id`: who this repo is; in the daemon, also its listen addresses */
export const idOp = defineOp({
  name: 'id',
  access: 'files',
  input: z.strictObject({}),
  run: async (ctx): Promise<IdJson> => {
    const identity = await ctx.identity()
    const out: IdJson = { ID: identity.peerId, PublicKey: identity.publicKey }
    if (ctx.online) out.Addresses = ctx.node().node.libp2p.getMultiaddrs().map(a => a.toString())
    return out
  }
})

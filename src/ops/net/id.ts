import * as z from 'zod/mini'
import { defineOp } from '../operation.js'

/** Kubo's `id`: the peer ID, its public key, and (with the daemon) where it listens */
export interface IdJson {
  ID: string
  PublicKey: string
  Addresses?: string[]
  /** The protocols the daemon speaks */
  Protocols?: string[]
}

/** `id`: who this repo is; in the daemon, also its listen addresses */
export const idOp = defineOp({
  name: 'id',
  access: 'files',
  input: z.strictObject({}),
  run: async (ctx): Promise<IdJson> => {
    const identity = await ctx.identity()
    const out: IdJson = { ID: identity.peerId, PublicKey: identity.publicKey }
    if (ctx.online) {
      const { libp2p } = ctx.node().node
      out.Addresses = libp2p.getMultiaddrs().map(a => a.toString())
      out.Protocols = libp2p.getProtocols().sort()
    }
    return out
  }
})

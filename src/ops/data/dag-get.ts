import * as z from 'zod/mini'
import { defineOp } from '../operation.js'

/**
 * `dag/get`: the IPLD node at `<cid>[/path]`, encoded (dag-json by
 * default), as Kubo's `dag get` gives it. With a daemon, the blocks the
 * path crosses come from peers.
 */
export const dagGetOp = defineOp({
  name: 'dag/get',
  access: 'read',
  bytes: true,
  input: z.strictObject({ target: z.string().check(z.minLength(1)), codec: z.optional(z.enum(['dag-json', 'dag-cbor'])) }),
  run: async (ctx, { target, codec }, { signal }): Promise<AsyncIterable<Uint8Array>> => {
    const { dagGet } = await import('../../data/dag-get.js')
    const path = await ctx.resolve(target, { signal })
    const bytes = await dagGet(path, ctx.blocks, codec, { signal })
    return (async function * () { yield bytes })()
  }
})

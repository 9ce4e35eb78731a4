import * as z from 'zod/mini'
import { InvalidArgumentError } from '../../errors.js'
import { defineOp } from '../operation.js'
import type { OpContext } from '../context.js'
import type { AbortOptions } from 'abort-error'

/** The one block a CID (or `/ipfs/<cid>`) names, made local first with a daemon */
async function oneBlock (ctx: OpContext, target: string, options: AbortOptions): Promise<{ cid: string, bytes: Uint8Array }> {
  const path = await ctx.resolve(target, options)
  if (path.segments.length > 0) throw new InvalidArgumentError(`a block is named by a CID, not a path: ${target}`)
  await ctx.prefetch(path, { scope: 'block', signal: options.signal })
  const bytes = await ctx.blocks.getBytes(path.cid, options)
  // a damaged block file must not be handed out as the block (a client trusts what `block get` answers)
  const [{ matchesMultihash }, { CorruptBlockError }] = await Promise.all([import('../../data/hashers.js'), import('../../data/errors.js')])
  if (!await matchesMultihash(path.cid.multihash, bytes)) throw new CorruptBlockError(path.cid.toString())
  return { cid: path.cid.toString(), bytes }
}

/** `block/get`: the raw bytes of one block, checked against its CID as every read is */
export const blockGetOp = defineOp({
  name: 'block/get',
  access: 'read',
  bytes: true,
  input: z.strictObject({ target: z.string().check(z.minLength(1)) }),
  run: async (ctx, { target }, { signal }): Promise<AsyncIterable<Uint8Array>> => {
    const { bytes } = await oneBlock(ctx, target, { signal })
    return (async function * () { yield bytes })()
  }
})

/** `block/stat`: a block's CID and size in bytes (Kubo's `BlockStat`) */
export const blockStatOp = defineOp({
  name: 'block/stat',
  access: 'read',
  input: z.strictObject({ target: z.string().check(z.minLength(1)) }),
  run: async (ctx, { target }, { signal }): Promise<{ Key: string, Size: number }> => {
    const { cid, bytes } = await oneBlock(ctx, target, { signal })
    return { Key: cid, Size: bytes.length }
  }
})

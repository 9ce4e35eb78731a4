import * as z from 'zod/mini'
import { defineOp } from '../operation.js'

/** `cat`: the bytes of a file, or of a byte range of it */
export const catOp = defineOp({
  name: 'cat',
  access: 'read',
  bytes: true,
  input: z.strictObject({
    target: z.string().check(z.minLength(1)),
    offset: z.optional(z.int().check(z.nonnegative())),
    length: z.optional(z.int().check(z.nonnegative()))
  }),
  run: async (ctx, { target, offset, length }, { signal }): Promise<AsyncIterable<Uint8Array>> => {
    const { cat } = await import('../../data/cat.js')
    const path = await ctx.resolve(target, { signal })
    await ctx.prefetch(path, { scope: 'entity', range: { offset: offset ?? 0, length }, signal })
    return cat(path, ctx.blocks, { offset, length, signal })
  }
})

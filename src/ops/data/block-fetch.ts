import * as z from 'zod/mini'
import { defineOp, only } from '../operation.js'

const range = z.strictObject({ offset: z.int().check(z.nonnegative()), length: z.optional(z.int().check(z.nonnegative())) })

/**
 * `block/fetch`: make a block, a DAG, or a byte range of a file local,
 * fetching what the repo lacks from peers. The blocks stay in the repo,
 * unpinned (as Kubo's cache): a reader in another process then reads them
 * from the repo's files. What `prefetch` asks of the daemon.
 */
export const blockFetchOp = defineOp({
  name: 'block/fetch',
  access: 'node',
  input: z.strictObject({
    target: z.string().check(z.minLength(1)),
    scope: z.optional(z.enum(['all', 'entity', 'block'])),
    range: z.optional(range),
    timeoutMs: z.optional(z.int().check(z.positive()))
  }),
  run: async (ctx, { target, scope, range, timeoutMs }, { signal, onProgress }): Promise<{ cid: string }> => {
    const path = await ctx.resolve(target, { signal })
    const cid = await ctx.node().fetch(path, { scope: scope ?? 'all', range, signal, timeoutMs, onProgress: only(['fetch:searching'], onProgress) as any })
    return { cid: cid.toString() }
  }
})

import * as z from 'zod/mini'
import { defineOp } from '../operation.js'

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
    range: z.optional(range)
  }),
  run: async (ctx, { target, scope, range }, { signal }): Promise<{ cid: string }> => {
    const { fetchLocal } = await import('../../net/fetch.js')
    const path = await ctx.resolve(target, { signal })
    const cid = await fetchLocal(ctx.node().network, path, { scope: scope ?? 'all', range, signal })
    return { cid: cid.toString() }
  }
})

import { z } from 'zod'
import { defineOp } from '../operation.js'

const range = z.strictObject({ offset: z.number().int().nonnegative(), length: z.number().int().nonnegative().optional() })

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
    target: z.string().min(1),
    scope: z.enum(['all', 'entity', 'block']).optional(),
    range: range.optional()
  }),
  run: async (ctx, { target, scope, range }, { signal }): Promise<{ cid: string }> => {
    const path = await ctx.resolve(target, { signal })
    const cid = await ctx.node().fetch(path, { scope: scope ?? 'all', range, signal })
    return { cid: cid.toString() }
  }
})

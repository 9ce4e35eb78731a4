import { z } from 'zod'
import { defineOp, only } from '../operation.js'

const range = z.strictObject({ offset: z.number().int().nonnegative(), length: z.number().int().nonnegative().optional() })

/**
 * `block/fetch`: make a block, a DAG, or a byte range of a file local,
 * fetching what the repo lacks from peers. The blocks stay in the repo,
 * unpinned (as Kubo's cache): a reader in another process then reads them
 * from the repo's files. What `prefetch` asks of the daemon. While a block
 * is awaited it reports `fetch:searching` each second; one that does not
 * come within `timeoutMs` (default 2 min) fails the fetch.
 */
export const blockFetchOp = defineOp({
  name: 'block/fetch',
  access: 'node',
  input: z.strictObject({
    target: z.string().min(1),
    scope: z.enum(['all', 'entity', 'block']).optional(),
    range: range.optional(),
    timeoutMs: z.number().int().positive().optional()
  }),
  run: async (ctx, { target, scope, range, timeoutMs }, { signal, onProgress }): Promise<{ cid: string }> => {
    const { fetchLocal, watchedBlocks } = await import('../../net/fetch.js')
    const path = await ctx.resolve(target, { signal })
    const { node, network } = ctx.node()
    const watched = watchedBlocks(network, { timeoutMs, peers: () => node.libp2p.getPeers().length, onProgress: only(['fetch:searching'], onProgress) as any })
    const cid = await fetchLocal(watched, path, { scope: scope ?? 'all', range, signal })
    return { cid: cid.toString() }
  }
})

import * as z from 'zod/mini'
import { defineOp, only } from '../operation.js'
import type { CID } from 'multiformats/cid'

const range = z.strictObject({ offset: z.int().check(z.nonnegative()), length: z.optional(z.int().check(z.nonnegative())) })

/**
 * `block/fetch`: make a block, a DAG, or a byte range of a file local,
 * fetching what the repo lacks from peers. The blocks stay in the repo,
 * unpinned (as Kubo's cache): a reader in another process then reads them
 * from the repo's files. What `prefetch` asks of the daemon. With `landed`,
 * each block is reported (`fetch:landed`, its CID) once it is in the repo,
 * so that reader can follow the fetch instead of waiting for its end.
 */
export const blockFetchOp = defineOp({
  name: 'block/fetch',
  access: 'node',
  input: z.strictObject({
    target: z.string().check(z.minLength(1)),
    scope: z.optional(z.enum(['all', 'entity', 'block'])),
    range: z.optional(range),
    timeoutMs: z.optional(z.int().check(z.positive())),
    landed: z.optional(z.boolean())
  }),
  run: async (ctx, { target, scope, range, timeoutMs, landed }, { signal, onProgress }): Promise<{ cid: string }> => {
    const path = await ctx.resolve(target, { signal })
    const onLanded = landed === true && onProgress !== undefined ? (cid: CID) => { onProgress({ type: 'fetch:landed', detail: { cid: cid.toString() } }) } : undefined
    const cid = await ctx.node().fetch(path, { scope: scope ?? 'all', range, signal, timeoutMs, onLanded, onProgress: only(['fetch:searching'], onProgress) as any })
    return { cid: cid.toString() }
  }
})

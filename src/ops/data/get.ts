import * as z from 'zod/mini'
import { defineOp, only } from '../operation.js'
import type { GetResult } from '../../data/get.js'

/**
 * `get`: save a file or tree to disk, counted first and refused whole if
 * hostile or too large (see `data/get.ts`). It runs in the caller's process,
 * which owns the output path; with a daemon, the DAG is fetched first.
 */
export const getOp = defineOp({
  name: 'get',
  access: 'read',
  input: z.strictObject({
    target: z.string().check(z.minLength(1)),
    /** Where to save; by default the last path segment, else the CID */
    output: z.optional(z.string().check(z.minLength(1))),
    maxEntries: z.optional(z.int().check(z.positive()))
  }),
  run: async (ctx, { target, output, maxEntries }, { signal, onProgress }): Promise<GetResult> => {
    const { defaultOutputName, get } = await import('../../data/get.js')
    const path = await ctx.resolve(target, { signal })
    await ctx.prefetch(path, { scope: 'all', signal })
    return await get(path, output ?? defaultOutputName(path), ctx.blocks, { signal, maxEntries, onProgress: only(['get:plan', 'get:bytes'], onProgress) as any })
  }
})

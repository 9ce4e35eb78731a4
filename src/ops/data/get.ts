import * as z from 'zod/mini'
import { defineOp, only } from '../operation.js'
import { refuseRecord } from './not-a-record.js'
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
    await refuseRecord(path, ctx.blocks, { signal })
    await ctx.prefetch(path, { scope: 'all', signal })
    return await get(path, output ?? defaultOutputName(path), ctx.blocks, { signal, maxEntries, onProgress: only(['get:plan', 'get:bytes'], onProgress) as any })
  }
})

/**
 * `get/tar`: a file or tree as a tar stream (Kubo's `get` over its RPC),
 * counted and checked first exactly as `get` checks what it writes (names,
 * repeats, `maxEntries`, path length), so a refused tree sends nothing.
 * The top entry is named as `get` names its output: the last path segment,
 * else the CID.
 */
export const getTarOp = defineOp({
  name: 'get/tar',
  access: 'read',
  bytes: true,
  input: z.strictObject({
    target: z.string().check(z.minLength(1)),
    maxEntries: z.optional(z.int().check(z.positive()))
  }),
  run: async (ctx, { target, maxEntries }, { signal }): Promise<AsyncIterable<Uint8Array>> => {
    const [{ defaultOutputName }, { planGet }, { resolveEntry }, { tarTree }] = await Promise.all([
      import('../../data/get.js'), import('../../data/get-plan.js'), import('../../data/resolve.js'), import('../../data/get-tar.js')
    ])
    const path = await ctx.resolve(target, { signal })
    await refuseRecord(path, ctx.blocks, { signal })
    await ctx.prefetch(path, { scope: 'all', signal })
    const root = await resolveEntry(path, ctx.blocks, { signal })
    const name = defaultOutputName(path)
    await planGet(root.cid, ctx.blocks, { signal, maxEntries, rootPathBytes: Buffer.byteLength(name), what: path.text })
    return tarTree(root.cid, name, ctx.blocks, { signal })
  }
})

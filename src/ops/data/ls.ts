import * as z from 'zod/mini'
import { defineOp } from '../operation.js'

/** One entry `ls` lists (size a string, or undefined for a directory) */
export interface LsJson {
  cid: string
  name: string
  type: string
  size?: string
}

/** `ls`: a directory's entries, or the one file a CID names */
export const lsOp = defineOp({
  name: 'ls',
  access: 'read',
  input: z.strictObject({ target: z.string().check(z.minLength(1)) }),
  run: async (ctx, { target }, { signal }): Promise<LsJson[]> => {
    const { ls } = await import('../../data/ls.js')
    const path = await ctx.resolve(target, { signal })
    await ctx.prefetch(path, { scope: 'entity', signal })
    const out: LsJson[] = []
    for await (const e of ls(path, ctx.blocks, { signal })) out.push({ cid: e.cid.toString(), name: e.name, type: e.type, size: e.size?.toString() })
    return out
  }
})

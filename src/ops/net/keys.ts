import * as z from 'zod/mini'
import { defineOp } from '../operation.js'

/** A key as Kubo prints it */
export interface KeyJson {
  Name: string
  Id: string
}

/** `key/gen`: a new Ed25519 key for publishing IPNS names */
export const keyGenOp = defineOp({
  name: 'key/gen',
  access: 'files',
  input: z.strictObject({ name: z.string().check(z.minLength(1)) }),
  run: async (ctx, { name }): Promise<KeyJson> => {
    await ctx.identity() // a clear "run dcx init" on a folder that is not a repo
    const key = await (await ctx.keystore()).generate(name)
    return { Name: key.name, Id: key.id }
  }
})

/** `key/list`: every key, `self` first */
export const keyListOp = defineOp({
  name: 'key/list',
  access: 'files',
  input: z.strictObject({}),
  run: async (ctx): Promise<{ Keys: KeyJson[] }> => {
    await ctx.identity()
    const keys = await (await ctx.keystore()).list()
    return { Keys: keys.map(k => ({ Name: k.name, Id: k.id })) }
  }
})

/** `key/rm`: remove a key (not `self`) */
export const keyRmOp = defineOp({
  name: 'key/rm',
  access: 'files',
  input: z.strictObject({ name: z.string().check(z.minLength(1)) }),
  run: async (ctx, { name }): Promise<{ Keys: KeyJson[] }> => {
    await ctx.identity()
    const key = await (await ctx.keystore()).remove(name)
    return { Keys: [{ Name: key.name, Id: key.id }] }
  }
})

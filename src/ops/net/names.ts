import * as z from 'zod/mini'
import { defineOp } from '../operation.js'
import type { Published } from '../../net/names.js'

/** `name/publish`: sign an IPNS record pointing a key's name at a path, and put it on the DHT (Kubo's output) */
export const namePublishOp = defineOp({
  name: 'name/publish',
  access: 'node',
  input: z.strictObject({
    value: z.string().check(z.minLength(1)),
    key: z.optional(z.string().check(z.minLength(1))),
    lifetime: z.optional(z.int().check(z.positive())),
    ttl: z.optional(z.int().check(z.positive()))
  }),
  run: async (ctx, { value, key, lifetime, ttl }, { signal }): Promise<Published> => await ctx.node().names.publish(key ?? 'self', value, { lifetime, ttl, signal })
})

/** `name/resolve`: an IPNS name (or `/ipns/<name>/path`) to the path it points at */
export const nameResolveOp = defineOp({
  name: 'name/resolve',
  access: 'node',
  input: z.strictObject({ name: z.string().check(z.minLength(1)), nocache: z.optional(z.boolean()) }),
  run: async (ctx, { name, nocache }, { signal }): Promise<{ Path: string }> => await ctx.node().names.resolve(name, { nocache, signal })
})

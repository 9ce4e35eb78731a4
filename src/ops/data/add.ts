import * as z from 'zod/mini'
import { defineOp, only } from '../operation.js'

/** One added file or directory, as Kubo's `add` reports it (`Size` a string, as Kubo's JSON has it) */
export interface AddedJson {
  cid: string
  /** The path as printed: relative to what was named, '' for a wrapping directory */
  name: string
  size: string
}

/**
 * `add`: import files and folders (absolute paths: the daemon reads them as
 * the same user) as UnixFS under Kubo's CID profiles, pin the roots once the
 * whole tree is written, and announce them when online. With `onlyHash`,
 * compute the CIDs and write nothing.
 */
export const addOp = defineOp({
  name: 'add',
  access: 'repo',
  writes: true,
  input: z.strictObject({
    paths: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
    recursive: z.optional(z.boolean()),
    wrapWithDirectory: z.optional(z.boolean()),
    hidden: z.optional(z.boolean()),
    onlyHash: z.optional(z.boolean()),
    cidVersion: z.optional(z.union([z.literal(0), z.literal(1)])),
    rawLeaves: z.optional(z.boolean()),
    chunker: z.optional(z.string()),
    pin: z.optional(z.boolean())
  }),
  run: async (ctx, { paths, onlyHash, pin, ...options }, { signal, onProgress }): Promise<AddedJson[]> => {
    const { addAndPin, discardStore } = await import('../../data/add.js')
    const repo = onlyHash === true ? undefined : ctx.repo()
    const out: AddedJson[] = []
    const roots = []
    const pins = repo !== undefined && pin !== false ? repo.pins : undefined
    for await (const added of addAndPin(paths, repo?.blockstore ?? discardStore, pins, { ...options, signal, onProgress: only(['add:bytes'], onProgress) as any })) {
      out.push({ cid: added.cid.toString(), name: added.name, size: added.size.toString() })
      if (added.root) roots.push(added.cid)
    }
    // announced once pinned, so `--on auto` elsewhere finds this peer
    if (pins !== undefined && ctx.online) for (const cid of roots) ctx.node().provide(cid)
    return out
  }
})

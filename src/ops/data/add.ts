import { z } from 'zod'
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
    paths: z.array(z.string().min(1)).min(1),
    recursive: z.boolean().optional(),
    wrapWithDirectory: z.boolean().optional(),
    hidden: z.boolean().optional(),
    onlyHash: z.boolean().optional(),
    cidVersion: z.union([z.literal(0), z.literal(1)]).optional(),
    rawLeaves: z.boolean().optional(),
    chunker: z.string().optional(),
    pin: z.boolean().optional()
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

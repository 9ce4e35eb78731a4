import * as z from 'zod/mini'
import { InvalidArgumentError } from '../../errors.js'
import { defineOp } from '../operation.js'

/** `dag/export`: the DAG under a root CID as a CARv1 stream (depth first, each block once) */
export const dagExportOp = defineOp({
  name: 'dag/export',
  access: 'read',
  bytes: true,
  input: z.strictObject({ root: z.string().check(z.minLength(1)) }),
  run: async (ctx, { root }, { signal }): Promise<AsyncIterable<Uint8Array>> => {
    const { exportCar } = await import('../../data/car/export.js')
    const path = await ctx.resolve(root, { signal })
    if (path.segments.length > 0) throw new InvalidArgumentError(`dag export takes a root CID, not a path: ${root}`)
    await ctx.prefetch(path, { scope: 'all', signal })
    return exportCar(path.cid, ctx.blocks, { signal })
  }
})

/** What `dag import` did with one CAR */
export interface ImportJson {
  file: string
  blocks: number
  roots: Array<{ cid: string, pinned: boolean, missing?: string }>
}

/**
 * `dag/import`: CAR files (absolute paths) into the repo, every block
 * re-hashed, all or nothing per file; complete roots pinned (and announced
 * when online).
 */
export const dagImportOp = defineOp({
  name: 'dag/import',
  access: 'repo',
  writes: true,
  input: z.strictObject({ files: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)), pinRoots: z.optional(z.boolean()) }),
  run: async (ctx, { files, pinRoots }, { signal, onProgress }): Promise<ImportJson[]> => {
    const { importCar } = await import('../../data/car/import.js')
    const repo = ctx.repo()
    const out: ImportJson[] = []
    for (const file of files) {
      const r = await importCar(file, repo.blockstore, repo.pins, { pinRoots: pinRoots !== false, signal, onProgress: e => onProgress?.({ type: e.type, detail: { file, ...e.detail } }) })
      for (const root of r.roots) if (root.pinned && ctx.online) ctx.node().provide(root.cid)
      out.push({ file, blocks: r.blocks, roots: r.roots.map(x => ({ cid: x.cid.toString(), pinned: x.pinned, missing: x.missing?.toString() })) })
    }
    return out
  }
})

import * as z from 'zod/mini'
import { defineOp, only } from '../operation.js'
import type { Problem } from '../../data/verify.js'

/** `repo/gc`: remove every block no pin reaches (CIDs printed as CIDv1 raw, as Kubo does) */
export const repoGcOp = defineOp({
  name: 'repo/gc',
  access: 'repo',
  writes: true,
  useReserve: true,
  input: z.strictObject({}),
  run: async (ctx, _input, { signal, onProgress }): Promise<{ removed: string[], bytes: number }> => {
    const { gc } = await import('../../data/gc.js')
    const repo = ctx.repo()
    const removed: string[] = []
    let bytes = 0
    for await (const r of gc(repo.blockstore, repo.pins, { signal })) {
      removed.push(r.cid.toString())
      bytes += r.bytes
      onProgress?.({ type: 'gc:removed', detail: { cid: r.cid.toString() } })
    }
    return { removed, bytes }
  }
})

/** What `repo stat` counts */
export interface RepoStatJson {
  numObjects: number
  repoSize: number
  pins: number
  version: number
}

/** `repo/stat`: blocks, bytes and pins */
export const repoStatOp = defineOp({
  name: 'repo/stat',
  access: 'repo',
  useReserve: true,
  input: z.strictObject({}),
  run: async (ctx, _input, { signal }): Promise<RepoStatJson> => {
    const { repoStat } = await import('../../data/verify.js')
    const repo = ctx.repo()
    const s = await repoStat(repo.blockstore, { signal })
    let pins = 0
    for await (const _ of repo.pins.ls({ signal })) pins++
    return { numObjects: s.numObjects, repoSize: s.repoSize, pins, version: repo.config.version }
  }
})

/** `repo/verify`: re-hash every block and check every pin; the problems found */
export const repoVerifyOp = defineOp({
  name: 'repo/verify',
  access: 'repo',
  // in its turn with writers, so it sees a settled repo
  writes: true,
  useReserve: true,
  input: z.strictObject({}),
  run: async (ctx, _input, { signal, onProgress }): Promise<Problem[]> => {
    const { verifyBlocks, verifyPins } = await import('../../data/verify.js')
    const repo = ctx.repo()
    const found: Problem[] = []
    for await (const p of verifyBlocks(repo.blockstore, { signal, onProgress: only(['verify:block'], onProgress) as any })) found.push(p)
    for await (const { problem } of verifyPins(repo.pins, repo.blockstore, { signal })) {
      if (problem != null) found.push({ cid: problem.cid, problem: `pin broken: ${problem.problem}` })
    }
    return found
  }
})

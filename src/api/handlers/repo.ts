import { repoStat, verifyBlocks, verifyPins } from '../../data/verify.js'
import { exclusive } from '../handler.js'
import type { Problem } from '../../data/verify.js'
import type { Handler } from '../handler.js'

/** Checking the repo the daemon holds; checks take their turn with writers so they see a settled repo */
export const repoHandlers: Record<string, Handler> = {
  '/v0/repo/verify': exclusive(async ({ jobs }, _a, _res, signal) => {
    const problems: Problem[] = []
    for await (const p of verifyBlocks(jobs.blockstore, { signal })) problems.push(p)
    for await (const { problem } of verifyPins(jobs.pins, jobs.blockstore, { signal })) {
      if (problem != null) problems.push({ cid: problem.cid, problem: `pin broken: ${problem.problem}` })
    }
    return problems
  }),
  '/v0/repo/stat': async ({ jobs }, _a, _res, signal) => {
    const s = await repoStat(jobs.blockstore, { signal })
    let pins = 0
    for await (const _ of jobs.pins.ls({ signal })) pins++
    return { numObjects: s.numObjects, repoSize: s.repoSize, pins }
  },
  '/v0/pin/verify': exclusive(async ({ jobs }, _a, _res, signal) => {
    const rows = []
    for await (const { pin, problem } of verifyPins(jobs.pins, jobs.blockstore, { signal })) rows.push({ cid: pin.cid.toString(), ok: problem == null, problem: problem?.problem })
    return rows
  })
}

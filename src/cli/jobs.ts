import { jobContext } from '../jobs/context.js'
import { readIdentity } from '../repo/repo.js'
import { withRepo } from './open.js'
import type { JobContext } from '../jobs/execute.js'
import type { RepoSession } from './open.js'

/** The repo opened for job commands: blockstore, pins, receipts, identity, module cache */
export async function withJobs<T> (root: string, command: string, fn: (ctx: Required<JobContext>, repo: RepoSession) => Promise<T>): Promise<T> {
  const identity = await readIdentity(root)
  return await withRepo(root, command, async repo => await fn(await jobContext(repo, identity), repo))
}

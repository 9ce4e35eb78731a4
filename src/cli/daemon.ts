import { connectDaemon } from '../api/client.js'
import { repoPaths } from '../repo/paths.js'
import type { DaemonClient } from '../api/client.js'

/** The daemon running on this repo, if any: commands go through it when there is one */
export async function runningDaemon (root: string): Promise<DaemonClient | undefined> {
  return await connectDaemon(repoPaths(root).api)
}

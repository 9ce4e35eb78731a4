import { NoDaemonError } from '../ops/errors.js'
import { runningDaemon } from './daemon.js'
import type { DaemonClient } from '../api/client.js'

/** The running daemon, or a clear error for commands that only make sense online */
export async function needDaemon (root: string, command: string): Promise<DaemonClient> {
  const daemon = await runningDaemon(root)
  if (daemon === undefined) throw new NoDaemonError(root, command)
  return daemon
}

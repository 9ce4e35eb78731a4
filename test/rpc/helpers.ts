import type { RunningDaemon } from '../helpers/daemon.js'

/** The RPC's base URL from the daemon's "RPC API server listening on /ip4/127.0.0.1/tcp/<port>/http" line */
export function rpcUrl (d: RunningDaemon): string {
  const m = /^RPC API server listening on \/ip4\/(127\.0\.0\.1)\/tcp\/(\d+)\/http$/m.exec(d.output())
  if (m == null) throw new Error(`no RPC API line in the daemon's output:\n${d.output()}`)
  return `http://${m[1]}:${m[2]}`
}

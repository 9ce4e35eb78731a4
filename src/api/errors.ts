import { DcxError } from '../errors.js'

/** Failures of the daemon's API: a request that is not one, a daemon that refused or broke off */

export class DaemonError extends DcxError {
  constructor (why: string) {
    super(`the daemon refused: ${why}`, 'ERR_DAEMON')
  }
}

/** A request to the daemon's API that is not one (too large, not JSON) */
export class ApiRequestError extends DcxError {
  constructor (why: string) {
    super(`bad request to the daemon: ${why}`, 'ERR_API_REQUEST', 2)
  }
}

/** Arguments that do not fit the operation's schema (from the socket, the RPC, or a caller's bug) */
export class OpArgumentsError extends DcxError {
  constructor (op: string, error: { issues: Array<{ path: PropertyKey[], message: string }> }) {
    const issue = error.issues[0]
    const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : ''
    super(`bad arguments for ${op}: ${where}${issue.message}`, 'ERR_API_ARGS', 2)
  }
}

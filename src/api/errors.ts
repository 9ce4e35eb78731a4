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

/**
 * A request the IPFS gateway answers with an HTTP error: `status` is the
 * status code the Trustless Gateway specification gives for it (400 malformed,
 * 404 not held, 406 a format not produced, 504 a retrieval that timed out...).
 */
export class GatewayRequestError extends DcxError {
  readonly status: number
  constructor (status: number, message: string) {
    super(message, `ERR_GATEWAY_${status}`)
    this.status = status
  }
}

/** The gateway cannot listen where the repo's config says */
export class GatewayListenError extends DcxError {
  constructor (address: string, why: string) {
    super(`cannot serve the gateway on ${address} (Addresses.Gateway in the repo's config.json): ${why}`, 'ERR_GATEWAY_LISTEN')
  }
}

/**
 * A Kubo RPC request answered with an error: `status` the HTTP status and
 * `kuboCode` the `Code` of Kubo's error object (`cmds.ErrorType`: 0 a command
 * that failed, 1 a request that is not one, 3 a command there is not).
 */
export class RpcRequestError extends DcxError {
  readonly status: number
  readonly kuboCode: number
  constructor (status: number, kuboCode: number, message: string) {
    super(message, `ERR_RPC_${status}`)
    this.status = status
    this.kuboCode = kuboCode
  }
}

/** The RPC API cannot listen where the repo's config says, or may not */
export class RpcListenError extends DcxError {
  constructor (address: string, why: string) {
    super(`cannot serve the RPC API on ${address} (Addresses.API in the repo's config.json): ${why}`, 'ERR_RPC_LISTEN')
  }
}

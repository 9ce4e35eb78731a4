import { DcxError } from '../errors.js'

/** Failures of running an operation: no daemon, a daemon that refused */

export class NoDaemonError extends DcxError {
  constructor (root: string, command: string) {
    super(`\`dcx ${command}\` needs a running daemon on ${root}: start \`dcx daemon\` first`, 'ERR_NO_DAEMON')
  }
}


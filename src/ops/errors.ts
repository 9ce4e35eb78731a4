import { DcxError } from '../errors.js'

/** Failures of running an operation: no daemon, a daemon that refused */

export class NoDaemonError extends DcxError {
  constructor (root: string, command: string) {
    super(`\`dcx ${command}\` needs a running daemon on ${root}: start \`dcx daemon\` first`, 'ERR_NO_DAEMON')
  }
}


/** `cat`, `ls` or `get` of a dcx record (a job spec, a receipt) or another IPLD node that is not a file or directory */
export class NotFileDataError extends DcxError {
  constructor (cid: string, what: string, show: string) {
    super(`${cid} is ${what}, not a file or directory: \`${show}\` shows it`, 'ERR_NOT_UNIXFS')
  }
}

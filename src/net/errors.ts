import { DcxError } from '../errors.js'

/** Failures of the network: peers that will not run a job, names that do not resolve */

export class NameNotFoundError extends DcxError {
  constructor (name: string, why: string) {
    super(`could not resolve ${name}: ${why}; is the publisher's daemon (or a peer that saw its record) connected?`, 'ERR_NAME_NOT_RESOLVED')
  }
}

export class NoExecutorError extends DcxError {
  constructor (why: string) {
    super(`no peer would run the job: ${why}`, 'ERR_NO_EXECUTOR')
  }
}

/** A peer did not run the job for us; the next one may */
export class ExecutorError extends DcxError {}

/** A peer said no, or answered with something we cannot accept */
export class JobRefusedError extends ExecutorError {
  constructor (peer: string, why: string) {
    super(`peer ${peer} refused the job: ${why}`, 'ERR_JOB_REFUSED')
  }
}

/** A peer went away or broke off before answering */
export class NoAnswerError extends ExecutorError {
  constructor (peer: string, why: string) {
    super(`peer ${peer} did not answer: ${why}`, 'ERR_JOB_NO_ANSWER')
  }
}

export class ReplicasDisagreeError extends DcxError {
  constructor (message: string) {
    super(message, 'ERR_REPLICAS_DISAGREE')
  }
}

/** A block the repo lacks did not arrive from peers in time */
export class BlockFetchTimeoutError extends DcxError {
  readonly cid: string
  constructor (cid: string, timeoutMs: number, peers: number) {
    const asked = peers === 0
      ? 'no peer is connected to ask (connect one with `dcx peers connect`, or list it in the config\'s Peering.Peers)'
      : `asked ${peers} connected peer${peers === 1 ? '' : 's'} and none sent it (is a peer that holds it connected? see \`dcx peers ls\`)`
    super(`block ${cid} did not arrive within ${formatMs(timeoutMs)}: ${asked}; --timeout waits longer`, 'ERR_FETCH_TIMEOUT')
    this.cid = cid
  }
}

function formatMs (ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}

/** The daemon could not listen where the config's `listen` says (a port taken, an address not on this machine) */
export class ListenFailedError extends DcxError {
  constructor (listen: string[], detail: string) {
    // libp2p lists each failed address with its reason (EADDRINUSE, EADDRNOTAVAIL)
    const reasons = [...detail.matchAll(/^\s*(\/\S+): .*?(E[A-Z]+)/gm)].map(m => `${m[1]} (${m[2] === 'EADDRINUSE' ? 'the port is taken' : m[2]})`)
    const what = reasons.length > 0 ? reasons.join(', ') : listen.join(', ')
    super(`cannot listen on ${what}: another program holds it, or the address is not this machine's; stop that program, or set another port with \`dcx config --json listen '["/ip4/127.0.0.1/tcp/<port>"]'\``, 'ERR_LISTEN_FAILED')
  }
}

/** `--on` names neither `local`, `auto` nor a peer ID: a usage error */
export class InvalidPlacementError extends DcxError {
  constructor (on: string) {
    super(`--on '${on}' is not local, auto or a peer ID (see \`dcx peers ls\`)`, 'ERR_INVALID_PLACEMENT', 2)
  }
}

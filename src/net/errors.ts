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

/* The bulk transfer path (`net/bulk/`): DAGs streamed between dcx peers as CARs */

/** A bulk request or response that does not fit the protocol's schema or limits */
export class BulkMessageError extends DcxError {
  constructor (why: string) {
    super(`malformed bulk transfer message: ${why}`, 'ERR_BULK_MESSAGE')
  }
}

/**
 * A provider failed this transfer (it refused, stalled, ended early, or sent
 * a block that is wrong or not the one the walk expects). Nothing it sent
 * that failed a check was stored; the requester goes on with the next
 * provider from where it is.
 */
export class BulkProviderError extends DcxError {
  readonly peer: string
  constructor (peer: string, why: string, code = 'ERR_BULK_PROVIDER') {
    super(`provider ${peer} ${why}`, code)
    this.peer = peer
  }
}

/** The provider sent bytes that do not hash to the CID they came under */
export class BadBlockError extends BulkProviderError {
  readonly cid: string
  constructor (peer: string, cid: string) {
    super(peer, `sent block ${cid} with bytes that do not match its hash`, 'ERR_BULK_BAD_BLOCK')
    this.cid = cid
  }
}

/** The provider sent a block other than the next one the DAG walk expects */
export class UnexpectedBlockError extends BulkProviderError {
  readonly cid: string
  constructor (peer: string, got: string, expected: string) {
    super(peer, `sent block ${got} where the DAG walk expects ${expected}`, 'ERR_BULK_UNEXPECTED_BLOCK')
    this.cid = got
  }
}

/** The peer does not speak the bulk protocol (bitswap is the way to it) */
export class NoBulkProtocolError extends BulkProviderError {
  constructor (peer: string) {
    super(peer, 'does not speak the bulk transfer protocol', 'ERR_BULK_UNSUPPORTED')
  }
}

/** A DAG larger than the bulk path walks in one transfer (`MAX_BLOCKS`) */
export class BulkLimitError extends DcxError {
  constructor (why: string) {
    super(`the bulk transfer path does not take this DAG: ${why}`, 'ERR_BULK_LIMIT')
  }
}

/** No provider gave the whole DAG, and no fallback was allowed */
export class DagNotFetchedError extends DcxError {
  readonly cid: string
  constructor (cid: string, why: string) {
    super(`could not fetch ${cid}: ${why}`, 'ERR_BULK_NOT_FETCHED')
    this.cid = cid
  }
}

/** A DAG a peer was asked to pin is larger than its pinning policy allows */
export class DagTooLargeError extends DcxError {
  constructor (cid: string, max: number) {
    super(`${cid} is larger than the ${max} bytes this peer pins for others (pinning.maxBytes)`, 'ERR_DAG_TOO_LARGE')
  }
}

/** A peer would not pin a DAG for us */
export class PinRefusedError extends DcxError {
  constructor (peer: string, why: string) {
    super(`peer ${peer} did not pin it: ${why}`, 'ERR_PIN_REFUSED')
  }
}

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

/** `--on` names neither `local`, `auto` nor a peer ID: a usage error */
export class InvalidPlacementError extends DcxError {
  constructor (on: string) {
    super(`--on '${on}' is not local, auto or a peer ID (see \`dcx peers ls\`)`, 'ERR_INVALID_PLACEMENT', 2)
  }
}

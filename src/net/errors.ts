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

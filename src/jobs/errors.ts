import { DcxError } from '../errors.js'

/** Failures of job records and their verification */

/** What a record was expected to be */
export type RecordKind = 'receipt' | 'job spec' | 'job spec or receipt'

export class NotARecordError extends DcxError {
  constructor (cid: string, kind: RecordKind, why: string) {
    const printed = kind === 'receipt' ? 'receipt' : kind === 'job spec' ? 'job' : 'job or receipt'
    super(`${cid} is not a dcx ${kind} (${why}): pass the CID that \`dcx run\` printed as ${printed}`, kind === 'receipt' ? 'ERR_NOT_A_RECEIPT' : 'ERR_NOT_A_JOB', 2)
  }
}

export class UnsupportedAbiError extends DcxError {
  constructor (abi: unknown, ours: number) {
    super(`the job was run with runtime ABI version ${String(abi)}, and this dcx runs only version ${ours}: it cannot be re-run here (use a dcx that supports that ABI)`, 'ERR_UNSUPPORTED_ABI', 2)
  }
}

/** A job could not be checked (something needed is missing); exit 2, unlike a false claim (exit 1) */
export class CannotVerifyError extends DcxError {
  constructor (why: string) {
    super(`cannot verify: ${why}`, 'ERR_CANNOT_VERIFY', 2)
  }
}

/** `cat` or `ls` of a job spec or a receipt: say what it is and what shows it */
export class IsARecordError extends DcxError {
  constructor (cid: string, kind: 'job spec' | 'receipt') {
    super(`${cid} is a dcx ${kind}, not a file or directory: \`dcx job show ${cid}\` shows it (\`dcx dag get ${cid}\` its fields as dag-json)`, 'ERR_IS_A_RECORD')
  }
}

/** `job show` or `job rm` of a CID this repo knows no job by */
export class JobNotFoundError extends DcxError {
  constructor (job: string) {
    super(`no job ${job} in this repo (nothing is pinned for it and it has no receipt): see \`dcx job ls\``, 'ERR_JOB_NOT_FOUND')
  }
}

/** A history stream's reader fell so far behind that its queue went over the bound: the stream ends rather than grow */
export class HistoryReaderBehindError extends DcxError {
  constructor (queued: number) {
    super(`the reader fell behind by over ${queued} records, so the stream ended: reconnect, and read what was missed with \`dcx job ls\``, 'ERR_HISTORY_READER_BEHIND')
  }
}

/** The daemon has as many history streams open as it allows */
export class TooManyHistoryStreamsError extends DcxError {
  constructor (max: number) {
    super(`the daemon already serves ${max} event streams, its most: close one (a page's tab) and try again`, 'ERR_TOO_MANY_STREAMS')
  }
}

/** `map/show` of a CID that is neither a map run's receipt nor its spec */
export class NotAMapRunError extends DcxError {
  constructor (cid: string, why: string) {
    super(`${cid} is not a map run's receipt or spec (${why}): pass the job or receipt \`dcx run --map\` printed`, 'ERR_NOT_A_MAP_RUN', 2)
  }
}

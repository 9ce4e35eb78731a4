import { DcxError } from '../errors.js'

/** Failures of the runtime: a module it refuses, a host that failed */

export class ModuleRejectedError extends DcxError {
  /** The offending item, e.g. `import env.foo` or `instruction i32.atomic.load` */
  readonly item: string
  constructor (item: string, why: string) {
    super(`module rejected: ${item} ${why}`, 'ERR_MODULE_REJECTED')
    this.item = item
  }
}

/**
 * The host failed in a way that says nothing about the job (a worker crashed,
 * the machine ran out of memory below the job's limit). Never a job result.
 */
export class RuntimeHostError extends DcxError {
  constructor (why: string) {
    super(`the runtime failed, not the job: ${why}; this is not a result, run it again`, 'ERR_RUNTIME_HOST', 70)
  }
}

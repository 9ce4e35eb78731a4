import type { JobContext } from '../jobs/execute.js'
import type { NameService } from '../net/names.js'
import type { DcxNode } from '../net/node.js'
import type { Keystore } from '../repo/keystore.js'
import type { ServerResponse } from 'node:http'

/** What the control API serves from */
export interface ApiContext {
  node: DcxNode
  /** The repo as a job context (local blocks, pins, receipts, identity) */
  jobs: Required<JobContext>
  names: NameService
  keystore: Keystore
}

/** One API call: JSON arguments in; a JSON value out, or undefined when it wrote the response itself */
export type Handler = (ctx: ApiContext, args: any, res: ServerResponse, signal: AbortSignal) => Promise<unknown>

let writing: Promise<unknown> = Promise.resolve()

/**
 * Writers inside the daemon take turns, as separate processes would on the
 * repo lock: an add and its pins never interleave with a gc.
 */
export function exclusive (handler: Handler): Handler {
  return async (...a) => {
    const turn = writing.then(async () => await handler(...a))
    writing = turn.catch(() => {})
    return await turn
  }
}

/** Wait for the writer running now and those queued behind it */
export async function writersDone (): Promise<void> {
  let seen
  do {
    seen = writing
    await seen
  } while (seen !== writing)
}

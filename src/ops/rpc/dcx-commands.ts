import { readJsonBody } from '../../api/rpc/call.js'
import { badRequest } from '../../api/rpc/call.js'
import { RpcRequestError } from '../../api/errors.js'
import { TooManyHistoryStreamsError } from '../../jobs/errors.js'
import { pinLsOp } from '../data/pin.js'
import { eventsOp } from '../jobs/events.js'
import { jobLsOp, jobShowOp } from '../jobs/job.js'
import { mapShowOp } from '../jobs/map.js'
import { peersRootsOp } from '../net/swarm.js'
import { runOp } from '../jobs/run.js'
import { verifyOp } from '../jobs/verify.js'
import { arg, callOp, durationOption } from './call-op.js'
import type { RpcContext } from './call-op.js'
import type { OpContext } from '../context.js'
import type { Operation } from '../operation.js'
import type { RpcAnswer, RpcCall, RpcCommand } from '../../api/rpc/call.js'

/** Largest `dcx/run` body: a module travels base64 in it (the job protocol allows 32 MiB modules) */
const MAX_RUN_BODY_BYTES = 48 * 2 ** 20

/** The output as the CLI's `--json` prints it: the operation's own JSON, one value */
function cliJson (value: unknown): RpcAnswer {
  return { type: 'json', lines: [JSON.stringify(value) + '\n'] }
}

function op<I, O> (operation: Operation<I, O>, input: (call: RpcCall) => unknown): RpcCommand<OpContext> {
  return { run: async (call, context, { signal }) => cliJson(await callOp(operation, call, context as RpcContext, input(call), { signal })) }
}

/**
 * `dcx/events`: the daemon's events, newline-delimited JSON, streamed as
 * they come; the 17th stream at once is a 503 (the daemon is busy, not the
 * request wrong)
 */
const events: RpcCommand<OpContext> = {
  run: async (call, context, { signal }) => {
    try {
      return { type: 'bytes', bytes: await callOp(eventsOp, call, context as RpcContext, {}, { signal }), contentType: 'application/x-ndjson' }
    } catch (err) {
      if (err instanceof TooManyHistoryStreamsError) throw new RpcRequestError(503, 0, err.message)
      throw err
    }
  }
}

/**
 * dcx's own verbs under Kubo's conventions, at `/api/v0/dcx/<verb>`:
 * `arg=` and options for those that take a few values, and for `run`
 * (a module, inputs, limits...) the run operation's input as a JSON body,
 * as the daemon's socket takes it. Each answers the JSON the CLI's
 * `--json` prints.
 */
export const DCX_COMMANDS: ReadonlyMap<string, RpcCommand<OpContext>> = new Map<string, RpcCommand<OpContext>>([
  ['dcx/run', {
    body: true,
    run: async (call, context, { signal }) => cliJson(await callOp(runOp, call, context as RpcContext, await readJsonBody(call.request, MAX_RUN_BODY_BYTES), { signal }))
  }],
  ['dcx/verify', op(verifyOp, call => ({ target: arg(call, 0, 'target'), job: call.option('job'), timeoutMs: durationOption(call, 'timeout'), sample: call.int('sample') }))],
  ['dcx/job/show', op(jobShowOp, call => ({ cid: arg(call, 0, 'cid'), file: call.bool('file') }))],
  ['dcx/job/ls', op(jobLsOp, call => ({ limit: call.int('limit'), status: call.option('status'), module: call.option('module'), input: call.option('input') }))],
  ['dcx/events', events],
  ['dcx/map/show', op(mapShowOp, call => ({ cid: arg(call, 0, 'cid') }))],
  ['dcx/pin/ls', {
    run: async (call, context, { signal }) => {
      const pins = await callOp(pinLsOp, call, context as RpcContext, { type: call.option('type'), name: call.option('name'), size: call.bool('size') }, { signal })
      // no `on` here: it is only in `pin add --on`'s answer
      return cliJson({ pins: pins.map(({ on: _, ...p }) => p) })
    }
  }],
  ['dcx/peers/roots', op(peersRootsOp, call => {
    if (call.args.length > 0) throw badRequest('peers/roots takes no argument: it asks about every recursive pin (the first 64)')
    return {}
  })]
])

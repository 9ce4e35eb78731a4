import { OpArgumentsError } from '../../api/errors.js'
import { badRequest } from '../../api/rpc/call.js'
import { inTurn } from '../../api/turns.js'
import { parseDuration } from '../../repo/gateway-config.js'
import type { OpContext } from '../context.js'
import type { OpOptions, Operation } from '../operation.js'
import type { CallScope } from '../../api/server.js'
import type { RpcCall } from '../../api/rpc/call.js'

/** The daemon's context for one RPC call (`daemonContext`) */
export type RpcContext = (scope: CallScope) => OpContext

/**
 * Run an operation for an RPC call exactly as the daemon's socket runs it:
 * its input checked by its schema (a 400 when it does not fit), in the
 * writers' turn when it writes, in the daemon's context for this call.
 * Kubo's `timeout` option bounds the wait for each block from peers.
 */
export async function callOp<I, O> (op: Operation<I, O>, call: RpcCall, context: RpcContext, input: unknown, options: OpOptions & { signal: AbortSignal }): Promise<O> {
  const parsed = op.input.safeParse(input)
  if (!parsed.success) throw new OpArgumentsError(op.name, parsed.error)
  const timeout = call.option('timeout')
  const fetchTimeoutMs = timeout === undefined ? undefined : parseDuration(timeout)
  if (timeout !== undefined && (fetchTimeoutMs === undefined || fetchTimeoutMs <= 0)) throw badRequest(`option "timeout" takes a duration such as "30s", not "${timeout}"`)
  const onProgress = options.onProgress ?? (() => {})
  const ctx = context({ fetchTimeoutMs, onProgress: onProgress as CallScope['onProgress'] })
  const run = async (): Promise<O> => await op.run(ctx, parsed.data, { ...options, fetchTimeoutMs })
  return op.writes === true ? await inTurn(run) : await run()
}

/** The `arg=` at `index`, required: Kubo's words when it is missing */
export function arg (call: RpcCall, index: number, name: string): string {
  const value = call.args[index]
  if (value === undefined) throw badRequest(`argument "${name}" is required`)
  return value
}

/** Every `arg=`, at least one */
export function args (call: RpcCall, name: string): string[] {
  if (call.args.length === 0) throw badRequest(`argument "${name}" is required`)
  return call.args
}

/** A Go duration option (`lifetime=24h`) in ms */
export function durationOption (call: RpcCall, name: string): number | undefined {
  const text = call.option(name)
  if (text === undefined) return undefined
  const ms = parseDuration(text)
  if (ms === undefined || ms <= 0) throw badRequest(`option "${name}" takes a duration such as "24h" or "30s", not "${text}"`)
  return ms
}

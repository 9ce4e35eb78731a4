import type { OpContext } from './context.js'
import type { AbortOptions } from 'abort-error'
import type { ProgressEvent, ProgressOptions } from 'progress-events'
import type * as z from 'zod/mini'

/**
 * Where an operation runs, which decides what its context holds:
 *
 * - `read`: here, on the repo's block files without the lock; with a daemon
 *   running, blocks the repo lacks are fetched by the daemon and `/ipns/`
 *   paths resolve through it.
 * - `files`: in the daemon when one runs, else here without the lock (the
 *   identity and keys are files, safe to read beside a daemon).
 * - `repo`: in the daemon when one runs, else here under the repo lock.
 * - `node`: only in the daemon (it needs the network).
 */
export type Access = 'read' | 'files' | 'repo' | 'node'

/** A progress event: JSON-safe, so it can cross the daemon's socket */
export type OpProgress = ProgressEvent<string, unknown>

export interface OpOptions extends AbortOptions, ProgressOptions<OpProgress> {}

/**
 * One verb, written once: a name, a typed input checked by its schema, and
 * `run`. The CLI, the daemon's socket (and the HTTP RPC and web view built on
 * it) all run this same function; where it runs is the session's choice, by
 * `access`. The output is a JSON-safe value, or with `bytes` a byte stream.
 */
export interface Operation<I = unknown, O = unknown> {
  /** Kubo's command path where Kubo has the verb (`pin/add`), else ours (`run`) */
  name: string
  /** The input's schema: what the daemon's socket or the RPC receive is checked by it */
  input: z.ZodMiniType<I>
  access: Access
  /** Takes the writers' turn in the daemon (an add and its pin never interleave with a gc) */
  writes?: boolean
  /** Offline, it may use the disk space the repo holds back (cleaning up a full disk: `repo/reserve.ts`) */
  useReserve?: boolean
  /** The output is a stream of bytes (`cat`, `dag export`) */
  bytes?: boolean
  run: (ctx: OpContext, input: I, options: OpOptions) => Promise<O>
}

/** Declares an operation, typing `run` from the schema */
export function defineOp<S extends z.ZodMiniType, O> (op: Omit<Operation<z.infer<S>, O>, 'input'> & { input: S }): Operation<z.infer<S>, O> {
  return op as Operation<z.infer<S>, O>
}

/** The input type of an operation */
export type OpInput<T> = T extends Operation<infer I, unknown> ? I : never
/** The output type of an operation */
export type OpOutput<T> = T extends Operation<unknown, infer O> ? O : never

/**
 * `onProgress` narrowed to the events an operation reports: what it calls
 * below (Helia, bitswap) emits its own events too, which are neither JSON-
 * safe nor the caller's business.
 */
export function only (types: string[], onProgress: OpOptions['onProgress']): OpOptions['onProgress'] {
  if (onProgress === undefined) return undefined
  return event => { if (types.includes(event.type)) onProgress(event) }
}

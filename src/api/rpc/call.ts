import { RpcRequestError } from '../errors.js'
import type { CallScope } from '../server.js'
import type { IncomingMessage } from 'node:http'

/** Most `arg=` values one request may carry */
export const MAX_ARGS = 256
/** Longest value of one argument or option, in characters (a path, a CID, a multiaddr) */
export const MAX_ARG_CHARS = 4096

/**
 * One Kubo RPC request as a command sees it: its positional `arg=` values
 * and its options, read as Kubo reads them (`?pin=false`, `?recursive`,
 * `?cid-version=1`), each checked; and, for the commands that take files,
 * the request itself, whose body they read.
 */
export interface RpcCall {
  /** The command path (`pin/add`) */
  command: string
  /** The `arg=` values, in order */
  args: string[]
  /** An option's value as given, or undefined */
  option: (name: string) => string | undefined
  /** A boolean option: `true`/`false`, or present without a value (true) */
  bool: (name: string) => boolean | undefined
  /** A non-negative integer option */
  int: (name: string) => number | undefined
  /** The request, for the commands that read its body */
  request: IncomingMessage
}

/** A Kubo-style 400 (`Code` 1, a request that is not one) */
export function badRequest (message: string): RpcRequestError {
  return new RpcRequestError(400, 1, message)
}

/** The `arg=` values and options of a request's query, capped in number and length */
export function parseCall (command: string, query: URLSearchParams, request: IncomingMessage): RpcCall {
  const args: string[] = []
  const options = new Map<string, string>()
  let count = 0
  for (const [key, value] of query) {
    if (++count > MAX_ARGS) throw badRequest(`too many arguments and options: at most ${MAX_ARGS}`)
    if (value.length > MAX_ARG_CHARS || key.length > MAX_ARG_CHARS) throw badRequest(`an argument or option is over ${MAX_ARG_CHARS} characters`)
    if (key === 'arg') args.push(value)
    else if (!options.has(key)) options.set(key, value)
  }
  const option = (name: string): string | undefined => options.get(name)
  return {
    command,
    args,
    option,
    bool: name => {
      const v = option(name)
      if (v === undefined) return undefined
      if (v === '' || v === 'true' || v === '1') return true
      if (v === 'false' || v === '0') return false
      throw badRequest(`option "${name}" is a boolean: give true or false, not "${v}"`)
    },
    int: name => {
      const v = option(name)
      if (v === undefined) return undefined
      if (!/^\d{1,15}$/.test(v)) throw badRequest(`option "${name}" takes a whole number, not "${v}"`)
      return Number(v)
    },
    request
  }
}

/** What a command answers: Kubo's JSON values (each a line, as `kuboLine` writes them), or bytes */
export type RpcAnswer =
  /** One JSON value, or (`stream`) a newline-delimited stream of them, as Kubo streams a command's channel output */
  | { type: 'json', lines: Iterable<string> | AsyncIterable<string>, stream?: boolean }
  /** A byte stream (`cat`, `dag export`, `get`), answered with `X-Stream-Output` */
  | { type: 'bytes', bytes: AsyncIterable<Uint8Array>, contentType?: string }

/**
 * One Kubo command the RPC serves: it reads its call, runs the daemon's
 * operation in a context made for this request (`context`), and answers
 * Kubo's JSON. The RPC does not know the operations; `ops/rpc/` maps them.
 */
export interface RpcCommand<C> {
  /** The command reads a multipart body (files) */
  body?: boolean
  run: (call: RpcCall, context: (scope: CallScope) => C, options: { signal: AbortSignal }) => Promise<RpcAnswer>
}

/** A request body that is one JSON value, at most `maxBytes` */
export async function readJsonBody (req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req) {
    size += (c as Buffer).length
    if (size > maxBytes) throw badRequest(`the request body is over ${maxBytes} bytes`)
    chunks.push(c as Buffer)
  }
  if (size === 0) throw badRequest('this command reads its input as JSON in the request body')
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw badRequest('the request body is not JSON')
  }
}

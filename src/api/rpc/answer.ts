import { errorJson } from '../server.js'
import { RpcRequestError } from '../errors.js'
import type { RpcAnswer } from './call.js'
import type { ServerResponse } from 'node:http'

/** The trailer a stream's failure is reported in, once its status is sent */
const STREAM_ERROR = 'X-Stream-Error'

/** Headers every answer carries, as Kubo's (go-ipfs-cmds) */
function common (contentType: string): Record<string, string> {
  return { 'Content-Type': contentType, Trailer: STREAM_ERROR, Vary: 'Origin', 'X-Content-Type-Options': 'nosniff' }
}

/** A failure as Kubo's error object, with its status: 400 for a request that is not one, 404 for no such command, 500 for a command that failed */
export function kuboError (caught: unknown): { status: number, body: { Message: string, Code: number, Type: 'error' } } {
  if (caught instanceof RpcRequestError) return { status: caught.status, body: { Message: caught.message, Code: caught.kuboCode, Type: 'error' } }
  const e = errorJson(caught)
  const client = e.code === 'ERR_API_ARGS' || e.exitCode === 2
  return { status: client ? 400 : 500, body: { Message: e.message, Code: client ? 1 : 0, Type: 'error' } }
}

/** Answer an error, if nothing was sent yet; else end the stream with it in the `X-Stream-Error` trailer */
export function sendError (res: ServerResponse, caught: unknown): void {
  if (res.writableEnded) return
  const { status, body } = kuboError(caught)
  if (!res.headersSent) {
    res.writeHead(status, common('application/json')).end(JSON.stringify(body) + '\n')
    return
  }
  res.addTrailers({ [STREAM_ERROR]: body.Message.replace(/[\r\n]+/g, ' ') })
  res.end()
}

/** A plain-text refusal, as Kubo words them (`403 - Forbidden`) */
export function refuse (res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', Connection: 'close' }).end(`${status} - ${text}\n`)
}

async function write (res: ServerResponse, chunk: string | Uint8Array): Promise<void> {
  if (!res.write(chunk)) {
    await new Promise<void>((resolve, reject) => {
      const closed = (): void => { reject(new Error('the client went away')) }
      res.once('close', closed)
      res.once('drain', () => { res.off('close', closed); resolve() })
    })
  }
}

/**
 * Send a command's answer as Kubo does: one JSON value as
 * `application/json`; a stream of them with `X-Chunked-Output: 1`, a value
 * a line; bytes with `X-Stream-Output: 1` as `text/plain` (so a browser
 * never renders them as a page). The first value or chunk is read before
 * the status goes out, so that a command failing at once gets its error
 * status; a failure later ends the stream with `X-Stream-Error`.
 */
export async function sendAnswer (res: ServerResponse, answer: RpcAnswer): Promise<void> {
  const source = answer.type === 'json' ? answer.lines : answer.bytes
  const it = (Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<string>)[Symbol.iterator]()) as AsyncIterator<string | Uint8Array> | Iterator<string | Uint8Array>
  let next = await it.next()
  const headers = answer.type === 'json'
    ? { ...common('application/json'), ...(answer.stream === true ? { 'X-Chunked-Output': '1' } : {}) }
    : { ...common(answer.contentType ?? 'text/plain'), 'X-Stream-Output': '1' }
  res.writeHead(200, headers)
  try {
    while (next.done !== true) {
      await write(res, next.value)
      next = await it.next()
    }
  } catch (err) {
    sendError(res, err)
    return
  }
  res.end()
}

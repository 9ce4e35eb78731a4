import { access } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { DcxError } from '../errors.js'
import { DaemonError } from './errors.js'
import { FETCH_TIMEOUT_HEADER, FRAME, readFrames } from './frames.js'
import type { IncomingMessage } from 'node:http'

/** How a call is cancelled and hears of progress (the events the operation emits) */
export interface CallOptions {
  signal?: AbortSignal
  onProgress?: (event: { type: string, detail: unknown }) => void
  /** The operation answers bytes, not a JSON value */
  bytes?: boolean
  /** How long the daemon may wait for one block the repo lacks, ms (sent as a header: it is the caller's, not the input's) */
  fetchTimeoutMs?: number
}

/** A client for a running daemon's control API */
export interface DaemonClient {
  /**
   * Run an operation in the daemon: progress events reach `onProgress`, the
   * result comes back (or, for a byte-stream operation, the bytes as they
   * arrive), and a failure is thrown with the daemon's code and exit code.
   */
  run: (name: string, input: unknown, options?: CallOptions) => Promise<unknown>
}

const decoder = new TextDecoder()

async function post (socket: string, path: string, body: unknown, signal?: AbortSignal, fetchTimeoutMs?: number): Promise<IncomingMessage> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (fetchTimeoutMs !== undefined) headers[FETCH_TIMEOUT_HEADER] = String(fetchTimeoutMs)
  return await new Promise((resolve, reject) => {
    const req = http().request({ socketPath: socket, path, method: 'POST', headers, signal }, resolve)
    req.once('error', reject)
    req.end(JSON.stringify(body ?? {}))
  })
}

function failure (payload: Uint8Array): DcxError {
  const e = JSON.parse(decoder.decode(payload))
  return new DcxError(String(e.message), String(e.code), Number(e.exitCode ?? 1))
}

/** The frames of a response: progress to `onProgress`, bytes yielded, the result returned, an error thrown */
async function * answer (res: IncomingMessage, options: CallOptions): AsyncGenerator<Uint8Array, unknown> {
  if (res.statusCode !== 200) {
    const text = Buffer.concat(await Array.fromAsync(res as AsyncIterable<Buffer>)).toString('utf8')
    let message = text
    try { message = JSON.parse(text).error.message } catch {}
    throw new DaemonError(message)
  }
  const frames = readFrames(res as AsyncIterable<Uint8Array>)
  for (;;) {
    let next: IteratorResult<{ kind: number, payload: Uint8Array }>
    try {
      next = await frames.next()
    } catch (err) {
      options.signal?.throwIfAborted()
      throw new DaemonError(`the daemon's answer broke off: ${String((err as Error)?.message ?? err)}`)
    }
    if (next.done === true) break
    const { kind, payload } = next.value
    switch (kind) {
      case FRAME.progress: options.onProgress?.(JSON.parse(decoder.decode(payload))); break
      case FRAME.bytes: yield payload; break
      case FRAME.error: throw failure(payload)
      case FRAME.result: return JSON.parse(decoder.decode(payload))
    }
  }
  throw new DaemonError('the daemon closed the connection without an answer (did it stop?)')
}

/**
 * The daemon running on a repo, or undefined when none is: no socket, or a
 * socket nobody answers on (left by a daemon that was killed).
 */
/**
 * `node:http`, required rather than imported: an ESM import of it builds its
 * ESM namespace, which evaluates its lazy exports and loads Node's bundled
 * undici, about 50 ms of every command's start (docs/rationale.md)
 */
function http (): typeof import('node:http') {
  return createRequire(import.meta.url)('node:http')
}

export async function connectDaemon (socket: string): Promise<DaemonClient | undefined> {
  try {
    await access(socket)
  } catch {
    return undefined
  }
  try {
    const res = await post(socket, '/v0/ping', {})
    res.resume()
    if (res.statusCode !== 200) return undefined
  } catch (err: any) {
    if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') return undefined
    throw err
  }
  return {
    run: async (name, input, options = {}) => {
      let res: IncomingMessage
      try {
        res = await post(socket, `/v0/op/${name}`, input, options.signal, options.fetchTimeoutMs)
      } catch (err: any) {
        options.signal?.throwIfAborted()
        throw new DaemonError(`cannot reach the daemon: ${String(err?.message ?? err)}`)
      }
      const frames = answer(res, options)
      if (options.bytes === true) return frames
      for (;;) {
        const next = await frames.next()
        if (next.done === true) return next.value
      }
    }
  }
}

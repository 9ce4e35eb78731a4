import { chmod, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { DcxError, storageFailure } from '../errors.js'
import { ApiRequestError, OpArgumentsError } from './errors.js'
import { FETCH_TIMEOUT_HEADER, FRAME, frame, jsonFrame } from './frames.js'
import { inTurn } from './turns.js'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'

/** Largest request body: a module travels base64 in a run request (the job protocol allows 32 MiB) */
const MAX_BODY_BYTES = 48 * 2 ** 20
const OP_PREFIX = '/v0/op/'

async function body (req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req) {
    size += (c as Buffer).length
    if (size > MAX_BODY_BYTES) throw new ApiRequestError(`the request is over ${MAX_BODY_BYTES} bytes`)
    chunks.push(c as Buffer)
  }
  if (chunks.length === 0) return {}
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new ApiRequestError('the request body is not JSON')
  }
}

/** What a failure looks like on the wire: our errors whole (code, message, exit code), anything else one line */
export function errorJson (caught: unknown): { code: string, message: string, exitCode: number } {
  const err: any = storageFailure(caught) ?? caught
  if (err instanceof DcxError) return { code: err.code, message: err.message, exitCode: err.exitCode }
  if (err?.name === 'AbortError') return { code: 'ERR_ABORTED', message: 'interrupted', exitCode: 130 }
  return { code: 'ERR_INTERNAL', message: `unexpected error in the daemon: ${String(err?.message ?? err).split('\n')[0]}`, exitCode: 70 }
}

async function write (res: ServerResponse, bytes: Uint8Array): Promise<void> {
  if (!res.write(bytes)) await new Promise(resolve => res.once('drain', resolve))
}

/**
 * What the API serves: a named call with a schema for its input (zod's
 * `safeParse` shape), run in a context the daemon provides. The operations
 * of `ops/` are these; the API does not know them.
 */
export interface Served<C> {
  name: string
  input: { safeParse: (value: unknown) => { success: true, data: unknown } | { success: false, error: { issues: Array<{ path: PropertyKey[], message: string }> } } }
  /** Takes the writers' turn */
  writes?: boolean
  /** Answers a byte stream */
  bytes?: boolean
  run: (ctx: C, input: any, options: { signal: AbortSignal, onProgress: (event: { type: string, detail: unknown }) => void }) => Promise<unknown>
}

/** What one request asks beside its input, and where its progress goes: what a context is made for */
export interface CallScope {
  /** How long to wait for one block the repo lacks, ms (the caller's `--timeout`) */
  fetchTimeoutMs?: number
  onProgress: (event: { type: string, detail: unknown }) => void
}

/** Run one call for a request and stream its frames */
async function serve<C> (op: Served<C>, context: (scope: CallScope) => C, input: unknown, req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const parsed = op.input.safeParse(input)
  if (!parsed.success) throw new OpArgumentsError(op.name, parsed.error)
  const onProgress = (event: { type: string, detail: unknown }): void => {
    if (res.writableEnded) return
    let bytes: Uint8Array
    try {
      bytes = jsonFrame(FRAME.progress, { type: event.type, detail: event.detail })
    } catch {
      return // an event that is not JSON (a bug in what emitted it) is not worth failing the call for
    }
    res.write(bytes)
  }
  const timeout = Number(req.headers[FETCH_TIMEOUT_HEADER])
  const ctx = context({ onProgress, fetchTimeoutMs: Number.isSafeInteger(timeout) && timeout > 0 ? timeout : undefined })
  const run = async (): Promise<unknown> => await op.run(ctx, parsed.data, { signal, onProgress })
  const result = op.writes === true ? await inTurn(run) : await run()
  if (op.bytes === true) {
    for await (const chunk of result as AsyncIterable<Uint8Array>) await write(res, frame(FRAME.bytes, chunk))
    res.end(jsonFrame(FRAME.result, null))
  } else {
    res.end(jsonFrame(FRAME.result, result ?? null))
  }
}

/**
 * The daemon's control API: every call in `ops`, over HTTP on a Unix
 * socket inside the repo (mode 0600 in a 0700 repo, so only the repo's owner
 * can reach it). `POST /v0/op/<name>` with the input as JSON answers a stream
 * of frames (`api/frames.ts`): progress, then the result (or bytes), or the
 * error with its code and exit code, so a command run through the daemon
 * shows and fails as it would offline. `POST /v0/ping` says the daemon is up.
 */
export async function startApi<C> (path: string, ops: ReadonlyMap<string, Served<C>>, context: (scope: CallScope) => C): Promise<Server> {
  await rm(path, { force: true })
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/v0/ping') { res.writeHead(200, { 'content-type': 'application/json' }).end('{}'); return }
    const op = req.method === 'POST' && req.url?.startsWith(OP_PREFIX) === true ? ops.get(req.url.slice(OP_PREFIX.length)) : undefined
    if (op === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'ERR_API_NOT_FOUND', message: `no API call ${req.method} ${req.url}` } }))
      return
    }
    const aborter = new AbortController()
    res.on('close', () => aborter.abort())
    res.writeHead(200, { 'content-type': 'application/x-dcx-frames' })
    body(req)
      .then(async input => await serve(op, context, input, req, res, aborter.signal))
      .catch((caught: unknown) => { if (!res.writableEnded) res.end(jsonFrame(FRAME.error, errorJson(caught))) })
  })
  const old = process.umask(0o177)
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve))
  } finally {
    process.umask(old)
  }
  await chmod(path, 0o600)
  return server
}

// The page's one way to the daemon: Kubo's RPC (POST /api/v0/<command>) on
// the origin that served it, with the API token when the user gave one.
import type { DcxEvent } from './types.js'

const TOKEN_KEY = 'dcx-api-token'

/**
 * How long the daemon waits for each block a view asks about and the repo
 * lacks (Kubo's `timeout` option): a CID no peer has ends in an error line,
 * not a page that says "Loading" for ever
 */
export const FETCH_TIMEOUT = '30s'

/** The API refused the call (403): it wants a token, or another one */
export class NeedTokenError extends Error {
  constructor () {
    super('the API asks for a token')
  }
}

/** A call the daemon answered with an error */
export class ApiError extends Error {
  constructor (readonly status: number, message: string) {
    super(message)
  }
}

let tokenWanted: (() => void) | undefined

/** Tell the page when a call was refused for want of a token */
export function onTokenWanted (listener: () => void): void {
  tokenWanted = listener
}

/** The token the user typed this session, if any */
export function token (): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined
}

/** Keep a token for this tab's session (not across restarts: it opens the whole repo) */
export function setToken (value: string): void {
  sessionStorage.setItem(TOKEN_KEY, value)
}

type Param = string | number | boolean | undefined | string[]

function url (command: string, params: Record<string, Param>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue
    for (const one of Array.isArray(v) ? v : [v]) q.append(k, String(one))
  }
  const s = q.toString()
  return `/api/v0/${command}${s === '' ? '' : `?${s}`}`
}

/** Kubo's error object (`{"Message","Code","Type":"error"}`) or a plain-text refusal, as one readable line */
async function errorText (res: Response): Promise<string> {
  const text = (await res.text()).trim()
  try {
    const body = JSON.parse(text) as { Message?: unknown }
    if (typeof body.Message === 'string') return body.Message
  } catch {}
  return text === '' ? `${res.status} ${res.statusText}` : text
}

/**
 * POST one command. A 403 asks the page for a token and throws
 * `NeedTokenError`; any other failure throws `ApiError` with the daemon's
 * message.
 */
export async function call (command: string, params: Record<string, Param> = {}, init: { body?: FormData, signal?: AbortSignal } = {}): Promise<Response> {
  const headers: Record<string, string> = {}
  const t = token()
  if (t !== undefined) headers.Authorization = `Bearer ${t}`
  const res = await fetch(url(command, params), { method: 'POST', headers, body: init.body, signal: init.signal, cache: 'no-store' })
  if (res.status === 403) {
    await res.body?.cancel()
    tokenWanted?.()
    throw new NeedTokenError()
  }
  if (!res.ok) throw new ApiError(res.status, `${command}: ${await errorText(res)}`)
  return res
}

/** A command answering one JSON value */
export async function json<T> (command: string, params: Record<string, Param> = {}, init: { body?: FormData, signal?: AbortSignal } = {}): Promise<T> {
  return await (await call(command, params, init)).json() as T
}

/** The JSON values of a newline-delimited stream, as they arrive */
export async function * lines<T> (res: Response): AsyncGenerator<T> {
  if (res.body === null) return
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  let rest = ''
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      rest += value
      let nl: number
      while ((nl = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, nl).trim()
        rest = rest.slice(nl + 1)
        if (line !== '') yield JSON.parse(line) as T
      }
    }
    if (rest.trim() !== '') yield JSON.parse(rest) as T
  } finally {
    reader.releaseLock()
  }
}

/** A streaming command's values, all of them */
export async function jsonLines<T> (command: string, params: Record<string, Param> = {}, init: { body?: FormData, signal?: AbortSignal } = {}): Promise<T[]> {
  const out: T[] = []
  for await (const v of lines<T>(await call(command, params, init))) out.push(v)
  return out
}

/** The first `length` bytes of a file (`cat`), as text */
export async function head (path: string, length: number, signal?: AbortSignal): Promise<string> {
  return await (await call('cat', { arg: path, length, timeout: FETCH_TIMEOUT }, { signal })).text()
}

/** A file's bytes (`cat`), for a download */
export async function blob (path: string, signal?: AbortSignal): Promise<Blob> {
  return await (await call('cat', { arg: path, timeout: FETCH_TIMEOUT }, { signal })).blob()
}

/** How long to wait before reconnecting: from 1 s, doubling, at most 15 s */
const RETRY_MS = [1000, 2000, 4000, 8000, 15_000]
/** The daemon pings every 15 s: this long without a line means the stream is dead */
const SILENCE_MS = 40_000

/**
 * Follow `dcx/events` until `signal` aborts, reconnecting after a drop.
 * `onState` says whether the stream is live; each `hello` (the first, and
 * after each reconnect) is the moment to reload what may have been missed.
 */
export function watchEvents (onEvent: (e: DcxEvent) => void, onState: (live: boolean) => void, signal: AbortSignal): void {
  const loop = async (): Promise<void> => {
    let failures = 0
    while (!signal.aborted) {
      const attempt = new AbortController()
      const stop = (): void => { attempt.abort() }
      signal.addEventListener('abort', stop)
      let timer: ReturnType<typeof setTimeout> | undefined
      const quiet = (): void => { clearTimeout(timer); timer = setTimeout(stop, SILENCE_MS) }
      try {
        quiet()
        for await (const e of lines<DcxEvent>(await call('dcx/events', {}, { signal: attempt.signal }))) {
          quiet()
          if (e.type === 'hello') { failures = 0; onState(true) }
          onEvent(e)
        }
      } catch (err) {
        // without a token nothing will work until the user gives one; the page re-mounts then
        if (err instanceof NeedTokenError) return
      } finally {
        clearTimeout(timer)
        signal.removeEventListener('abort', stop)
      }
      if (signal.aborted) return
      onState(false)
      await new Promise(resolve => setTimeout(resolve, RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]))
    }
  }
  void loop()
}

import { HistoryReaderBehindError, TooManyHistoryStreamsError } from './errors.js'
import type { JobHistory, JobRecord } from './history.js'
import type { AbortOptions } from 'abort-error'

/** Streams of the history a daemon serves at once: each holds a connection and a listener */
export const MAX_HISTORY_STREAMS = 16
/**
 * Records one stream may hold for a reader that has not taken them: past
 * this the stream ends (`HistoryReaderBehindError`) rather than grow. A
 * record is under 1 KB, so a stream holds at most about 1 MB.
 */
export const MAX_QUEUED_RECORDS = 1024
/** How often an idle stream says it is alive, so proxies keep it and a reader sees it is */
export const PING_MS = 15_000

/** What a history stream yields */
export type HistoryEvent = { type: 'job', record: JobRecord } | { type: 'ping' }

export interface FollowOptions extends AbortOptions {
  /** Most records held for a slow reader (default `MAX_QUEUED_RECORDS`) */
  maxQueued?: number
  /** Between pings, ms (default `PING_MS`) */
  pingMs?: number
}

/**
 * Each record the history writes from now on, as it is written, and a
 * ping when `pingMs` passes with nothing to say; until the signal aborts
 * or the history closes. At most `MAX_HISTORY_STREAMS` follow one history
 * (`TooManyHistoryStreamsError` for the next, at once). A reader more than
 * `maxQueued` records behind gets `HistoryReaderBehindError`: the queue
 * never grows past the bound.
 */
export function followHistory (history: JobHistory, options: FollowOptions = {}): AsyncGenerator<HistoryEvent> {
  if (history.listening >= MAX_HISTORY_STREAMS) throw new TooManyHistoryStreamsError(MAX_HISTORY_STREAMS)
  const maxQueued = options.maxQueued ?? MAX_QUEUED_RECORDS
  const queue: JobRecord[] = []
  let ended = false
  let behind = false
  let wake: (() => void) | undefined
  const poke = (): void => { const w = wake; wake = undefined; w?.() }
  const stop = history.listen({
    record: r => {
      if (behind) return
      if (queue.length >= maxQueued) {
        behind = true
        queue.length = 0
      } else {
        queue.push(r)
      }
      poke()
    },
    end: () => { ended = true; poke() }
  })
  // a reader that goes away before it reads stops listening all the same
  const onAbort = (): void => { ended = true; stop(); poke() }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  // listening starts at the call, not at the first read: a record written in between is not missed
  return (async function * () {
    try {
      while (true) {
        if (behind) throw new HistoryReaderBehindError(maxQueued)
        const next = queue.shift()
        if (next !== undefined) {
          yield { type: 'job', record: next }
          continue
        }
        if (ended) return
        let timer: NodeJS.Timeout | undefined
        const pinged = await new Promise<boolean>(resolve => {
          wake = () => { resolve(false) }
          timer = setTimeout(() => { wake = undefined; resolve(true) }, options.pingMs ?? PING_MS)
        })
        clearTimeout(timer)
        if (pinged && !ended) yield { type: 'ping' }
      }
    } finally {
      stop()
      options.signal?.removeEventListener('abort', onAbort)
    }
  })()
}

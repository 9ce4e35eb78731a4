import { MemoryDatastore } from 'datastore-core'
import { describe, expect, it } from 'vitest'
import { HistoryReaderBehindError, TooManyHistoryStreamsError } from '../../src/jobs/errors.js'
import { followHistory, MAX_HISTORY_STREAMS } from '../../src/jobs/history-feed.js'
import { JobHistory } from '../../src/jobs/history.js'
import type { JobRecord } from '../../src/jobs/history.js'

// The daemon's events stream rests on this: every record the history writes
// reaches each follower, and none can make the daemon hold more than its bound.

function record (n: number): JobRecord {
  return {
    time: new Date(1_700_000_000_000 + n).toISOString(), job: `job-${n}`, module: 'm', name: 'n', inputs: [], status: 'exit', exitCode: 0,
    trap: null, receipt: null, output: null, executor: null, via: 'local', durationMs: 1
  }
}

describe('following the job history', () => {
  it('yields each record written after it starts, in order, and pings when quiet', async () => {
    const history = new JobHistory(new MemoryDatastore())
    await history.add(record(0))
    const feed = followHistory(history, { pingMs: 20 })
    await history.add(record(1))
    await history.add(record(2))
    expect(await feed.next()).toEqual({ done: false, value: { type: 'job', record: record(1) } })
    expect(await feed.next()).toEqual({ done: false, value: { type: 'job', record: record(2) } })
    expect(await feed.next()).toEqual({ done: false, value: { type: 'ping' } })
    await feed.return(undefined)
    expect(history.listening).toBe(0)
  })

  it('a reader more than maxQueued behind gets HistoryReaderBehindError, and the queue stops growing', async () => {
    const history = new JobHistory(new MemoryDatastore())
    const feed = followHistory(history, { maxQueued: 3 })
    for (let i = 0; i < 10; i++) await history.add(record(i))
    await expect(feed.next()).rejects.toBeInstanceOf(HistoryReaderBehindError)
    expect(history.listening).toBe(0)
  })

  it('at most MAX_HISTORY_STREAMS follow one history; closing the history ends them, and an aborted one stops listening', async () => {
    const history = new JobHistory(new MemoryDatastore())
    const aborter = new AbortController()
    const feeds = Array.from({ length: MAX_HISTORY_STREAMS }, (_, i) => followHistory(history, i === 0 ? { signal: aborter.signal } : {}))
    expect(() => followHistory(history)).toThrow(TooManyHistoryStreamsError)
    // never read, and aborted: its place is free at once
    aborter.abort()
    expect(history.listening).toBe(MAX_HISTORY_STREAMS - 1)
    const waiting = feeds.slice(1).map(async f => await f.next())
    history.close()
    expect((await Promise.all(waiting)).every(r => r.done === true)).toBe(true)
    expect(history.listening).toBe(0)
  })
})

import { randomBytes } from 'node:crypto'
import { Key } from 'interface-datastore'
import type { AbortOptions } from 'abort-error'
import type { Datastore } from 'interface-datastore'

/** One `dcx run` that gave an answer: a run here, a run on a peer, or a receipt found in the repo */
export interface JobRecord {
  /** When the answer came, ISO 8601 UTC */
  time: string
  job: string
  /** The module's CID and the name it ran as (argv[0]) */
  module: string
  name: string
  inputs: Array<{ cid: string, path: string }>
  /** `exit`, `out-of-fuel`, `stack-exhausted`, `trap` or `timeout` */
  status: string
  exitCode: number | null
  trap: string | null
  receipt: string | null
  output: string | null
  /** Peer ID of the peer that ran it (null for a timeout, which has no receipt) */
  executor: string | null
  /**
   * `local`, `remote` (on a peer), `cached` (answered from an earlier
   * receipt), or `map` (a `run --map`: `job` is the run's spec, `receipt`
   * its requester-signed receipt, `inputs` the input directory at /inputs)
   */
  via: 'local' | 'remote' | 'cached' | 'map'
  /** How long the run took (null for a cached answer) */
  durationMs: number | null
}

/**
 * How many runs the history keeps: the oldest go first. A record is about
 * 600 bytes, so the history stays under about 6 MB of LevelDB.
 */
export const HISTORY_ENTRIES = 10_000

const PREFIX = '/job-history/'
/** Larger than any millisecond time for the next 30,000 years: keys sort newest first */
const FAR = 1e15

function historyKey (time: Date): Key {
  const inverted = String(FAR - time.getTime()).padStart(16, '0')
  // two runs in one millisecond each keep their own key
  return new Key(`${PREFIX}${inverted}-${randomBytes(4).toString('hex')}`)
}

/** Told of each record as it is written, and when the history closes (the daemon stops) */
export interface HistoryListener {
  record: (record: JobRecord) => void
  end: () => void
}

/**
 * The repo's run history, newest first, in the LevelDB datastore: written by
 * the `run` and `map` operations (the places every run passes, offline or
 * through the daemon) when a run gives an answer, and bounded to
 * `HISTORY_ENTRIES`. In the daemon one history serves every call, so its
 * listeners (the RPC's event streams) hear of every run the daemon records.
 */
export class JobHistory {
  private readonly listeners = new Set<HistoryListener>()
  private closed = false

  constructor (private readonly datastore: Pick<Datastore, 'put' | 'delete' | 'query' | 'queryKeys'>) {}

  /** Record a run, tell the listeners, then drop what is past the bound */
  async add (record: JobRecord, options: AbortOptions = {}): Promise<void> {
    await this.datastore.put(historyKey(new Date(record.time)), new TextEncoder().encode(JSON.stringify(record)), options)
    for (const l of this.listeners) l.record(record)
    for await (const key of this.datastore.queryKeys({ prefix: PREFIX, offset: HISTORY_ENTRIES }, options)) {
      await this.datastore.delete(key, options)
    }
  }

  /**
   * Hear of each record written from now on, until the returned function is
   * called or the history closes (then `end`). A listener must not block:
   * it is called in the writer's turn.
   */
  listen (listener: HistoryListener): () => void {
    if (this.closed) {
      listener.end()
      return () => {}
    }
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  /** How many listen now */
  get listening (): number {
    return this.listeners.size
  }

  /** End every listener, and any that come later (the daemon is stopping) */
  close (): void {
    this.closed = true
    for (const l of this.listeners) l.end()
    this.listeners.clear()
  }

  /** Every record, newest first */
  async * ls (options: AbortOptions = {}): AsyncGenerator<JobRecord> {
    for await (const { value } of this.datastore.query({ prefix: PREFIX }, options)) {
      yield JSON.parse(new TextDecoder().decode(value)) as JobRecord
    }
  }

  /** Forget every record of one job; how many there were */
  async forget (job: string, options: AbortOptions = {}): Promise<number> {
    let n = 0
    for await (const { key, value } of this.datastore.query({ prefix: PREFIX }, options)) {
      if ((JSON.parse(new TextDecoder().decode(value)) as JobRecord).job !== job) continue
      await this.datastore.delete(key, options)
      n++
    }
    return n
  }
}

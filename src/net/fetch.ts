import { cat } from '../data/cat.js'
import { BlockFetchTimeoutError } from './errors.js'
import { resolveEntry } from '../data/resolve.js'
import { walkDag } from '../data/walk.js'
import type { CidPath } from '../data/cid-path.js'
import type { BlockAccess } from '../repo/blockstore.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'
import type { ProgressEvent, ProgressOptions } from 'progress-events'

/**
 * How long a block the repo lacks may take to arrive from peers before a
 * read gives up. Kubo waits forever, which leaves a user who asked for a
 * CID no peer has staring at nothing; two minutes is long enough for a DHT
 * search on a LAN and a slow peer, and `--timeout` changes it.
 */
export const DEFAULT_FETCH_TIMEOUT_MS = 2 * 60_000

/** How often a read still waiting for a block says so */
const SEARCH_REPORT_MS = 1000

/** A block has been asked of peers and has not come yet */
export type SearchProgress = ProgressEvent<'fetch:searching', { cid: string, peers: number, elapsedMs: number }>

export interface WaitOptions extends ProgressOptions<SearchProgress> {
  /** How long one missing block may take (default `DEFAULT_FETCH_TIMEOUT_MS`) */
  timeoutMs?: number
  /** How many peers are asked: bitswap sends its wants to every connected peer */
  peers?: () => number
  /** Told of each block once it is in the repo (read from it, or fetched and written), for a reader following the fetch */
  onLanded?: (cid: CID) => void
}

/**
 * A network-backed store whose reads of missing blocks are watched: while
 * one waits, a `fetch:searching` event each second says for what and how
 * many peers were asked; past the timeout it fails with
 * `BlockFetchTimeoutError`. Blocks the repo holds are read as before.
 */
export function watchedBlocks (network: BlockAccess, options: WaitOptions): BlockAccess {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS
  const peers = options.peers ?? (() => 0)
  const getBytes = async (cid: CID, opts: AbortOptions = {}): Promise<Uint8Array> => {
    const bytes = await watchedGet(cid, opts)
    options.onLanded?.(cid)
    return bytes
  }
  const watchedGet = async (cid: CID, opts: AbortOptions): Promise<Uint8Array> => {
    if (await network.has(cid, opts)) return await network.getBytes(cid, opts)
    const started = Date.now()
    const timeout = AbortSignal.timeout(timeoutMs)
    const report = (): void => options.onProgress?.({ type: 'fetch:searching', detail: { cid: cid.toString(), peers: peers(), elapsedMs: Date.now() - started } })
    const ticker = setInterval(report, SEARCH_REPORT_MS)
    try {
      return await network.getBytes(cid, { ...opts, signal: opts.signal === undefined ? timeout : AbortSignal.any([opts.signal, timeout]) })
    } catch (err) {
      if (timeout.aborted && opts.signal?.aborted !== true) throw new BlockFetchTimeoutError(cid.toString(), timeoutMs, peers())
      throw err
    } finally {
      clearInterval(ticker)
    }
  }
  return {
    getBytes,
    has: async (cid, opts) => await network.has(cid, opts),
    put: async (cid, bytes, opts) => await network.put(cid, bytes, opts),
    get: async function * (cid: CID, opts?: AbortOptions) { yield await getBytes(cid, opts) } as any
  }
}

export interface FetchOptions extends AbortOptions {
  /** `block`: the one block; `entity`: a file's blocks (or a range of them) or a directory's own; `all`: the whole DAG */
  scope: 'all' | 'entity' | 'block'
  /** With `entity` on a file: only the blocks holding these bytes */
  range?: { offset: number, length?: number }
}

/**
 * Make what `target` names local, through a network-backed store (blocks
 * it lacks are fetched from peers and kept): the path is resolved, then the
 * scope's blocks are read, several at a time. Returns the CID the path
 * names.
 */
export async function fetchLocal (network: BlockAccess, target: CidPath, options: FetchOptions): Promise<CID> {
  if (options.scope === 'block' && target.segments.length === 0) {
    await network.getBytes(target.cid, options)
    return target.cid
  }
  const entry = await resolveEntry(target, network, options)
  if (options.scope === 'all') {
    await walkDag(entry.cid, network, { signal: options.signal, readLeaves: true })
  } else if (options.scope === 'entity' && (entry.type === 'file' || entry.type === 'raw')) {
    // reading the range through the store fetches exactly its blocks, a window at a time
    for await (const _ of cat({ cid: entry.cid, segments: [], text: entry.cid.toString() }, network, { ...options.range, signal: options.signal, window: 32 })) {}
  }
  return entry.cid
}

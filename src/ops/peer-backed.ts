import { RepoBlockstore } from '../repo/blockstore.js'
import { BlockNotFoundError } from '../repo/errors.js'
import type { DaemonClient } from '../api/client.js'
import type { FetchUnderWay } from './fetch-under-way.js'
import type { FetchScope } from './local.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/**
 * The repo's block files with the daemon behind them, for operations that
 * read in this process while a daemon runs: a block that is not here is
 * fetched from peers by the daemon, which writes it into this same repo, and
 * is then read from disk like any other. While a fetch started by
 * `prefetch` runs, a missing block is waited for until that fetch lands it
 * (reading follows the fetch, and nothing is asked for twice); only what it
 * did not bring is asked for one block at a time.
 */
export class PeerBackedBlockstore extends RepoBlockstore {
  private readonly fetches = new Set<FetchUnderWay>()

  constructor (dir: string, private readonly daemon: DaemonClient, private readonly fetching: FetchScope = {}) {
    super(dir)
  }

  /** Read behind `fetch` until it ends */
  follow (fetch: FetchUnderWay): void {
    this.fetches.add(fetch)
    fetch.done.catch(() => {}).finally(() => this.fetches.delete(fetch)).catch(() => {})
  }

  /** Wait for every followed fetch; the first that failed throws its error */
  async settled (): Promise<void> {
    for (const fetch of [...this.fetches]) await fetch.done
  }

  override async getBytes (cid: CID, options?: AbortOptions): Promise<Uint8Array> {
    try {
      return await super.getBytes(cid, options)
    } catch (err) {
      if (!(err instanceof BlockNotFoundError)) throw err
    }
    for (const fetch of [...this.fetches]) {
      if (await fetch.until(cid, async () => await this.has(cid, options), options)) return await super.getBytes(cid, options)
    }
    await this.daemon.run('block/fetch', { target: cid.toString(), scope: 'block', timeoutMs: this.fetching.timeoutMs }, { signal: options?.signal, onProgress: this.fetching.onProgress as any })
    return await super.getBytes(cid, options)
  }
}

import { RepoBlockstore } from '../repo/blockstore.js'
import { BlockNotFoundError } from '../repo/errors.js'
import type { DaemonClient } from '../api/client.js'
import type { FetchScope } from './local.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/**
 * The repo's block files with the daemon behind them, for operations that
 * read in this process while a daemon runs: a block that is not here is
 * fetched from peers by the daemon, which writes it into this same repo, and
 * is then read from disk like any other.
 */
export class PeerBackedBlockstore extends RepoBlockstore {
  constructor (dir: string, private readonly daemon: DaemonClient, private readonly fetching: FetchScope = {}) {
    super(dir)
  }

  override async getBytes (cid: CID, options?: AbortOptions): Promise<Uint8Array> {
    try {
      return await super.getBytes(cid, options)
    } catch (err) {
      if (!(err instanceof BlockNotFoundError)) throw err
    }
    await this.daemon.run('block/fetch', { target: cid.toString(), scope: 'block', timeoutMs: this.fetching.timeoutMs }, { signal: options?.signal, onProgress: this.fetching.onProgress as any })
    return await super.getBytes(cid, options)
  }
}

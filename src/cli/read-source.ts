import { parseCidPath } from '../data/cid-path.js'
import { BlockNotFoundError } from '../repo/errors.js'
import { openBlockRepo } from '../repo/block-repo.js'
import { RepoBlockstore } from '../repo/blockstore.js'
import { runningDaemon } from './daemon.js'
import type { DaemonClient } from '../api/client.js'
import type { CidPath } from '../data/cid-path.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/**
 * The repo's block files with the daemon behind them: a block that is not
 * here is fetched from peers by the daemon (bitswap), which writes it into
 * this same repo, and is then read from disk like any other.
 */
class PeerBackedBlockstore extends RepoBlockstore {
  constructor (dir: string, private readonly daemon: DaemonClient) {
    super(dir)
  }

  override async getBytes (cid: CID, options?: AbortOptions): Promise<Uint8Array> {
    try {
      return await super.getBytes(cid, options)
    } catch (err) {
      if (!(err instanceof BlockNotFoundError)) throw err
    }
    await this.daemon.call('/v0/block/fetch', { cid: cid.toString() })
    return await super.getBytes(cid, options)
  }
}

/** What a reading command (get, ls, dag export) reads from */
export interface ReadSource {
  target: CidPath
  blockstore: RepoBlockstore
  /** A daemon is running: missing blocks come from peers */
  online: boolean
}

/**
 * Open the repo for a reading command. Offline it reads the repo's files and
 * fetches nothing; with a daemon running, `/ipns/` paths are resolved and
 * blocks the repo lacks are fetched from peers, and the output is the same.
 */
export async function openReadSource (root: string, text: string): Promise<ReadSource> {
  const { paths, blockstore } = await openBlockRepo(root)
  const daemon = await runningDaemon(root)
  if (daemon === undefined) return { target: parseCidPath(text), blockstore, online: false }
  const resolved = text.startsWith('/ipns/') ? (await daemon.call<{ Path: string }>('/v0/name/resolve', { name: text })).Path : text
  return { target: { ...parseCidPath(resolved), text }, blockstore: new PeerBackedBlockstore(paths.blocks, daemon), online: true }
}

import { DagNotFetchedError, BulkLimitError } from '../errors.js'
import { fetchLocal } from '../fetch.js'
import { ensureLocal, fileRange } from './ensure-local.js'
import type { EnsureLocalOptions } from './ensure-local.js'
import type { CidPath } from '../../data/cid-path.js'
import type { BlockAccess } from '../../repo/blockstore.js'
import type { FetchOptions } from '../fetch.js'
import type { DcxNode } from '../node.js'
import type { PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

export interface FetchFromPeersOptions extends FetchOptions {
  /** Peers to ask first over the bulk path (say, the executor that just made the DAG) */
  prefer?: PeerId[]
  /** Told of each provider asked, each block landed, each provider that failed */
  onBulkProgress?: EnsureLocalOptions['onProgress']
}

/**
 * Make what `target` names local, as `fetchLocal` does, but over the bulk
 * path first: dcx peers that hold the DAG stream it as one checked CAR
 * (resuming with the next provider where one fails). Whatever no bulk
 * provider gave (a peer that speaks only bitswap, such as Kubo or a plain
 * Helia node; a DAG past the bulk path's block limit) then comes through
 * `fetchLocal` over `network`, which skips the blocks already here. Returns
 * the CID the path names.
 */
export async function fetchFromPeers (node: DcxNode, network: BlockAccess, target: CidPath, options: FetchFromPeersOptions): Promise<CID> {
  const range = options.scope === 'entity' && options.range !== undefined ? fileRange(options.range.offset, options.range.length) : { scope: options.scope }
  try {
    const { cid } = await ensureLocal(node, target, { ...range, bitswap: false, prefer: options.prefer, signal: options.signal, onProgress: options.onBulkProgress })
    return cid
  } catch (err) {
    if (!(err instanceof DagNotFetchedError) && !(err instanceof BulkLimitError)) throw err
  }
  return await fetchLocal(network, target, options)
}

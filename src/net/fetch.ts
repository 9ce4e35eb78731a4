import { cat } from '../data/cat.js'
import { resolveEntry } from '../data/resolve.js'
import { walkDag } from '../data/walk.js'
import type { CidPath } from '../data/cid-path.js'
import type { BlockAccess } from '../repo/blockstore.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

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

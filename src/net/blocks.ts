import type { BlockAccess } from '../repo/blockstore.js'
import type { DcxNode } from './node.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/**
 * The daemon's blockstore with the network behind it: a block the repo lacks
 * is fetched from peers by bitswap (and kept in the repo), so a job spec,
 * module, input or output that lives elsewhere can be read as if local.
 */
export function networkBlocks (node: DcxNode): BlockAccess {
  const store = node.blockstore as any
  const getBytes = async (cid: CID, options?: AbortOptions): Promise<Uint8Array> => {
    const out = store.get(cid, options)
    if (out instanceof Uint8Array) return out
    if (typeof out?.then === 'function') return await out
    const chunks: Uint8Array[] = []
    for await (const c of out) chunks.push(c)
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
  }
  return {
    getBytes,
    has: async (cid, options) => await store.has(cid, options),
    put: async (cid, bytes, options) => await store.put(cid, bytes, options),
    get: async function * (cid: CID, options?: AbortOptions) { yield await getBytes(cid, options) } as any
  }
}

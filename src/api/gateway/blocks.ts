import { GatewayRequestError } from '../errors.js'
import { CorruptBlockError } from '../../data/errors.js'
import { matchesMultihash } from '../../data/hashers.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/** What the gateway reads from the repo: a block's bytes, and whether it is there */
export interface GatewayBlockstore {
  getBytes: (cid: CID, options?: AbortOptions) => Promise<Uint8Array>
  has: (cid: CID, options?: AbortOptions) => Promise<boolean>
}

/** Fetch a block the repo lacks from peers (bitswap); the caller checks it */
export type FetchBlock = (cid: CID, options: AbortOptions) => Promise<Uint8Array>

export interface BlockSourceInit {
  blockstore: GatewayBlockstore
  /** Used only when `noFetch` is false */
  fetch?: FetchBlock
  /** Serve only what the repo holds (Kubo's `Gateway.NoFetch`) */
  noFetch: boolean
  /** How long one block may take to arrive from peers, ms (Kubo's `Gateway.RetrievalTimeout`) */
  retrievalTimeoutMs: number
}

/** Reads blocks for the gateway: every block re-hashed against its CID before it is handed out */
export type ReadBlock = (cid: CID, options: AbortOptions) => Promise<Uint8Array>

function seconds (ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}

/** The block's bytes if the repo holds it, else undefined; read first and asked after (one system call fewer per block) */
async function readHeld (store: GatewayBlockstore, cid: CID, options: AbortOptions): Promise<Uint8Array | undefined> {
  try {
    return await store.getBytes(cid, options)
  } catch (err) {
    options.signal?.throwIfAborted()
    if (await store.has(cid, options)) throw err
    return undefined
  }
}

/**
 * A block source for the gateway. A block the repo holds is read and
 * re-hashed; one whose bytes do not match its CID raises
 * `CorruptBlockError` and is never served. A block the repo lacks is 404
 * when `noFetch` is set, else fetched from peers within the retrieval
 * timeout (504 past it) and re-hashed too.
 */
export function blockSource (init: BlockSourceInit): ReadBlock {
  const fetchWithin = async (fetch: FetchBlock, cid: CID, options: AbortOptions): Promise<Uint8Array> => {
    const timeout = AbortSignal.timeout(init.retrievalTimeoutMs)
    try {
      return await fetch(cid, { signal: options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]) })
    } catch (err) {
      if (timeout.aborted && options.signal?.aborted !== true) {
        throw new GatewayRequestError(504, `block ${cid} did not arrive from peers within ${seconds(init.retrievalTimeoutMs)} (Gateway.RetrievalTimeout): retry later, or connect a peer that holds it`)
      }
      throw err
    }
  }
  return async (cid, options) => {
    options.signal?.throwIfAborted()
    let bytes = await readHeld(init.blockstore, cid, options)
    if (bytes === undefined) {
      if (init.noFetch || init.fetch === undefined) throw new GatewayRequestError(404, `block ${cid} is not held by this gateway, which serves only what its repo holds (Gateway.NoFetch is true)`)
      bytes = await fetchWithin(init.fetch, cid, options)
    }
    if (!(await matchesMultihash(cid.multihash, bytes))) throw new CorruptBlockError(cid.toString())
    return bytes
  }
}

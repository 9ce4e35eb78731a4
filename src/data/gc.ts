import { stat, unlink } from 'node:fs/promises'
import { CID } from 'multiformats/cid'
import { decode as decodeMultihash } from 'multiformats/hashes/digest'
import * as raw from 'multiformats/codecs/raw'
import { base32upper } from 'multiformats/bases/base32'
import { walkDag } from './walk.js'
import type { PinStore } from './pins.js'
import type { RepoBlockstore } from '../repo/blockstore.js'
import type { AbortOptions } from 'abort-error'

/** How old a partial block file must be for gc to remove it: far longer than any one block write takes */
export const PARTIAL_AGE_MS = 60 * 60 * 1000

/** Emitted for each removed block */
export interface GcRemoved {
  /** The block's multihash as a CIDv1 raw, as Kubo prints it */
  cid: CID
  bytes: number
}

/**
 * Mark and sweep: mark every block reachable from a pin, then delete every
 * block file not marked, then partial block files a crash left (see
 * `RepoBlockstore.removePartials`). The caller holds the repo lock, so no add
 * can be between writing its blocks and pinning them while this runs.
 */
export async function * gc (blockstore: RepoBlockstore, pins: PinStore, options: AbortOptions = {}): AsyncGenerator<GcRemoved> {
  const marked = new Set<string>()
  for await (const pin of pins.ls(options)) {
    if (pin.type === 'recursive') {
      await walkDag(pin.cid, blockstore, { ...options, seen: marked })
    } else {
      marked.add(base32upper.encode(pin.cid.multihash.bytes))
    }
  }
  for await (const { multihash, file } of blockstore.listMultihashes(options)) {
    if (marked.has(base32upper.encode(multihash))) continue
    const { size } = await stat(file)
    await unlink(file)
    yield { cid: CID.createV1(raw.code, decodeMultihash(multihash)), bytes: size }
  }
  await blockstore.removePartials(PARTIAL_AGE_MS, options)
}

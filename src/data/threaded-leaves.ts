import { hash } from 'node:crypto'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { create as createDigest } from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { ownsBuffer } from './hash-pool.js'
import type { HashPool } from './hash-pool.js'
import type { BufferImporter, WritableStorage } from 'ipfs-unixfs-importer'

export interface LeafOptions {
  cidVersion: 0 | 1
  rawLeaves: boolean
  leafType: 'file' | 'raw'
  /** Hash leaves on these threads (a leaf that owns its buffer and is large enough); else on the main thread */
  hashes?: HashPool
  /**
   * Given each chunk's buffer once its leaf is stored, to read the next
   * chunk into. The importer reads a leaf's block again only for a file with
   * a mode or mtime (it wraps a one-leaf file in a node to hold them), so
   * the buffers of such files are not given back.
   */
  recycle?: (buffer: Uint8Array) => void
}

/** Leaves smaller than this are hashed where they are: a trip to a worker costs more than hashing them */
const POOL_MIN_BYTES = 64 * 1024

/** A leaf's SHA-256, on a pool thread when it can move there, and the leaf's bytes afterwards */
async function leafDigest (bytes: Uint8Array, pool: HashPool | undefined): Promise<{ digest: Uint8Array, bytes: Uint8Array }> {
  if (pool !== undefined && bytes.byteLength >= POOL_MIN_BYTES && ownsBuffer(bytes)) return await pool.sha256(bytes)
  return { digest: new Uint8Array(hash('sha256', bytes, 'buffer')), bytes }
}

/**
 * The importer's leaf builder (its `defaultBufferImporter`), producing the
 * same blocks and CIDs, with the leaf hashing on a pool of threads when one
 * is given: the importer hashes with `crypto.createHash` on the main thread,
 * which caps an add at one core.
 */
export function threadedLeafImporter (options: LeafOptions): BufferImporter {
  return async function * (file, blockstore: WritableStorage) {
    for await (const chunk of file.content) {
      yield async () => {
        let unixfs: UnixFS | undefined
        let cid: CID
        let block: Uint8Array
        if (options.rawLeaves) {
          // the chunk moves to a hashing thread and back: from here on, the leaf's bytes are `block`
          const leaf = await leafDigest(chunk, options.hashes)
          block = leaf.bytes
          cid = CID.createV1(raw.code, createDigest(sha256.code, leaf.digest))
        } else {
          unixfs = new UnixFS({ type: options.leafType, data: chunk })
          const leaf = await leafDigest(dagPb.encode({ Data: unixfs.marshal(), Links: [] }), options.hashes)
          block = leaf.bytes
          cid = CID.create(options.cidVersion, dagPb.code, createDigest(sha256.code, leaf.digest))
        }
        await blockstore.put(cid, block)
        const result = { cid, unixfs, size: BigInt(block.length), block }
        if (options.recycle !== undefined && file.mode === undefined && file.mtime === undefined) options.recycle(options.rawLeaves ? block : chunk)
        return result
      }
    }
  }
}

import { webcrypto } from 'node:crypto'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { create as createDigest } from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import type { BufferImporter, WritableStorage } from 'ipfs-unixfs-importer'

export interface LeafOptions {
  cidVersion: 0 | 1
  rawLeaves: boolean
  leafType: 'file' | 'raw'
}

/**
 * SHA-256 on libuv's thread pool. The importer hashes with the synchronous
 * `crypto.createHash` on the main thread, which caps an add at one core;
 * WebCrypto's digest runs off-thread, so with the importer's
 * `blockWriteConcurrency` several leaves hash at once while others are read
 * and written.
 */
async function sha256Threaded (bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await webcrypto.subtle.digest('SHA-256', bytes))
}

/**
 * The importer's leaf builder (its `defaultBufferImporter`), producing the
 * same blocks and CIDs, with the leaf hashing moved off the main thread.
 */
export function threadedLeafImporter (options: LeafOptions): BufferImporter {
  return async function * (file, blockstore: WritableStorage) {
    for await (const chunk of file.content) {
      yield async () => {
        let block = chunk
        let unixfs: UnixFS | undefined
        let cid: CID
        if (options.rawLeaves) {
          cid = CID.createV1(raw.code, createDigest(sha256.code, await sha256Threaded(block)))
        } else {
          unixfs = new UnixFS({ type: options.leafType, data: chunk })
          block = dagPb.encode({ Data: unixfs.marshal(), Links: [] })
          cid = CID.create(options.cidVersion, dagPb.code, createDigest(sha256.code, await sha256Threaded(block)))
        }
        await blockstore.put(cid, block)
        return { cid, unixfs, size: BigInt(block.length), block }
      }
    }
  }
}

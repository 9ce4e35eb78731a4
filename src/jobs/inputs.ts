import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import * as raw from 'multiformats/codecs/raw'
import { walkDag } from '../data/walk.js'
import type { WalkStore } from '../data/walk.js'
import type { JobInput } from './records.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/**
 * Check that every block of every input is here (a missing one throws
 * `BlockNotFoundError` naming it) and total the bytes of the distinct files
 * the inputs hold, for progress. Each distinct block is visited once, so a
 * DAG of a few blocks that expands to billions of entries costs a few block
 * reads; the total counts a file linked twice once. With `readLeaves`,
 * leaves are read too (a store that fetches from peers then fetches them).
 */
export async function checkInputs (inputs: JobInput[], store: WalkStore, options: AbortOptions & { readLeaves?: boolean } = {}): Promise<{ bytes: number }> {
  let bytes = 0
  // blocks that start a file (an input root, a directory's child): their UnixFS size is the file's
  const fileRoots = new Set<string>()
  const seen = new Set<string>()
  const onBlock = (cid: CID, block: Uint8Array | undefined): void => {
    if (block === undefined || cid.code !== dagPb.code) return
    let node: dagPb.PBNode
    let unixfs: UnixFS
    try {
      node = dagPb.decode(block)
      if (node.Data === undefined) return
      unixfs = UnixFS.unmarshal(node.Data)
    } catch {
      // not UnixFS: mounting it says so
      return
    }
    if (unixfs.type === 'directory' || unixfs.type === 'hamt-sharded-directory') {
      for (const link of node.Links) {
        // a raw child is a one-block file: the link's size is its size
        if (link.Hash.code === raw.code) bytes += link.Tsize ?? 0
        else fileRoots.add(link.Hash.toString())
      }
    } else if ((unixfs.type === 'file' || unixfs.type === 'raw') && fileRoots.has(cid.toString())) {
      bytes += Number(unixfs.fileSize())
    }
  }
  for (const input of inputs) {
    if (input.cid.code === raw.code) bytes += (await store.getBytes(input.cid, options)).length
    fileRoots.add(input.cid.toString())
    await walkDag(input.cid, store, { ...options, seen, onBlock })
  }
  return { bytes }
}

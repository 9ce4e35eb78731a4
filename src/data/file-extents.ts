import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import * as raw from 'multiformats/codecs/raw'
import { MalformedDagError, NotUnixFSError } from './errors.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/** Where a run of a UnixFS file's bytes lies: in one block, from byte `at` of it */
export interface BlockExtent {
  /** The first byte of the file this extent holds */
  start: number
  length: number
  /** The block holding these bytes */
  cid: CID
  /** Where in the block they start: 0 in a raw leaf, past the header in a dag-pb node */
  at: number
  /**
   * The block is a raw leaf, located from its parent's link and not read
   * here: its length is only what the parent declares until it is read
   */
  unread: boolean
}

/** Reads and decodes the dag-pb nodes of a file (the caller decides how blocks are read and checked) */
export type NodeReader = (cid: CID, options: AbortOptions) => Promise<{ bytes: Uint8Array, node: dagPb.PBNode }>

export interface ExtentOptions extends AbortOptions {
  /** Stop once this many extents are found (default 1024) */
  maxExtents?: number
  /** Stop once this many blocks have been read (default 64): dag-pb leaves are read, raw ones are not */
  maxReads?: number
}

/** Default extents in one answer: a GiB of 1 MiB raw leaves */
export const MAX_EXTENTS = 1024
/** Default blocks read for one answer: 16 MiB of the legacy profile's 256 KiB dag-pb leaves */
export const MAX_READS = 64

function sizesDoNotAddUp (cid: CID): MalformedDagError {
  return new MalformedDagError(cid.toString(), 'is a file whose blocks do not hold the sizes it declares')
}

function unixfsOf (node: dagPb.PBNode, root: CID): UnixFS {
  try {
    if (node.Data == null) throw new Error('no data')
    return UnixFS.unmarshal(node.Data)
  } catch {
    throw new NotUnixFSError(root.toString())
  }
}

interface Pending {
  cid: CID
  /** Byte offset of this node's content in the file */
  position: number
  /** Bytes its parent declares it holds: what it must hold */
  size: number
}

/**
 * The blocks that hold the dag-pb UnixFS file `cid` from byte `offset` on, in file order, as extents: a batch of
 * at most `maxExtents`, reading at most `maxReads` blocks (at least one
 * extent unless `offset` is the file's end). Raw leaves are located from
 * their parents' links without being read, so a GiB of 1 MiB leaves costs
 * one interior block; the caller checks a raw leaf's length when it reads
 * it. The rules are `dagPbFileContent`'s: every node must hold exactly what
 * its parent declares, so the extents partition the file and a hostile DAG
 * cannot make this visit more nodes than its declared bytes allow.
 */
export async function fileExtents (cid: CID, readNode: NodeReader, offset: number, options: ExtentOptions = {}): Promise<BlockExtent[]> {
  const maxExtents = Math.max(1, options.maxExtents ?? MAX_EXTENTS)
  const maxReads = Math.max(1, options.maxReads ?? MAX_READS)
  const root = await readNode(cid, options)
  const size = Number(unixfsOf(root.node, cid).fileSize())
  const out: BlockExtent[] = []
  if (offset >= size) return out
  let reads = 0
  // the nodes still to visit, in reverse file order (the next one last), as in dagPbFileContent
  const pending: Pending[] = []

  const visit = (node: dagPb.PBNode, bytes: Uint8Array, block: CID, position: number, declared: number): void => {
    const file = unixfsOf(node, cid)
    if (node.Links.length !== file.blockSizes.length || Number(file.fileSize()) !== declared) throw sizesDoNotAddUp(cid)
    const data = file.data ?? new Uint8Array()
    const from = Math.max(0, offset - position)
    if (data.byteLength > from) {
      // the data's place in the block: the decoders return views of the block's bytes
      if (data.buffer !== bytes.buffer) throw new NotUnixFSError(cid.toString())
      out.push({ start: position + from, length: data.byteLength - from, cid: block, at: data.byteOffset - bytes.byteOffset + from, unread: false })
    }
    let child = position + data.byteLength
    const children: Pending[] = []
    for (let i = 0; i < node.Links.length; i++) {
      const childSize = Number(file.blockSizes[i])
      // a child declared empty holds nothing to read (and must not be walked: it could be anything)
      if (childSize > 0 && child + childSize > offset) children.push({ cid: node.Links[i].Hash, position: child, size: childSize })
      child += childSize
    }
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i])
  }

  visit(root.node, root.bytes, cid, 0, size)
  while (pending.length > 0 && out.length < maxExtents && (reads < maxReads || out.length === 0)) {
    options.signal?.throwIfAborted()
    const next = pending.pop()!
    if (next.cid.code === raw.code) {
      const from = Math.max(0, offset - next.position)
      out.push({ start: next.position + from, length: next.size - from, cid: next.cid, at: from, unread: true })
    } else if (next.cid.code === dagPb.code) {
      reads++
      const { bytes, node } = await readNode(next.cid, options)
      visit(node, bytes, next.cid, next.position, next.size)
    } else {
      throw new NotUnixFSError(cid.toString())
    }
  }
  return out
}

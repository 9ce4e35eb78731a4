import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import * as raw from 'multiformats/codecs/raw'
import { MalformedDagError, NotUnixFSError } from './errors.js'
import { InvalidArgumentError } from '../errors.js'
import type { AbortOptions } from 'abort-error'
import type { ReadableStorage, UnixFSEntry } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'

export interface FileContentOptions extends AbortOptions {
  /** Start at this byte */
  offset?: number
  /** At most this many bytes */
  length?: number
  /** Blocks read ahead of the consumer, in flight or waiting to be yielded */
  window?: number
}

/** Blocks read ahead by default: 16 MiB of 1 MiB leaves, enough to keep a disk or a peer busy */
export const DEFAULT_READ_WINDOW = 16

interface Pending {
  cid: CID
  /** Byte offset of this node's content in the file */
  position: number
  /** Bytes its parent declares it holds: what it must hold */
  size: number
  block?: Promise<Uint8Array>
}

async function readBlock (blockstore: ReadableStorage, cid: CID, options: AbortOptions): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of blockstore.get(cid, options)) chunks.push(chunk)
  if (chunks.length === 1) return chunks[0]
  return Buffer.concat(chunks)
}

function sizesDoNotAddUp (cid: CID): MalformedDagError {
  return new MalformedDagError(cid.toString(), 'is a file whose blocks do not hold the sizes it declares')
}

function decodePb (bytes: Uint8Array, root: CID): dagPb.PBNode {
  try {
    return dagPb.decode(bytes)
  } catch {
    throw new NotUnixFSError(root.toString())
  }
}

/**
 * The bytes of a UnixFS file, in order, with at most `window` blocks read
 * ahead. The exporter's own reader fetches ahead without limit (its queue
 * does not wait for the consumer), so a slow consumer, or one block that is
 * slow to arrive over bitswap while the rest come in, holds the whole file in
 * memory; here a `cat` of any size holds a window's worth of blocks.
 */
export async function * fileContent (entry: UnixFSEntry, blockstore: ReadableStorage, options: FileContentOptions = {}): AsyncGenerator<Uint8Array> {
  if (entry.type !== 'file') {
    // raw and identity entries are one block, already in memory
    yield * (entry as any).content({ offset: options.offset, length: options.length, signal: options.signal })
    return
  }
  yield * dagPbFileContent(entry.cid, entry.node, blockstore, options)
}

/**
 * The bytes of the dag-pb UnixFS file `root` (already decoded from the block
 * `cid`), read as `fileContent` reads them. For callers that decoded the
 * node themselves; never more bytes than the file declares, and an error
 * when its blocks hold fewer.
 */
export async function * dagPbFileContent (cid: CID, root: dagPb.PBNode, blockstore: ReadableStorage, options: FileContentOptions = {}): AsyncGenerator<Uint8Array> {
  let size: number
  try {
    if (root.Data == null) throw new Error('no data')
    size = Number(UnixFS.unmarshal(root.Data).fileSize())
  } catch {
    throw new NotUnixFSError(cid.toString())
  }
  const offset = options.offset ?? 0
  if (offset > size) throw new InvalidArgumentError(`--offset ${offset} is past the end of the file (${size} bytes)`)
  const end = Math.min(size, offset + (options.length ?? size))
  const window = Math.max(1, options.window ?? DEFAULT_READ_WINDOW)
  if (end <= offset) return

  let emitted = 0
  // the nodes still to read, in reverse file order (the next one last); interior nodes are
  // replaced by their children when read. Reversed so that a node's children are pushed one
  // by one: a spread or unshift of a hostile node's 100k links overflows the stack or is quadratic.
  const pending: Pending[] = []
  // Every node must hold exactly what its parent declares: then children partition their
  // parent's range, and a hostile file cannot make the reader visit more nodes than its
  // bytes and blocks allow (nodes that declare sizes that do not add up, or 2^40 empty ones).
  const visit = function * (node: dagPb.PBNode, position: number, declared: number): Generator<Uint8Array> {
    let file: UnixFS
    try {
      if (node.Data == null) throw new Error('no data')
      file = UnixFS.unmarshal(node.Data)
    } catch {
      throw new NotUnixFSError(cid.toString())
    }
    if (node.Links.length !== file.blockSizes.length || Number(file.fileSize()) !== declared) throw sizesDoNotAddUp(cid)
    const data = file.data ?? new Uint8Array()
    yield * slice(data, position)
    let child = position + data.byteLength
    const children: Pending[] = []
    for (let i = 0; i < node.Links.length; i++) {
      const childSize = Number(file.blockSizes[i])
      // a child declared empty holds nothing to read (and must not be walked: it could be anything)
      if (childSize > 0 && child < end && child + childSize > offset) children.push({ cid: node.Links[i].Hash, position: child, size: childSize })
      child += childSize
    }
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i])
  }
  const slice = function * (data: Uint8Array, position: number): Generator<Uint8Array> {
    const from = Math.max(0, offset - position)
    const to = Math.min(data.byteLength, end - position)
    if (to > from) {
      emitted += to - from
      yield data.subarray(from, to)
    }
  }

  yield * visit(root, 0, size)
  while (pending.length > 0) {
    for (let i = 0; i < Math.min(window, pending.length); i++) {
      const p = pending[pending.length - 1 - i]
      if (p.block == null) {
        p.block = readBlock(blockstore, p.cid, options)
        // awaited in order below; this keeps a later failure from being unhandled meanwhile
        p.block.catch(() => {})
      }
    }
    const next = pending.pop() as Pending
    const bytes = await (next.block as Promise<Uint8Array>)
    if (next.cid.code === raw.code) {
      if (bytes.byteLength !== next.size) throw sizesDoNotAddUp(cid)
      yield * slice(bytes, next.position)
    } else if (next.cid.code === dagPb.code) yield * visit(decodePb(bytes, cid), next.position, next.size)
    else throw new NotUnixFSError(cid.toString())
  }
  if (emitted !== end - offset) throw sizesDoNotAddUp(cid)
}

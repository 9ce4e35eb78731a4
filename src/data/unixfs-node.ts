import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import * as raw from 'multiformats/codecs/raw'
import { MalformedDagError, NotUnixFSError } from './errors.js'
import { EntryNames } from './entry-names.js'
import { multihashKey } from './walk.js'
import type { AbortOptions } from 'abort-error'
import type { ReadableStorage } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'

/** Longest symlink target dcx writes, in bytes (PATH_MAX less its NUL) */
export const MAX_SYMLINK_TARGET_BYTES = 4095

/** Largest HAMT fanout accepted (Kubo writes 256) */
const MAX_HAMT_FANOUT = 65536n

/** A file: a raw block, or a dag-pb UnixFS file node with its declared size */
export interface FileNode {
  kind: 'file'
  cid: CID
  /** Bytes the file declares (a raw block's length, else data plus blockSizes) */
  size: number
  /** The block itself, for a raw block */
  bytes?: Uint8Array
  /** The decoded node, for a dag-pb file */
  node?: dagPb.PBNode
}

/** A UnixFS symlink and its target, as bytes */
export interface SymlinkNode {
  kind: 'symlink'
  cid: CID
  target: Uint8Array
}

/** A UnixFS directory, plain or HAMT-sharded; list it with `listDirectory` */
export interface DirectoryNode {
  kind: 'directory'
  cid: CID
  node: dagPb.PBNode
  /** The HAMT fanout, for a sharded directory */
  fanout?: bigint
}

export type UnixFSNode = FileNode | SymlinkNode | DirectoryNode

/** One name in a directory and the CID it links to */
export interface DirEntry {
  name: string
  cid: CID
}

async function readBlock (store: ReadableStorage, cid: CID, options: AbortOptions): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of store.get(cid, options)) chunks.push(chunk)
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
}

function decodeUnixFS (cid: CID, bytes: Uint8Array): { node: dagPb.PBNode, unixfs: UnixFS } {
  try {
    const node = dagPb.decode(bytes)
    if (node.Data == null) throw new Error('no data')
    return { node, unixfs: UnixFS.unmarshal(node.Data) }
  } catch {
    throw new NotUnixFSError(cid.toString())
  }
}

function checkSymlinkTarget (cid: CID, target: Uint8Array): void {
  let why: string | undefined
  if (target.length === 0) why = 'is a symlink with an empty target'
  else if (target.includes(0)) why = 'is a symlink whose target contains a NUL byte'
  else if (target.length > MAX_SYMLINK_TARGET_BYTES) why = `is a symlink whose target is longer than ${MAX_SYMLINK_TARGET_BYTES} bytes`
  if (why !== undefined) throw new MalformedDagError(cid.toString(), why)
}

/**
 * Read one block and say what it is as UnixFS: a file, a symlink or a
 * directory. Anything else (another codec, a dag-pb node that is not
 * UnixFS, a metadata node, a HAMT with a bad fanout, a symlink target no
 * file system takes) is refused with a `DcxError` naming the CID. A
 * directory's entries are not read here: `listDirectory` checks them.
 */
export async function readUnixFSNode (cid: CID, store: ReadableStorage, options: AbortOptions = {}): Promise<UnixFSNode> {
  if (cid.code === raw.code) {
    const bytes = await readBlock(store, cid, options)
    return { kind: 'file', cid, size: bytes.byteLength, bytes }
  }
  if (cid.code !== dagPb.code) throw new NotUnixFSError(cid.toString())
  const { node, unixfs } = decodeUnixFS(cid, await readBlock(store, cid, options))
  switch (unixfs.type) {
    case 'directory':
      return { kind: 'directory', cid, node }
    case 'hamt-sharded-directory': {
      const fanout = unixfs.fanout
      // a power of two, so that each level's bucket index is a whole number of hex digits' worth of hash bits
      if (fanout == null || fanout < 2n || fanout > MAX_HAMT_FANOUT || (fanout & (fanout - 1n)) !== 0n) {
        throw new MalformedDagError(cid.toString(), `is a HAMT directory with fanout ${String(fanout)} (a power of two up to ${MAX_HAMT_FANOUT} is needed)`)
      }
      return { kind: 'directory', cid, node, fanout }
    }
    case 'symlink': {
      const target = unixfs.data ?? new Uint8Array()
      checkSymlinkTarget(cid, target)
      return { kind: 'symlink', cid, target }
    }
    case 'file':
    case 'raw':
      return { kind: 'file', cid, size: Number(unixfs.fileSize()), node }
    default:
      throw new MalformedDagError(cid.toString(), `is a UnixFS ${unixfs.type} node, which cannot be saved as a file`)
  }
}

export interface ListOptions extends AbortOptions {
  /** Called before each HAMT shard below the directory's root block is read (to bound the work) */
  onShard?: (cid: CID) => void
}

/**
 * The entries of a directory, in link order (for a HAMT, depth first through
 * its shards, as the exporter lists them). Every name passes through one
 * `EntryNames` for the directory, across all its shards: an unsafe name or a
 * name listed twice throws before it is yielded. A HAMT shard reached twice,
 * a link name that is not a shard prefix, or a shard that is not a shard of
 * the same fanout is refused. Iterative: a chain of shards of any length
 * uses no stack.
 */
export async function * listDirectory (dir: DirectoryNode, store: ReadableStorage, options: ListOptions = {}): AsyncGenerator<DirEntry> {
  const where = dir.cid.toString()
  const names = new EntryNames(where)
  if (dir.fanout === undefined) {
    for (const link of dir.node.Links) {
      const name = link.Name ?? ''
      names.add(name)
      yield { name, cid: link.Hash }
    }
    return
  }
  const fanout = dir.fanout
  const prefixLength = (fanout - 1n).toString(16).length
  const shards = new Set<string>([multihashKey(dir.cid)])
  const stack: Array<{ node: dagPb.PBNode, next: number }> = [{ node: dir.node, next: 0 }]
  while (stack.length > 0) {
    options.signal?.throwIfAborted()
    const top = stack[stack.length - 1]
    if (top.next >= top.node.Links.length) {
      stack.pop()
      continue
    }
    const link = top.node.Links[top.next++]
    const linkName = link.Name ?? ''
    if (linkName.length < prefixLength || !/^[0-9A-Fa-f]+$/.test(linkName.slice(0, prefixLength))) {
      throw new MalformedDagError(where, `is a HAMT directory with a link named ${JSON.stringify(linkName)}, which does not start with a ${prefixLength}-digit bucket number`)
    }
    if (linkName.length > prefixLength) {
      const name = linkName.slice(prefixLength)
      names.add(name)
      yield { name, cid: link.Hash }
      continue
    }
    const key = multihashKey(link.Hash)
    if (shards.has(key)) throw new MalformedDagError(where, `is a HAMT directory that reaches the shard ${link.Hash} twice`)
    shards.add(key)
    options.onShard?.(link.Hash)
    const shard = link.Hash.code === dagPb.code ? decodeUnixFS(link.Hash, await readBlock(store, link.Hash, options)) : undefined
    if (shard?.unixfs.type !== 'hamt-sharded-directory' || shard.unixfs.fanout !== fanout) {
      throw new MalformedDagError(where, `is a HAMT directory whose shard ${link.Hash} is not a HAMT shard of fanout ${fanout}`)
    }
    stack.push({ node: shard.node, next: 0 })
  }
}

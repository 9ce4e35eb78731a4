import { dagPbFileContent } from '../data/file-content.js'
import { listDirectory, readUnixFSNode } from '../data/unixfs-node.js'
import type { DirectoryNode, FileNode, UnixFSNode } from '../data/unixfs-node.js'
import type { LazyDir, LazyFile, TreeNode } from '../wasm/index.js'
import type { AbortOptions } from 'abort-error'
import type { ReadableStorage } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'

/** Decoded directory and file nodes kept by CID: datasets repeat subtrees, and listing reads each child's root */
const CACHED_NODES = 1024
/** Children of a directory being listed whose root blocks are read ahead */
const LIST_AHEAD = 16

const decoder = new TextDecoder()

async function collect (chunks: AsyncIterable<Uint8Array>, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length)
  let at = 0
  for await (const c of chunks) {
    out.set(c.subarray(0, length - at), at)
    at += c.length
    if (at >= length) break
  }
  return at >= length ? out : out.subarray(0, at)
}

/**
 * One mounted input. Its nodes hold only CIDs and sizes, so a listed
 * directory of many entries costs small objects, not decoded blocks; the
 * decoded nodes read lately are cached by CID. Every block is
 * read through `readUnixFSNode` and every directory through
 * `listDirectory`, the rules `dcx get` applies: a name listed twice, an
 * unsafe name, a malformed HAMT or a node that is not UnixFS is refused with
 * a clear error, never shadowed or guessed at.
 */
class Mount {
  private readonly cache = new Map<string, UnixFSNode>()
  constructor (private readonly blockstore: ReadableStorage, private readonly options: AbortOptions) {}

  async root (cid: CID): Promise<TreeNode> {
    return this.node(await this.read(cid, this.options))
  }

  /** A block as UnixFS, from the cache when it was read lately (a raw file's bytes are not kept) */
  private async read (cid: CID, options: AbortOptions): Promise<UnixFSNode> {
    const key = cid.toString()
    const hit = this.cache.get(key)
    if (hit !== undefined) {
      this.cache.delete(key)
      this.cache.set(key, hit)
      return hit
    }
    const node = await readUnixFSNode(cid, this.blockstore, options)
    if (node.kind !== 'file' || node.bytes === undefined) {
      if (this.cache.size >= CACHED_NODES) this.cache.delete(this.cache.keys().next().value!)
      this.cache.set(key, node)
    }
    return node
  }

  private node (node: UnixFSNode): TreeNode {
    switch (node.kind) {
      case 'symlink': return { type: 'symlink', target: decoder.decode(node.target) }
      case 'directory': return this.dir(node.cid)
      case 'file': return this.file(node.cid, node.size)
    }
  }

  private dir (cid: CID): LazyDir {
    return { type: 'dir', list: (options) => this.list(cid, options) }
  }

  /** A directory's entries, each child's root block read to learn what it is (a few at a time, in order) */
  private async * list (cid: CID, options: AbortOptions): AsyncGenerator<[string, TreeNode]> {
    // the same CID read again: a directory, as when it was listed in its parent
    const dir = await this.read(cid, options) as DirectoryNode
    const pending: Array<{ name: string, node: Promise<UnixFSNode> }> = []
    for await (const child of listDirectory(dir, this.blockstore, options)) {
      const reading = this.read(child.cid, options)
      // awaited in order below; this keeps a later failure from being unhandled meanwhile
      reading.catch(() => {})
      pending.push({ name: child.name, node: reading })
      if (pending.length >= LIST_AHEAD) {
        const next = pending.shift()!
        yield [next.name, this.node(await next.node)]
      }
    }
    for (const next of pending) yield [next.name, this.node(await next.node)]
  }

  private file (cid: CID, size: number): LazyFile {
    return {
      type: 'file',
      size,
      // the job's reads: a window at a time, straight from the blockstore
      read: async (offset, length) => {
        const n = Math.max(0, Math.min(length, size - offset))
        if (n === 0) return new Uint8Array(0)
        const file = await this.read(cid, this.options) as FileNode
        if (file.bytes !== undefined) return file.bytes.subarray(offset, offset + n)
        return await collect(dagPbFileContent(cid, file.node!, this.blockstore, { ...this.options, offset, length: n }), n)
      }
    }
  }

}

/**
 * A UnixFS DAG as a read-only tree for the runtime. Nothing is read up
 * front beyond the root: a directory is listed when the job first looks
 * inside it, a file's bytes when the job reads them, so an input of a few
 * blocks that expands to billions of entries costs only what the job lists
 * (counted against its `inputEntries` limit).
 */
export async function mountUnixFS (cid: CID, blockstore: ReadableStorage, options: AbortOptions = {}): Promise<TreeNode> {
  return await new Mount(blockstore, options).root(cid)
}

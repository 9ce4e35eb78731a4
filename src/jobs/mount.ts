import { exporter } from 'ipfs-unixfs-exporter'
import { fileContent } from '../data/file-content.js'
import { symlinkTarget } from '../data/resolve.js'
import { NotUnixFSError } from '../errors.js'
import type { LazyDir, LazyFile, TreeNode } from '../wasm/index.js'
import type { AbortOptions } from 'abort-error'
import type { ReadableStorage, UnixFSEntry } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'

/** Files whose resolved root node is kept for the next read */
const OPEN_FILES = 32
/** Children of a directory being listed whose root blocks are read ahead */
const LIST_AHEAD = 16

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
 * One mounted input: its nodes hold only CIDs and sizes, so a listed
 * directory of a million entries costs a million small objects, not a
 * million decoded blocks; the files being read keep their root node in a
 * small cache.
 */
class Mount {
  private readonly open = new Map<string, UnixFSEntry>()
  constructor (private readonly blockstore: ReadableStorage, private readonly options: AbortOptions) {}

  async root (cid: CID): Promise<TreeNode> {
    return this.node(await exporter(cid, this.blockstore, this.options))
  }

  /** A node for an entry just resolved; directories and files are read again when used */
  node (entry: UnixFSEntry): TreeNode {
    const link = symlinkTarget(entry)
    if (link !== undefined) return { type: 'symlink', target: link }
    switch (entry.type) {
      case 'directory': return this.dir(entry.cid)
      case 'file': case 'raw': case 'identity': return this.file(entry.cid, Number(entry.size))
      default: throw new NotUnixFSError(entry.cid.toString())
    }
  }

  private dir (cid: CID): LazyDir {
    return {
      type: 'dir',
      list: (options) => this.list(cid, options)
    }
  }

  /** A directory's entries, each child's root block read to learn what it is (a few at a time, in order) */
  private async * list (cid: CID, options: AbortOptions): AsyncGenerator<[string, TreeNode]> {
    const entry = await exporter(cid, this.blockstore, options)
    if (entry.type !== 'directory') throw new NotUnixFSError(cid.toString())
    const pending: Array<{ name: string, entry: Promise<UnixFSEntry> }> = []
    for await (const child of entry.entries(options)) {
      const resolving = exporter(child.cid, this.blockstore, options)
      // awaited in order below; this keeps a later failure from being unhandled meanwhile
      resolving.catch(() => {})
      pending.push({ name: child.name, entry: resolving })
      if (pending.length >= LIST_AHEAD) {
        const next = pending.shift()!
        yield [next.name, this.node(await next.entry)]
      }
    }
    for (const next of pending) yield [next.name, this.node(await next.entry)]
  }

  private file (cid: CID, size: number): LazyFile {
    return {
      type: 'file',
      size,
      // the job's reads: a window at a time, straight from the blockstore
      read: async (offset, length) => {
        const n = Math.max(0, Math.min(length, size - offset))
        if (n === 0) return new Uint8Array(0)
        return await collect(fileContent(await this.resolved(cid), this.blockstore, { ...this.options, offset, length: n }), n)
      }
    }
  }

  private async resolved (cid: CID): Promise<UnixFSEntry> {
    const key = cid.toString()
    let entry = this.open.get(key)
    if (entry === undefined) {
      entry = await exporter(cid, this.blockstore, this.options)
      if (this.open.size >= OPEN_FILES) this.open.delete(this.open.keys().next().value!)
    } else {
      this.open.delete(key)
    }
    this.open.set(key, entry)
    return entry
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

import { stat } from 'node:fs/promises'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { identity } from 'multiformats/hashes/identity'
import { CorruptBlockError, MalformedDagError, NotUnixFSError } from '../data/errors.js'
import { dagPbFileContent } from '../data/file-content.js'
import { fileExtents } from '../data/file-extents.js'
import { fileMatchesMultihash, matchesMultihash } from '../data/hashers.js'
import { listDirectory, readUnixFSNode } from '../data/unixfs-node.js'
import type { DirectoryNode, FileNode, UnixFSNode } from '../data/unixfs-node.js'
import type { FileExtent, LazyDir, LazyFile, TreeNode } from '../wasm/index.js'
import type { AbortOptions } from 'abort-error'
import type { ReadableStorage } from 'ipfs-unixfs-exporter'

/** Decoded directory and file nodes kept by CID: datasets repeat subtrees, and listing reads each child's root */
const CACHED_NODES = 1024
/** Children of a directory being listed whose root blocks are read ahead */
const LIST_AHEAD = 16
/** Checked dag-pb blocks of files kept by CID: the interior nodes a job's reads walk again and again */
const CACHED_FILE_BLOCKS = 16
/** Block files the job read are hashed through a buffer this size */
const CHECK_BUFFER_BYTES = 1 << 20

/** A blockstore whose blocks are files on this machine (the repo's) */
export interface LocalBlocks {
  /** The file that holds a block, if it is here */
  pathOf: (cid: CID) => string
}

/** What a job's inputs are read from: any blockstore, and the repo's files when it has them */
export type MountStore = ReadableStorage & Partial<LocalBlocks>

const decoder = new TextDecoder()

async function readBlock (store: ReadableStorage, cid: CID, options: AbortOptions): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of store.get(cid, options)) chunks.push(chunk)
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
}

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
  private readonly fileBlocks = new Map<string, Uint8Array>()
  private checkBuffer: Uint8Array | undefined
  /** Blocks read for file contents, each checked against its hash (and the dag-pb ones kept a while) */
  private readonly checked: ReadableStorage
  constructor (private readonly blockstore: MountStore, private readonly options: AbortOptions) {
    const checkedBlock = this.checkedBlock.bind(this)
    this.checked = { get: async function * (cid: CID, options?: AbortOptions) { yield await checkedBlock(cid, options ?? {}) } }
  }

  /** The file that holds `cid` in the repo, when the store has files (an identity CID has none) */
  private localPath (cid: CID): string | undefined {
    if (this.blockstore.pathOf === undefined || cid.multihash.code === identity.code) return undefined
    return this.blockstore.pathOf(cid)
  }

  /** A block, checked against its hash: the bytes a job sees are the ones its inputs name */
  private async checkedBlock (cid: CID, options: AbortOptions): Promise<Uint8Array> {
    const key = cid.toString()
    const hit = this.fileBlocks.get(key)
    if (hit !== undefined) return hit
    const bytes = await readBlock(this.blockstore, cid, options)
    if (!await matchesMultihash(cid.multihash, bytes)) throw new CorruptBlockError(key)
    if (cid.code === dagPb.code) {
      if (this.fileBlocks.size >= CACHED_FILE_BLOCKS) this.fileBlocks.delete(this.fileBlocks.keys().next().value!)
      this.fileBlocks.set(key, bytes)
    }
    return bytes
  }

  /**
   * Checks a raw block the job's thread read from its file: the whole file
   * must hash to its CID and hold the `size` bytes its parent declares
   * (`file` is the UnixFS file it belongs to, for the error).
   */
  private async verifyRaw (check: string, file: CID, options: AbortOptions): Promise<void> {
    const [text, size] = check.split(' ')
    const cid = CID.parse(text)
    // checks come one at a time (the runner chains them); a second at once gets a buffer of its own
    const buffer = this.checkBuffer ?? new Uint8Array(CHECK_BUFFER_BYTES)
    this.checkBuffer = undefined
    try {
      const found = await fileMatchesMultihash(this.blockstore.pathOf!(cid), cid.multihash, buffer, options)
      if (!found.matches) throw new CorruptBlockError(text)
      if (found.size !== Number(size)) throw new MalformedDagError(file.toString(), 'is a file whose blocks do not hold the sizes it declares')
    } finally {
      this.checkBuffer = buffer
    }
  }

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
    const node = await this.rawFileByStat(cid) ?? await readUnixFSNode(cid, this.blockstore, options)
    if (node.kind !== 'file' || node.bytes === undefined) {
      if (this.cache.size >= CACHED_NODES) this.cache.delete(this.cache.keys().next().value!)
      this.cache.set(key, node)
    }
    return node
  }

  /**
   * A raw block held as a file here is a one-block file of that file's size,
   * known without reading it: listing a directory of a thousand files does
   * not read a thousand files. Its bytes are checked when the job reads them.
   */
  private async rawFileByStat (cid: CID): Promise<FileNode | undefined> {
    if (cid.code !== raw.code) return undefined
    const path = this.localPath(cid)
    if (path === undefined) return undefined
    try {
      return { kind: 'file', cid, size: (await stat(path)).size }
    } catch {
      return undefined
    }
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
    const file: LazyFile = {
      type: 'file',
      size,
      // bytes the job's thread does not read itself: a window at a time, from the blockstore, checked
      read: async (offset, length) => {
        const n = Math.max(0, Math.min(length, size - offset))
        if (n === 0) return new Uint8Array(0)
        if (cid.code === raw.code) {
          const bytes = await this.checkedBlock(cid, this.options)
          if (bytes.byteLength !== size) throw new MalformedDagError(cid.toString(), 'is a file whose blocks do not hold the sizes it declares')
          return bytes.subarray(offset, offset + n)
        }
        const root = await this.read(cid, this.options) as FileNode
        return await collect(dagPbFileContent(cid, root.node!, this.checked, { ...this.options, offset, length: n }), n)
      }
    }
    if (this.blockstore.pathOf === undefined) return file
    file.verify = async (check, options) => { await this.verifyRaw(check, cid, options) }
    file.extents = async (offset, options) => {
      if (cid.code === raw.code) {
        const path = this.localPath(cid)
        return [path === undefined ? { start: 0, length: size } : { start: 0, length: size, path, at: 0, check: `${cid.toString()} ${size}` }]
      }
      const blocks = await fileExtents(cid, async (block, options) => {
        if (block.code !== dagPb.code) throw new NotUnixFSError(cid.toString())
        const bytes = await this.checkedBlock(block, options)
        try {
          return { bytes, node: dagPb.decode(bytes) }
        } catch {
          throw new NotUnixFSError(cid.toString())
        }
      }, offset, options)
      return blocks.map((b): FileExtent => {
        const path = this.localPath(b.cid)
        if (path === undefined) return { start: b.start, length: b.length }
        // a raw leaf is checked once the job has read from it; a dag-pb node was checked when it was read here
        return b.unread
          ? { start: b.start, length: b.length, path, at: b.at, check: `${b.cid.toString()} ${b.at + b.length}` }
          : { start: b.start, length: b.length, path, at: b.at }
      })
    }
    return file
  }
}

/**
 * A UnixFS DAG as a read-only tree for the runtime. Nothing is read up
 * front beyond the root: a directory is listed when the job first looks
 * inside it, a file's bytes when the job reads them, so an input of a few
 * blocks that expands to billions of entries costs only what the job lists
 * (counted against its `inputEntries` limit).
 */
export async function mountUnixFS (cid: CID, blockstore: MountStore, options: AbortOptions = {}): Promise<TreeNode> {
  return await new Mount(blockstore, options).root(cid)
}

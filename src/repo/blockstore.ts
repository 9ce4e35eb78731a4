import { access, mkdir, readFile, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { NextToLast } from 'blockstore-fs/sharding'
import type { FsBlockstore } from 'blockstore-fs'
import { base32upper } from 'multiformats/bases/base32'
import { REPO_SPACE_HINT, storageFailure } from '../errors.js'
import { BlockNotFoundError } from './errors.js'
import type { AbortOptions } from 'abort-error'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

const IDENTITY = 0x00

/** What reading and writing blocks needs, whether from the repo's files or with peers behind them */
export type BlockAccess = Pick<RepoBlockstore, 'getBytes' | 'has' | 'put' | 'get'>
const EXTENSION = '.data'
/** A block file being written ends so; blockstore-fs's own (older dcx) end `.data.tmp` */
const PARTIAL = '.tmp'

async function concat (chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const c of chunks) parts.push(c)
  return parts.length === 1 ? parts[0] : Buffer.concat(parts)
}

/**
 * The repo's flat-file blockstore: blockstore-fs's layout (one file per
 * block, named by multihash, sharded next-to-last), written and read here.
 * Identity CIDs are answered from the CID itself and never stored, a missing
 * block raises `BlockNotFoundError` naming the CID, and reads are one
 * `readFile` each rather than a stream, several times faster for small
 * blocks.
 *
 * Writes are ours, not blockstore-fs's: its writer uses one fixed temp name
 * per block, so two concurrent writes of one block (two identical files in
 * one add, an empty stdout and stderr) truncate each other's temp file under
 * a rename, a reader may see a short block, and the loser retries ten times
 * 100 ms apart. Here a block already present is not written again,
 * concurrent writes of one block share one write, and every write has a temp
 * file of its own, renamed into place whole.
 */
export class RepoBlockstore implements Blockstore {
  readonly dir: string
  /** `put` has written the bytes out when it resolves and keeps no reference: a caller may reuse the buffer */
  readonly releasesBytes = true
  private readonly sharding = new NextToLast()
  private reader?: Promise<FsBlockstore>
  /** Writes under way, by block file: a second write of the same block waits for the first */
  private readonly writing = new Map<string, Promise<void>>()
  /** Shard folders known to exist */
  private readonly shardsMade = new Set<string>()
  private seq = 0

  constructor (dir: string) {
    this.dir = dir
  }

  /** blockstore-fs, for `getAll` only (Helia's own walks); loaded on first use */
  private async fs (): Promise<FsBlockstore> {
    this.reader ??= import('blockstore-fs').then(async ({ FsBlockstore }) => {
      const store = new FsBlockstore(this.dir, { createIfMissing: true, shardingStrategy: this.sharding })
      await store.open()
      return store
    })
    return this.reader
  }

  async open (): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true })
    } catch (err) {
      throw storageFailure(err, this.dir, { hint: REPO_SPACE_HINT }) ?? err
    }
  }

  async close (): Promise<void> {
    if (this.reader != null) await (await this.reader).close()
  }

  /** The file that holds a block */
  pathOf (cid: CID): string {
    const { dir, file } = this.sharding.encode(cid)
    return join(this.dir, dir, file)
  }

  async has (cid: CID, options?: AbortOptions): Promise<boolean> {
    if (cid.multihash.code === IDENTITY) return true
    try {
      await access(this.pathOf(cid))
      return true
    } catch {
      return false
    }
  }

  /**
   * Store a block (its bytes are trusted to match the CID: callers that take
   * blocks from outside check them first). A failed write (a full disk)
   * removes its temp file and reports the storage failure.
   */
  async put (cid: CID, bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options?: AbortOptions): Promise<CID> {
    if (cid.multihash.code === IDENTITY) return cid
    options?.signal?.throwIfAborted()
    const file = this.pathOf(cid)
    const pending = this.writing.get(file)
    if (pending !== undefined) {
      await pending
      return cid
    }
    const write = this.write(file, bytes)
    this.writing.set(file, write)
    try {
      await write
    } finally {
      this.writing.delete(file)
    }
    return cid
  }

  private async write (file: string, bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<void> {
    try {
      await access(file)
      return
    } catch {}
    const whole = bytes instanceof Uint8Array ? bytes : await concat(bytes)
    const shard = dirname(file)
    const tmp = join(shard, `.${basename(file)}.${process.pid}-${this.seq++}${PARTIAL}`)
    try {
      if (!this.shardsMade.has(shard)) {
        await mkdir(shard, { recursive: true })
        this.shardsMade.add(shard)
      }
      await writeFile(tmp, whole, { flag: 'wx' })
      await rename(tmp, file)
    } catch (err) {
      await unlink(tmp).catch(() => {})
      throw storageFailure(err, this.dir, { hint: REPO_SPACE_HINT }) ?? err
    }
  }

  async * putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>, options?: AbortOptions): AsyncGenerator<CID> {
    for await (const { cid, bytes } of source) {
      yield await this.put(cid, bytes, options)
    }
  }

  /** Read a whole block into memory (blocks are at most a few MiB) */
  async getBytes (cid: CID, options?: AbortOptions): Promise<Uint8Array> {
    if (cid.multihash.code === IDENTITY) return cid.multihash.digest
    options?.signal?.throwIfAborted()
    try {
      const buf = await readFile(this.pathOf(cid), { signal: options?.signal })
      // A plain Uint8Array view: codecs compare and re-encode bytes, and a Buffer is a subclass with other equality
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
    } catch (err: any) {
      if (err.code === 'ENOENT') throw new BlockNotFoundError(cid.toString())
      throw err
    }
  }

  async * get (cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    yield await this.getBytes(cid, options)
  }

  async * getMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<Pair> {
    for await (const cid of source) {
      yield { cid, bytes: this.get(cid, options) }
    }
  }

  async delete (cid: CID, options?: AbortOptions): Promise<void> {
    if (cid.multihash.code === IDENTITY) return
    options?.signal?.throwIfAborted()
    try {
      await unlink(this.pathOf(cid))
    } catch (err: any) {
      if (err.code !== 'ENOENT') throw err
    }
  }

  async * deleteMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<CID> {
    for await (const cid of source) {
      await this.delete(cid, options)
      yield cid
    }
  }

  async * getAll (options?: AbortOptions): AsyncGenerator<Pair> {
    yield * (await this.fs()).getAll(options)
  }

  /**
   * Remove partial block files (`.<block>.data.<writer>.tmp`, or blockstore-fs's
   * `.<block>.data.tmp`) last written more than
   * `olderThanMs` ago: a process killed mid-write, or a full disk under a dcx
   * older than the clean-up in `put`, leaves them where nothing else would
   * ever free their space. The age spares a write in flight. Returns the
   * bytes freed.
   */
  async removePartials (olderThanMs: number, options?: AbortOptions): Promise<number> {
    const before = Date.now() - olderThanMs
    let freed = 0
    for (const shard of await this.shards()) {
      options?.signal?.throwIfAborted()
      for (const name of await this.filesIn(shard)) {
        if (!name.startsWith('.') || !name.endsWith(PARTIAL) || !name.includes(EXTENSION)) continue
        const file = join(this.dir, shard, name)
        try {
          const s = await stat(file)
          if (s.mtimeMs >= before) continue
          await unlink(file)
          freed += s.size
        } catch {}
      }
    }
    return freed
  }

  private async shards (): Promise<string[]> {
    try {
      return (await readdir(this.dir)).sort()
    } catch (err: any) {
      if (err.code === 'ENOENT') return []
      throw err
    }
  }

  private async filesIn (shard: string): Promise<string[]> {
    try {
      return (await readdir(join(this.dir, shard))).sort()
    } catch (err: any) {
      if (err.code === 'ENOTDIR' || err.code === 'ENOENT') return []
      throw err
    }
  }

  /**
   * Every stored block as its multihash bytes and file path. Blocks are keyed
   * by multihash, not CID, so this works for any hash function (blockstore-fs's
   * own `getAll` can only decode sha2-256 keys back into CIDs).
   */
  async * listMultihashes (options?: AbortOptions): AsyncGenerator<{ multihash: Uint8Array, file: string }> {
    for (const shard of await this.shards()) {
      options?.signal?.throwIfAborted()
      for (const name of await this.filesIn(shard)) {
        if (!name.endsWith(EXTENSION)) continue
        let multihash: Uint8Array
        try {
          multihash = base32upper.decode(name.slice(0, -EXTENSION.length))
        } catch {
          continue
        }
        yield { multihash, file: join(this.dir, shard, name) }
      }
    }
  }
}

import { access, readFile, readdir, stat, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { NextToLast } from 'blockstore-fs/sharding'
import type { FsBlockstore } from 'blockstore-fs'
import { base32upper } from 'multiformats/bases/base32'
import { BlockNotFoundError, REPO_SPACE_HINT, storageFailure } from '../errors.js'
import type { AbortOptions } from 'abort-error'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

const IDENTITY = 0x00
const EXTENSION = '.data'

/**
 * The repo's flat-file blockstore (blockstore-fs, one file per block, keyed
 * by multihash). It adds what the repo needs on top: identity CIDs are
 * answered from the CID itself and never stored, a missing block raises
 * `BlockNotFoundError` naming the CID, and reads are one `readFile` each
 * rather than a stream, which is several times faster for small blocks.
 */
export class RepoBlockstore implements Blockstore {
  readonly dir: string
  private readonly sharding = new NextToLast()
  private writer?: Promise<FsBlockstore>

  constructor (dir: string) {
    this.dir = dir
  }

  /**
   * blockstore-fs does the writing (temp file, then rename). It is loaded on
   * first write only: read-only commands like `cat` start faster without it.
   */
  private async fs (): Promise<FsBlockstore> {
    this.writer ??= import('blockstore-fs').then(async ({ FsBlockstore }) => {
      const store = new FsBlockstore(this.dir, { createIfMissing: true, shardingStrategy: this.sharding })
      await store.open()
      return store
    })
    return this.writer
  }

  async open (): Promise<void> {
    await this.fs()
  }

  async close (): Promise<void> {
    if (this.writer != null) await (await this.writer).close()
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
   * A failed write (a full disk) removes its partial temp file: blockstore-fs
   * (through steno) writes `.<block>.tmp` and leaves it on failure, where no
   * gc would ever find it, so each failed block would keep its space.
   */
  async put (cid: CID, bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options?: AbortOptions): Promise<CID> {
    if (cid.multihash.code === IDENTITY) return cid
    try {
      return await (await this.fs()).put(cid, bytes, options)
    } catch (err) {
      const file = this.pathOf(cid)
      await unlink(join(dirname(file), `.${basename(file)}.tmp`)).catch(() => {})
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
    await (await this.fs()).delete(cid, options)
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
   * Remove partial block files (`.<block>.data.tmp`) last written more than
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
        if (!name.startsWith('.') || !name.endsWith(`${EXTENSION}.tmp`)) continue
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

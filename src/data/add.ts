import { access, constants, lstat, open, readdir, readlink } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { importer } from 'ipfs-unixfs-importer'
import { CID as CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { AbortedError, LocalPathError } from '../errors.js'
import { HashPool, ownsBuffer } from './hash-pool.js'
import { chunkSizeOf, importerOptions } from './profiles.js'
import type { PinStore } from './pins.js'
import type { AddProfileOptions } from './profiles.js'
import type { AbortOptions } from 'abort-error'
import type { ImportCandidate, WritableStorage } from 'ipfs-unixfs-importer'
import type { Chunker } from 'ipfs-unixfs-importer/chunker'
import type { ProgressEvent, ProgressOptions } from 'progress-events'

export interface AddOptions extends AddProfileOptions, AbortOptions, ProgressOptions<AddProgress> {
  /** Add directories and their contents */
  recursive?: boolean
  /** Wrap everything in one directory */
  wrapWithDirectory?: boolean
  /** Include files and folders whose names start with a dot */
  hidden?: boolean
}

/** Bytes read so far out of the total found by the walk */
export type AddProgress = ProgressEvent<'add:bytes', { done: number, total: number }>

/** One added file or directory, as Kubo prints `added <cid> <name>` */
export interface Added {
  cid: CID
  /** The path as printed: relative to what the user named, '' for a wrapping directory */
  name: string
  size: bigint
  /** A top-level item (or the wrapping directory): what gets pinned */
  root: boolean
}

interface LocalEntry {
  /** Where it is on disk */
  source: string
  /** Its path in the import */
  path: string
  kind: 'file' | 'dir' | 'symlink'
  size: number
}

/**
 * Find everything an add will read, before anything is written: a missing
 * or unreadable path fails the add up front, and the total gives the
 * progress bar its end.
 */
export async function planAdd (paths: string[], options: Pick<AddOptions, 'recursive' | 'hidden'>): Promise<LocalEntry[]> {
  const entries: LocalEntry[] = []
  const visit = async (source: string, path: string, top: boolean): Promise<void> => {
    let s
    try {
      s = await lstat(source)
    } catch (err: any) {
      throw new LocalPathError(source, err.code === 'ENOENT' ? 'no such file or directory' : err.code ?? err.message)
    }
    if (s.isSymbolicLink()) {
      entries.push({ source, path, kind: 'symlink', size: 0 })
    } else if (s.isDirectory()) {
      if (options.recursive !== true) throw new LocalPathError(source, 'it is a directory: use -r to add directories')
      try {
        await access(source, constants.R_OK | constants.X_OK)
      } catch (err: any) {
        throw new LocalPathError(source, `${err.code ?? err.message}: the folder cannot be listed`)
      }
      entries.push({ source, path, kind: 'dir', size: 0 })
      for (const name of (await readdir(source)).sort()) {
        if (options.hidden !== true && name.startsWith('.')) continue
        await visit(join(source, name), `${path}/${name}`, false)
      }
    } else if (s.isFile()) {
      try {
        await access(source, constants.R_OK)
      } catch (err: any) {
        throw new LocalPathError(source, `${err.code ?? err.message}: the file cannot be read`)
      }
      entries.push({ source, path, kind: 'file', size: s.size })
    } else if (!top) {
      // sockets, fifos and devices inside a tree are skipped, as Kubo does
    } else {
      throw new LocalPathError(source, 'not a regular file, directory or symlink')
    }
  }
  for (const p of paths) {
    const abs = resolve(p)
    await visit(abs, basename(abs), true)
  }
  return entries
}

/** Chunk buffers stored leaves gave back, to read the next chunks into */
const SPARE_BUFFERS = 16

/**
 * Buffers of one chunk's size, used again once their leaf is stored: an
 * add that took a new MiB for every chunk made V8 collect garbage (a full
 * collection every 64 MiB or so of buffers) for a fifth of its time.
 */
class ChunkBuffers {
  private readonly spare: Uint8Array[] = []
  constructor (readonly size: number) {}
  take (): Uint8Array { return this.spare.pop() ?? Buffer.allocUnsafeSlow(this.size) }
  give = (buffer: Uint8Array): void => {
    if (this.spare.length < SPARE_BUFFERS && buffer.byteLength === this.size && ownsBuffer(buffer)) this.spare.push(buffer)
  }
}

/**
 * A file's bytes in chunks of exactly the buffers' size (the last one
 * shorter), each in a buffer of its own: the chunker then has nothing to cut
 * or join, and a leaf's buffer can move to a hashing thread and back.
 */
async function * readChunks (path: string, buffers: ChunkBuffers, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const chunkSize = buffers.size
  const file = await open(path, 'r')
  try {
    for (;;) {
      const buffer = buffers.take()
      let filled = 0
      while (filled < chunkSize) {
        if (signal?.aborted === true) throw new AbortedError()
        const { bytesRead } = await file.read(buffer, filled, chunkSize - filled, null)
        if (bytesRead === 0) break
        filled += bytesRead
      }
      if (filled === chunkSize) {
        yield buffer
        continue
      }
      // the end: a copy of its own, so a small file holds only its bytes
      if (filled > 0) yield new Uint8Array(buffer.subarray(0, filled))
      buffers.give(buffer)
      return
    }
  } finally {
    await file.close()
  }
}

/**
 * The chunker for contents from `readChunks`, which come cut to size: the
 * chunks fixedSize would make, as they are (an empty file is one empty
 * chunk, as fixedSize makes it). fixedSize itself would keep a list of the
 * buffers it was given, which a leaf moved to a hashing thread leaves empty.
 */
const precut: Chunker = async function * (source) {
  let any = false
  for await (const chunk of source) {
    any = true
    yield chunk
  }
  if (!any) yield new Uint8Array(0)
}

async function * candidates (entries: LocalEntry[], buffers: ChunkBuffers, options: AddOptions): AsyncGenerator<ImportCandidate> {
  const total = entries.reduce((n, e) => n + e.size, 0)
  let done = 0
  const signal = options.signal
  for (const e of entries) {
    if (e.kind === 'dir') {
      yield { path: e.path }
    } else if (e.kind === 'symlink') {
      yield { path: e.path, link: await readlink(e.source) }
    } else {
      yield {
        path: e.path,
        content: (async function * () {
          for await (const chunk of readChunks(e.source, buffers, signal)) {
            done += chunk.length
            options.onProgress?.({ type: 'add:bytes', detail: { done, total } } as AddProgress)
            yield chunk
          }
        })()
      }
    }
  }
}

/** Adds smaller than this hash on the main thread: starting a hashing thread costs more */
const POOL_MIN_TOTAL = 16 * 2 ** 20

/**
 * Import local files and folders as UnixFS into `blockstore`, yielding each
 * file and directory as it completes, the root last. Pinning is the
 * caller's, once the last entry is out.
 */
export async function * addPaths (paths: string[], blockstore: WritableStorage, options: AddOptions = {}): AsyncGenerator<Added> {
  const entries = await planAdd(paths, options)
  const hashes = entries.reduce((n, e) => n + e.size, 0) >= POOL_MIN_TOTAL ? new HashPool() : undefined
  try {
    yield * importPlanned(entries, blockstore, hashes, options)
  } finally {
    await hashes?.close()
  }
}

async function * importPlanned (entries: LocalEntry[], blockstore: WritableStorage, hashes: HashPool | undefined, options: AddOptions): AsyncGenerator<Added> {
  const buffers = new ChunkBuffers(chunkSizeOf(options))
  // a store that may keep the bytes it is given (one in memory) gets buffers of their own
  const recycle = releasesBytes(blockstore) ? buffers.give : undefined
  const imported = importer(candidates(entries, buffers, options), blockstore, {
    ...importerOptions(options, { hashes, recycle }),
    chunker: precut,
    wrapWithDirectory: options.wrapWithDirectory === true
  })
  const wrap = options.wrapWithDirectory === true
  const isRoot = (name: string): boolean => wrap ? name === '' : !name.includes('/')
  // The importer builds empty directories but does not report them; Kubo
  // prints them, just before their parent.
  const emptyDirs = entries.filter((e, i) => e.kind === 'dir' && !(entries[i + 1]?.path.startsWith(`${e.path}/`) ?? false)).map(e => e.path)
  const emptyDirCid = emptyDirectoryCid(options)
  for await (const entry of imported) {
    if (options.signal?.aborted === true) throw new AbortedError()
    const name = entry.path ?? ''
    while (emptyDirs.length > 0 && (name === '' || emptyDirs[0].startsWith(`${name}/`) || emptyDirs[0] === name)) {
      const path = emptyDirs.shift() as string
      if (path !== name) yield { cid: await emptyDirCid, name: path, size: 0n, root: isRoot(path) }
    }
    yield { cid: entry.cid, name, size: entry.size, root: isRoot(name) }
  }
  for (const path of emptyDirs) yield { cid: await emptyDirCid, name: path, size: 0n, root: isRoot(path) }
}

/** The CID of an empty UnixFS directory under the add's profile */
async function emptyDirectoryCid (options: AddProfileOptions): Promise<CID> {
  const { cidVersion } = importerOptions(options)
  const bytes = dagPb.encode(dagPb.prepare({ Data: new UnixFS({ type: 'directory' }).marshal(), Links: [] }))
  const cid = CID.createV1(dagPb.code, await sha256.digest(bytes))
  return cidVersion === 0 ? cid.toV0() : cid
}

/**
 * Add and pin: import, then pin every root once the whole tree is written.
 * The caller holds the repo lock for the duration, so gc cannot run between
 * the blocks landing and the pin that protects them; an interrupted add
 * leaves only unpinned blocks, which gc removes.
 */
export async function * addAndPin (paths: string[], blockstore: WritableStorage, pins: PinStore | undefined, options: AddOptions = {}): AsyncGenerator<Added> {
  const roots: CID[] = []
  for await (const added of addPaths(paths, blockstore, options)) {
    if (added.root) roots.push(added.cid)
    yield added
  }
  options.signal?.throwIfAborted()
  for (const cid of roots) await pins?.add(cid, { knownComplete: true })
}

/** A store whose `put` keeps no reference to the bytes once it resolves (`RepoBlockstore`, `discardStore`) */
export interface ReleasesBytes {
  readonly releasesBytes: true
}

function releasesBytes (store: WritableStorage): boolean {
  return (store as Partial<ReleasesBytes>).releasesBytes === true
}

/** A store that keeps nothing: `--only-hash` computes CIDs without writing blocks */
export const discardStore: WritableStorage & ReleasesBytes = {
  releasesBytes: true,
  put: async (cid) => cid
}

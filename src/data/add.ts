import { createReadStream } from 'node:fs'
import { access, constants, lstat, readdir, readlink } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { importer } from 'ipfs-unixfs-importer'
import { CID as CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { AbortedError, LocalPathError } from '../errors.js'
import { importerOptions } from './profiles.js'
import type { PinStore } from './pins.js'
import type { AddProfileOptions } from './profiles.js'
import type { AbortOptions } from 'abort-error'
import type { ImportCandidate, WritableStorage } from 'ipfs-unixfs-importer'
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

async function * candidates (entries: LocalEntry[], options: AddOptions): AsyncGenerator<ImportCandidate> {
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
          for await (const chunk of createReadStream(e.source, { highWaterMark: 1 << 20 })) {
            if (signal?.aborted === true) throw new AbortedError()
            done += chunk.length
            options.onProgress?.({ type: 'add:bytes', detail: { done, total } } as AddProgress)
            yield chunk as Uint8Array
          }
        })()
      }
    }
  }
}

/**
 * Import local files and folders as UnixFS into `blockstore`, yielding each
 * file and directory as it completes, the root last. Pinning is the
 * caller's, once the last entry is out.
 */
export async function * addPaths (paths: string[], blockstore: WritableStorage, options: AddOptions = {}): AsyncGenerator<Added> {
  const entries = await planAdd(paths, options)
  const imported = importer(candidates(entries, options), blockstore, {
    ...importerOptions(options),
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

/** A store that keeps nothing: `--only-hash` computes CIDs without writing blocks */
export const discardStore: WritableStorage = {
  put: async (cid) => cid
}

import { constants } from 'node:fs'
import { lstat, mkdir, open, rename, rm, statfs, symlink } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { NotEnoughSpaceError } from './errors.js'
import { DcxError, OutputPathError, storageFailure } from '../errors.js'
import { dagPbFileContent } from './file-content.js'
import { DEFAULT_MAX_ENTRIES, planGet } from './get-plan.js'
import { listDirectory, readUnixFSNode } from './unixfs-node.js'
import { resolveEntry } from './resolve.js'
import type { CidPath } from './cid-path.js'
import type { GetTotals } from './get-plan.js'
import type { FileNode } from './unixfs-node.js'
import type { AbortOptions } from 'abort-error'
import type { ReadableStorage } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'
import type { ProgressEvent, ProgressOptions } from 'progress-events'

export { DEFAULT_MAX_ENTRIES } from './get-plan.js'
export type { GetTotals } from './get-plan.js'

export type GetProgress =
  /** The tree has been counted: what will be written */
  ProgressEvent<'get:plan', GetTotals> |
  /** File bytes written so far, of `total` */
  ProgressEvent<'get:bytes', { done: number, total: number }>

export interface GetOptions extends AbortOptions, ProgressOptions<GetProgress> {
  /** Refuse a tree of more entries (files, directories, symlinks) than this; default `DEFAULT_MAX_ENTRIES` */
  maxEntries?: number
}

/** What `dcx get` wrote */
export interface GetResult extends GetTotals {
  path: string
}

/** The name Kubo gives a download when no `-o` is given: the last path segment, else the CID */
export function defaultOutputName (target: CidPath): string {
  return target.segments.at(-1) ?? target.cid.toString()
}

/** Flags for creating a file: never an existing one, never through a symlink */
const CREATE_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW

/** Why an OS call failed, in words, with its code */
function osReason (err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOSPC': return 'the file system is full (ENOSPC): free some space or choose another -o'
    case 'EDQUOT': return 'the disk quota is used up (EDQUOT)'
    case 'EACCES':
    case 'EPERM': return `permission denied (${err.code}): choose an -o you can write to`
    case 'EROFS': return 'the file system is read-only (EROFS)'
    case 'ENAMETOOLONG': return 'the name or path is too long for this file system (ENAMETOOLONG)'
    case 'EEXIST': return 'something already exists there (EEXIST; on a case-insensitive file system, two names may differ only in case)'
    case 'ELOOP': return 'it is a symlink, which get never writes through (ELOOP)'
    case 'ENOTDIR': return 'a part of the path is not a directory (ENOTDIR)'
    default: return err.code ?? err.message
  }
}

function isOsError (err: any): err is NodeJS.ErrnoException {
  return typeof err?.code === 'string' && /^E[A-Z]+$/.test(err.code) && typeof err?.syscall === 'string'
}

/**
 * Save a UnixFS file or tree to `out`.
 *
 * First the tree is counted (`planGet`): names are checked, repeated names,
 * entries beyond `maxEntries`, paths beyond the OS's limit and bytes beyond
 * the target's free space are refused before anything is written. Then it is
 * written under a temporary sibling and renamed into place, so a refusal, a
 * missing block or Ctrl-C never leaves anything at `out`. Files are created
 * with O_EXCL|O_NOFOLLOW, directories with a non-recursive mkdir and symlinks
 * with symlink(): nothing is ever written through a link, and every path is
 * checked to lie under the temporary root. Symlinks in the DAG are written as
 * symlinks (as Kubo does) and never followed. An existing `out` is never
 * overwritten.
 */
export async function get (target: CidPath, out: string, blockstore: ReadableStorage, options: GetOptions = {}): Promise<GetResult> {
  try {
    await lstat(out)
    throw new OutputPathError(out, 'it already exists: choose another -o or remove it')
  } catch (err: any) {
    if (err instanceof DcxError) throw err
    if (err.code !== 'ENOENT') throw new OutputPathError(out, osReason(err))
  }
  const tmp = resolve(dirname(out), `.${basename(out)}.dcx-partial-${process.pid}-${randomBytes(4).toString('hex')}`)
  const root = await resolveEntry(target, blockstore, options)
  const totals = await planGet(root.cid, blockstore, {
    signal: options.signal,
    maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
    rootPathBytes: Buffer.byteLength(tmp),
    what: target.text
  })
  // only now, so that a refused tree leaves not even the folders -o asked for
  try {
    await mkdir(dirname(out), { recursive: true })
  } catch (err: any) {
    throw storageFailure(err, out) ?? new OutputPathError(out, isOsError(err) ? osReason(err) : err.message)
  }
  await checkSpace(target, totals, dirname(tmp))
  options.onProgress?.({ type: 'get:plan', detail: totals } as GetProgress)
  try {
    await writeTree(root.cid, tmp, blockstore, totals, options)
    await rename(tmp, out)
    return { path: out, ...totals }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => {})
    // an OS error from writing (not from reading a block out of the repo, which names a file elsewhere)
    if (isOsError(err) && (err.path === undefined || isUnder(tmp, err.path))) throw storageFailure(err, out) ?? new OutputPathError(shownPath(err, tmp, out), osReason(err))
    throw err
  }
}

/** Refuse a tree whose bytes exceed the free space where it is to be written */
async function checkSpace (target: CidPath, totals: GetTotals, dir: string): Promise<void> {
  let free: number
  try {
    const s = await statfs(dir)
    free = s.bavail * s.bsize
  } catch {
    return // a file system that cannot say: the write itself will tell
  }
  if (totals.bytes > free) throw new NotEnoughSpaceError(target.text, totals.bytes, totals.entries, free, dir)
}

/** Whether `path` is `root` or lies below it */
function isUnder (root: string, path: string): boolean {
  const rel = relative(root, resolve(path))
  return !(rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
}

/** The path an OS error is about, as the user knows it: under `out`, not the temporary name */
function shownPath (err: NodeJS.ErrnoException, tmp: string, out: string): string {
  if (err.path === undefined) return out
  const rel = relative(tmp, err.path)
  return rel === '' ? out : join(out, rel)
}

/** Throw unless `path` is `root` or below it (names are checked already; this is the second lock on the door) */
function checkInside (root: string, path: string): void {
  if (!isUnder(root, path)) throw new OutputPathError(path, `it lies outside ${root}, refusing to write it`)
}

/** Write the tree under `root` at `path` (which must not exist), depth first, with an explicit stack */
async function writeTree (root: CID, path: string, store: ReadableStorage, totals: GetTotals, options: GetOptions): Promise<void> {
  const progress = { done: 0, total: totals.bytes }
  const tasks: Array<{ cid: CID, path: string }> = [{ cid: root, path }]
  while (tasks.length > 0) {
    options.signal?.throwIfAborted()
    const task = tasks.pop() as { cid: CID, path: string }
    checkInside(path, task.path)
    const node = await readUnixFSNode(task.cid, store, options)
    if (node.kind === 'symlink') {
      await symlink(Buffer.from(node.target), task.path)
    } else if (node.kind === 'file') {
      await writeFile(node, task.path, store, progress, options)
    } else {
      await mkdir(task.path)
      const children = []
      for await (const entry of listDirectory(node, store, options)) children.push(entry)
      for (let i = children.length - 1; i >= 0; i--) tasks.push({ cid: children[i].cid, path: join(task.path, children[i].name) })
    }
  }
}

async function writeFile (file: FileNode, path: string, store: ReadableStorage, progress: { done: number, total: number }, options: GetOptions): Promise<void> {
  const handle = await open(path, CREATE_FILE, 0o644)
  const content = async function * (): AsyncGenerator<Uint8Array> {
    const source = file.bytes !== undefined ? [file.bytes] : dagPbFileContent(file.cid, file.node as NonNullable<FileNode['node']>, store, { signal: options.signal })
    for await (const chunk of source) {
      progress.done += chunk.byteLength
      options.onProgress?.({ type: 'get:bytes', detail: { ...progress } } as GetProgress)
      yield chunk
    }
  }
  await pipeline(content(), handle.createWriteStream(), { signal: options.signal })
}

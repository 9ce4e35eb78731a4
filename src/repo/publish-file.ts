import { randomBytes } from 'node:crypto'
import { link, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { UnsupportedFileSystemError } from './errors.js'

/** link(2)'s ways of saying the file system has no hard links */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'])

/**
 * Create `path` holding exactly `data`, or not at all: the bytes go to a
 * unique temporary sibling (a dot file) first, which is then hard-linked to `path`.
 * link(2) fails if `path` exists, so this is an exclusive create, and a
 * reader never sees the file empty or half-written (which `open(wx)` then
 * `write` allows, and a full disk makes permanent). Returns false, leaving
 * nothing behind, when `path` exists already; any other failure (e.g. a full
 * disk) also leaves nothing behind, and is thrown as the OS gave it.
 */
export async function publishFile (path: string, data: string | Uint8Array, mode = 0o600): Promise<boolean> {
  // A dot file, so that listings of names (keys) never show it
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(tmp, data, { mode, flag: 'wx' })
    await link(tmp, path)
    return true
  } catch (err: any) {
    if (err.code === 'EEXIST' && err.syscall === 'link') return false
    if (err.syscall === 'link' && NO_HARD_LINKS.has(err.code)) throw new UnsupportedFileSystemError(path, 'has no hard links, which dcx needs to create its lock and key files whole')
    throw err
  } finally {
    await unlink(tmp).catch(() => {})
  }
}

/** The pid in `name` if it is a temp file of `publishFile` for `base` (left there when its process died between write and unlink) */
export function publishTempPid (name: string, base: string): number | undefined {
  if (!name.startsWith(`.${base}.`)) return undefined
  const m = /^(\d+)-[0-9a-f]{12}\.tmp$/.exec(name.slice(base.length + 2))
  return m == null ? undefined : Number(m[1])
}

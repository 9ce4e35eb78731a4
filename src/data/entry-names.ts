import { DuplicateEntryError, UnsafeEntryNameError } from './errors.js'

/** Longest entry name, in UTF-8 bytes, that dcx writes or mounts (NAME_MAX on Linux and macOS) */
export const MAX_NAME_BYTES = 255

const encoder = new TextEncoder()

/**
 * Throw `UnsafeEntryNameError` unless `name` can be one path component on
 * every file system dcx writes to and in a job's tree: not empty, not `.` or
 * `..`, no `/` or NUL, at most 255 UTF-8 bytes. `dir` names the directory in
 * the message (its CID).
 */
export function checkEntryName (name: string, dir: string): void {
  let why: string | undefined
  if (name === '') why = 'is empty'
  else if (name === '.' || name === '..') why = 'refers to a directory itself'
  else if (name.includes('/')) why = 'contains a /'
  else if (name.includes('\0')) why = 'contains a NUL byte'
  else if (encoder.encode(name).length > MAX_NAME_BYTES) why = `is longer than ${MAX_NAME_BYTES} bytes`
  if (why !== undefined) throw new UnsafeEntryNameError(name, dir, why)
}

/**
 * The names seen so far in one directory: every name is checked with
 * `checkEntryName`, and a name seen twice throws `DuplicateEntryError`
 * (a DAG may list one name twice; the second must never shadow the first or
 * be written through it). A `Set`, never a plain object, so `__proto__` is a
 * name like any other.
 */
export class EntryNames {
  private readonly seen = new Set<string>()
  constructor (private readonly dir: string) {}

  /** Check `name` and remember it */
  add (name: string): void {
    checkEntryName(name, this.dir)
    if (this.seen.has(name)) throw new DuplicateEntryError(name, this.dir)
    this.seen.add(name)
  }
}

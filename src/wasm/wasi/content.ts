import { closeSync, ftruncateSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { E } from './constants.js'
import { fail } from './errno.js'
import type { FileExtent } from '../protocol.js'

/** Bytes of a file in the virtual tree, read and written synchronously from the guest's thread */
export interface FileContent {
  readonly writable: boolean
  size (): number
  /** Copies bytes at `offset` into `dst`; returns how many (0 at or past the end) */
  read (offset: number, dst: Uint8Array): number
  write (offset: number, src: Uint8Array): void
  truncate (size: number): void
  /** Where the bytes are once the run ends: in memory, or spilled to a host file */
  settle (): { bytes: Uint8Array } | { spill: string, size: number }
  release (): void
}

/** Read-only bytes held in memory */
export class BytesContent implements FileContent {
  readonly writable = false
  constructor (private readonly bytes: Uint8Array) {}
  size (): number { return this.bytes.length }
  read (offset: number, dst: Uint8Array): number {
    if (offset >= this.bytes.length) return 0
    const n = Math.min(dst.length, this.bytes.length - offset)
    dst.set(this.bytes.subarray(offset, offset + n))
    return n
  }

  write (): void { fail(E.ROFS) }
  truncate (): void { fail(E.ROFS) }
  settle (): { bytes: Uint8Array } { return { bytes: this.bytes } }
  release (): void {}
}

const NO_BYTES = new Uint8Array(0)

/** Reads `length` bytes at `offset` of a read-only source, blocking the guest's thread */
export type SyncSourceReader = (source: number, offset: number, length: number) => Uint8Array

/**
 * A read-only file whose bytes come from the main thread on demand (for
 * example a UnixFS file in the blockstore). Reads are served from a window
 * fetched in large pieces, so a guest reading 4 KiB at a time costs one
 * round trip per window, not per read.
 */
export class LazyContent implements FileContent {
  readonly writable = false
  private windowStart = 0
  // one shared empty window until the first read: a listed directory may hold a million files nobody opens
  private window: Uint8Array = NO_BYTES
  constructor (private readonly source: number, private readonly length: number,
    private readonly fetch: SyncSourceReader, private readonly windowSize: number) {}

  size (): number { return this.length }
  read (offset: number, dst: Uint8Array): number {
    if (offset >= this.length) return 0
    const want = Math.min(dst.length, this.length - offset)
    let done = 0
    while (done < want) {
      const at = offset + done
      if (at < this.windowStart || at >= this.windowStart + this.window.length) {
        this.window = this.fetch(this.source, at, Math.min(this.windowSize, this.length - at))
        this.windowStart = at
        if (this.window.length === 0) fail(E.IO)
      }
      const from = at - this.windowStart
      const n = Math.min(want - done, this.window.length - from)
      dst.set(this.window.subarray(from, from + n), done)
      done += n
    }
    return done
  }

  write (): void { fail(E.ROFS) }
  truncate (): void { fail(E.ROFS) }
  settle (): never { throw new Error('read-only input files are not outputs') }
  release (): void {}
}

/**
 * Reads `dst.length` bytes of the host file `path` at `position`: opened,
 * read and closed in one call, so a worker stopped at any moment holds no
 * descriptor. Returns how many bytes it got (fewer at the file's end), or -1
 * when the file cannot be read.
 */
export function readHostFile (path: string, dst: Uint8Array, position: number): number {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return -1
  }
  try {
    let done = 0
    while (done < dst.length) {
      const n = readSync(fd, dst, done, dst.length - done, position + done)
      if (n === 0) break
      done += n
    }
    return done
  } catch {
    return -1
  } finally {
    closeSync(fd)
  }
}

/** What a direct file asks of the main thread, blocking the guest's thread */
export interface DirectSource {
  /** Where the bytes from `offset` on lie: consecutive extents, the first holding `offset` */
  extents: (offset: number) => FileExtent[]
  /** Up to `length` bytes at `offset` through the bridge (extents with no host file, and host files that fail) */
  fetch: (offset: number, length: number) => Uint8Array
  /** The guest is about to see bytes of a host file: the main thread checks them */
  check: (check: string) => void
  /** Bytes read from host files, for progress */
  read?: (bytes: number) => void
}

/**
 * One window of input bytes for all direct files of a run: small reads are
 * served from it, and a run that opens many files holds one window, not
 * one per file.
 */
export class SharedWindow {
  owner: unknown
  start = 0
  bytes: Uint8Array = NO_BYTES
  readonly buffer: Uint8Array
  constructor (readonly size: number) {
    this.buffer = new Uint8Array(size)
  }
}

/**
 * A read-only file whose bytes lie in host files (the repo's block files),
 * read by the guest's thread itself: the main thread only says where they
 * lie, a batch of extents at a time. A read of at least a window goes from
 * the host file straight into the guest's memory; smaller reads are served
 * from a window read in one piece. Bytes the host files do not hold (a block
 * the repo lacks) or cannot give (a file gone or shorter than said) come
 * through the bridge, where the main thread reads the blockstore and names
 * what is wrong.
 */
export class DirectContent implements FileContent {
  readonly writable = false
  private extents: FileExtent[] = []
  private hint = 0
  private lastCheck: string | undefined
  constructor (private readonly length: number, private readonly source: DirectSource, private readonly window: SharedWindow) {}

  size (): number { return this.length }

  /** The extent holding `at`, asking the main thread for the next batch when it is not in this one */
  private extentAt (at: number): FileExtent {
    const found = this.find(at)
    if (found !== undefined) return found
    this.extents = this.source.extents(at)
    this.hint = 0
    const e = this.find(at)
    if (e === undefined) fail(E.IO)
    return e
  }

  private find (at: number): FileExtent | undefined {
    const list = this.extents
    const h = list[this.hint]
    if (h !== undefined && at >= h.start && at < h.start + h.length) return h
    let lo = 0
    let hi = list.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const e = list[mid]
      if (at < e.start) hi = mid - 1
      else if (at >= e.start + e.length) lo = mid + 1
      else {
        this.hint = mid
        return e
      }
    }
    return undefined
  }

  read (offset: number, dst: Uint8Array): number {
    if (offset >= this.length) return 0
    const want = Math.min(dst.length, this.length - offset)
    const w = this.window
    let done = 0
    while (done < want) {
      const at = offset + done
      if (w.owner === this && at >= w.start && at < w.start + w.bytes.length) {
        const from = at - w.start
        const n = Math.min(want - done, w.bytes.length - from)
        dst.set(w.bytes.subarray(from, from + n), done)
        done += n
        continue
      }
      const e = this.extentAt(at)
      const left = e.start + e.length - at
      if (e.path !== undefined) {
        if (e.check !== undefined && e.check !== this.lastCheck) {
          this.source.check(e.check)
          this.lastCheck = e.check
        }
        const position = e.at! + (at - e.start)
        if (want - done >= w.size) {
          // a large read: from the host file straight into the guest's memory
          const n = Math.min(want - done, left)
          if (readHostFile(e.path, dst.subarray(done, done + n), position) === n) {
            this.source.read?.(n)
            done += n
            continue
          }
        } else {
          const n = Math.min(w.size, left)
          const bytes = w.buffer.subarray(0, n)
          if (readHostFile(e.path, bytes, position) === n) {
            this.source.read?.(n)
            this.fill(at, bytes)
            continue
          }
        }
      }
      const fetched = this.source.fetch(at, Math.min(w.size, this.length - at))
      if (fetched.length === 0) fail(E.IO)
      this.fill(at, fetched)
    }
    return done
  }

  private fill (start: number, bytes: Uint8Array): void {
    this.window.owner = this
    this.window.start = start
    this.window.bytes = bytes
  }

  write (): void { fail(E.ROFS) }
  truncate (): void { fail(E.ROFS) }
  settle (): never { throw new Error('read-only input files are not outputs') }
  release (): void {}
}

/** Bytes the writable part of the tree may hold in all, shared by its files */
export class SpaceBudget {
  used = 0
  memory = 0
  private seq = 0
  constructor (readonly cap: number, readonly memoryCap: number, readonly spillDir: string) {}
  nextSpillPath (): string { return join(this.spillDir, `f${this.seq++}`) }
}

/**
 * A writable file: in memory while small, moved to a host temp file once it
 * (or the tree's in-memory total) grows past a threshold, so large outputs
 * do not grow the heap. Every byte counts against the tree's budget; going
 * over fails the write with ENOSPC, as a full disk would.
 */
export class WritableContent implements FileContent {
  readonly writable = true
  private buf = new Uint8Array(0)
  private length = 0
  private fd = -1
  private path = ''
  constructor (private readonly budget: SpaceBudget, private readonly spillAt: number) {}

  size (): number { return this.length }

  read (offset: number, dst: Uint8Array): number {
    if (offset >= this.length) return 0
    const n = Math.min(dst.length, this.length - offset)
    if (this.fd >= 0) return readSync(this.fd, dst, 0, n, offset)
    dst.set(this.buf.subarray(offset, offset + n))
    return n
  }

  private resize (size: number): void {
    const delta = size - this.length
    if (delta > 0 && this.budget.used + delta > this.budget.cap) fail(E.NOSPC)
    this.budget.used += delta
    if (this.fd < 0 && (size > this.spillAt || this.budget.memory + delta > this.budget.memoryCap)) this.spill()
    if (this.fd >= 0) {
      if (size !== this.length) ftruncateSync(this.fd, size)
    } else {
      if (size > this.buf.length) {
        const next = new Uint8Array(Math.max(size, Math.min(this.buf.length * 2, this.spillAt)))
        next.set(this.buf.subarray(0, this.length))
        this.budget.memory += next.length - this.buf.length
        this.buf = next
      } else if (size < this.length) {
        this.buf.fill(0, size, this.length)
      }
    }
    this.length = size
  }

  private spill (): void {
    this.path = this.budget.nextSpillPath()
    this.fd = openSync(this.path, 'w+', 0o600)
    if (this.length > 0) writeSync(this.fd, this.buf, 0, this.length, 0)
    this.budget.memory -= this.buf.length
    this.buf = new Uint8Array(0)
  }

  write (offset: number, src: Uint8Array): void {
    const end = offset + src.length
    if (end > this.length) this.resize(end)
    if (this.fd >= 0) {
      let done = 0
      while (done < src.length) done += writeSync(this.fd, src, done, src.length - done, offset + done)
    } else {
      this.buf.set(src, offset)
    }
  }

  truncate (size: number): void { this.resize(size) }

  private settled?: { bytes: Uint8Array } | { spill: string, size: number }
  settle (): { bytes: Uint8Array } | { spill: string, size: number } {
    if (this.settled !== undefined) return this.settled
    if (this.fd >= 0) {
      closeSync(this.fd)
      this.fd = -1
      this.settled = { spill: this.path, size: this.length }
    } else {
      this.settled = { bytes: this.buf.slice(0, this.length) }
    }
    return this.settled
  }

  release (): void {
    this.budget.used -= this.length
    if (this.fd >= 0) {
      closeSync(this.fd)
      this.fd = -1
      try { unlinkSync(this.path) } catch {}
    } else {
      this.budget.memory -= this.buf.length
    }
    this.buf = new Uint8Array(0)
    this.length = 0
  }
}

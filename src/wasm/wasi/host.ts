import type { Capture } from './capture.js'
import {
  ALL_RIGHTS, CLOCK, DIR_RIGHTS, E, EVENTTYPE, FDFLAGS, FILE_RIGHTS, FILETYPE, FSTFLAGS, LOOKUP_SYMLINK_FOLLOW,
  OFLAGS, RIGHTS, WHENCE
} from './constants.js'
import type { FileContent } from './content.js'
import { fail, WasiErrno } from './errno.js'
import { FdTable, type Fd, type FileFd } from './fds.js'
import { DirNode, FileNode, SymlinkNode, type Node, type Tree } from './tree.js'
import type { World } from './world.js'
import { EPOCH_NS } from '../abi.js'
import type { LimitHit } from '../protocol.js'

/** proc_exit: unwinds the guest; the runner turns it into an exit status */
export class ProcExit extends Error {
  constructor (readonly code: number) { super(`exit ${code}`) }
}

/** A host call found the job's fuel already spent */
export class FuelExhausted extends Error {
  constructor () { super('out of fuel') }
}

export interface HostOptions {
  tree: Tree
  /** argv, argv[0] first */
  args: string[]
  /** Environment entries in order, as "K=V" */
  env: string[]
  world: World
  stdout: Capture
  stderr: Capture
  /** Makes writable files in the tree (under writable directories) */
  newFile: () => FileContent
  /** Throws FuelExhausted when the job has spent its fuel; called on every host call */
  checkFuel: () => void
  /** Preopen the tree's root as "/" on fd 3 (jobs always do; a suite's test without a root does not) */
  preopen: boolean
  /** Names the writable directories may hold together; past it, creating one fails with EDQUOT */
  maxEntries: number
  /** Deepest a directory may sit below the root; past it, mkdir fails with ENAMETOOLONG */
  maxDirDepth: number
  /** Told each time the job runs into a limit it can go on from */
  onLimit: (hit: LimitHit) => void
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })
const STDIO_RIGHTS = RIGHTS.FD_READ | RIGHTS.FD_WRITE | RIGHTS.FD_FDSTAT_SET_FLAGS | RIGHTS.FD_FILESTAT_GET | RIGHTS.POLL_FD_READWRITE
const MAX_IO = 0x7fffffff

/**
 * A deterministic WASI preview1 host over a virtual tree. Every function of
 * preview1 is here; each returns an errno and never lets a host exception
 * other than ProcExit or FuelExhausted reach the guest.
 */
export class WasiHost {
  private memory?: WebAssembly.Memory
  private readonly fds = new FdTable()
  private readonly args: Uint8Array[]
  private readonly env: Uint8Array[]
  private readonly tree: Tree

  constructor (private readonly o: HostOptions) {
    this.tree = o.tree
    this.args = o.args.map(a => encoder.encode(a + '\0'))
    this.env = o.env.map(e => encoder.encode(e + '\0'))
    this.fds.set(0, { kind: 'stdin', rightsBase: STDIO_RIGHTS, rightsInheriting: 0n, flags: 0 })
    this.fds.set(1, { kind: 'stdout', rightsBase: STDIO_RIGHTS, rightsInheriting: 0n, flags: FDFLAGS.APPEND })
    this.fds.set(2, { kind: 'stderr', rightsBase: STDIO_RIGHTS, rightsInheriting: 0n, flags: FDFLAGS.APPEND })
    if (o.preopen) this.fds.set(3, { kind: 'dir', node: o.tree.root, preopen: '/', rightsBase: DIR_RIGHTS, rightsInheriting: ALL_RIGHTS, flags: 0 })
  }

  /**
   * A name is about to be added to a writable directory: EDQUOT past the
   * entry limit, as a file system out of inodes says. Each name costs host
   * memory here and when the outputs are stored.
   */
  private create (): void {
    if (this.tree.writableNames >= this.o.maxEntries) {
      this.o.onLimit('output-entries')
      fail(E.DQUOT)
    }
  }

  /** A directory with `height` levels below it is about to be placed under `parent` */
  private checkDepth (parent: DirNode, height: number): void {
    if (parent.depth() + 1 + height > this.o.maxDirDepth) {
      this.o.onLimit('output-depth')
      fail(E.NAMETOOLONG)
    }
  }

  /** The guest's memory, once instantiated */
  bind (memory: WebAssembly.Memory): void { this.memory = memory }

  private get view (): DataView { return new DataView(this.memory!.buffer) }
  private get u8 (): Uint8Array { return new Uint8Array(this.memory!.buffer) }

  private str (ptr: number, len: number): string {
    try {
      return decoder.decode(this.u8.subarray(ptr, ptr + len))
    } catch {
      return fail(E.INVAL)
    }
  }

  private iovs (ptr: number, count: number): Uint8Array[] {
    const v = this.view
    const u8 = this.u8
    const out: Uint8Array[] = []
    for (let i = 0; i < count; i++) {
      const buf = v.getUint32(ptr + i * 8, true)
      const len = v.getUint32(ptr + i * 8 + 4, true)
      if (buf + len > u8.length) fail(E.FAULT)
      out.push(u8.subarray(buf, buf + len))
    }
    return out
  }

  /** The import object for `wasi_snapshot_preview1` */
  imports (): Record<string, (...args: any[]) => number | undefined> {
    const table: Record<string, (...args: any[]) => number | undefined> = {}
    const proto = Object.getPrototypeOf(this) as Record<string, unknown>
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (!name.startsWith('wasi_')) continue
      const fn = (this as any)[name] as (...args: any[]) => number | undefined
      const call = (...args: any[]): number | undefined => {
        this.o.checkFuel()
        try {
          return fn.apply(this, args)
        } catch (err) {
          if (err instanceof WasiErrno) return err.errno
          if (err instanceof RangeError) return E.FAULT
          throw err
        }
      }
      table[name.slice(5)] = call
    }
    return table
  }

  // --- args, environment, clocks, randomness, process ----------------------

  wasi_args_sizes_get (argcPtr: number, sizePtr: number): number {
    this.view.setUint32(argcPtr, this.args.length, true)
    this.view.setUint32(sizePtr, this.args.reduce((n, a) => n + a.length, 0), true)
    return E.SUCCESS
  }

  wasi_args_get (argvPtr: number, bufPtr: number): number { return this.strings(this.args, argvPtr, bufPtr) }

  wasi_environ_sizes_get (countPtr: number, sizePtr: number): number {
    this.view.setUint32(countPtr, this.env.length, true)
    this.view.setUint32(sizePtr, this.env.reduce((n, a) => n + a.length, 0), true)
    return E.SUCCESS
  }

  wasi_environ_get (envPtr: number, bufPtr: number): number { return this.strings(this.env, envPtr, bufPtr) }

  private strings (list: Uint8Array[], ptrs: number, buf: number): number {
    const v = this.view
    const u8 = this.u8
    for (let i = 0; i < list.length; i++) {
      v.setUint32(ptrs + i * 4, buf, true)
      if (buf + list[i].length > u8.length) fail(E.FAULT)
      u8.set(list[i], buf)
      buf += list[i].length
    }
    return E.SUCCESS
  }

  wasi_clock_res_get (id: number, resPtr: number): number {
    if (id > CLOCK.THREAD_CPUTIME) return E.INVAL
    this.view.setBigUint64(resPtr, 1n, true)
    return E.SUCCESS
  }

  wasi_clock_time_get (id: number, _precision: bigint, timePtr: number): number {
    let t: bigint
    switch (id) {
      case CLOCK.REALTIME: t = this.o.world.realtime(); break
      case CLOCK.MONOTONIC: case CLOCK.PROCESS_CPUTIME: case CLOCK.THREAD_CPUTIME: t = this.o.world.monotonic(); break
      default: return E.INVAL
    }
    this.view.setBigUint64(timePtr, t, true)
    return E.SUCCESS
  }

  wasi_random_get (ptr: number, len: number): number {
    const u8 = this.u8
    if (ptr + len > u8.length) return E.FAULT
    this.o.world.random(u8.subarray(ptr, ptr + len))
    return E.SUCCESS
  }

  wasi_sched_yield (): number { return E.SUCCESS }

  wasi_proc_exit (code: number): never { throw new ProcExit(code >>> 0) }

  wasi_proc_raise (_sig: number): number { return E.NOSYS }

  wasi_poll_oneoff (inPtr: number, outPtr: number, nsubs: number, neventsPtr: number): number {
    if (nsubs === 0) return E.INVAL
    const v = this.view
    const events: Array<[bigint, number, number, bigint]> = [] // userdata, errno, type, nbytes
    const clocks: Array<[bigint, bigint | null]> = [] // userdata, deadline (null: bad clock)
    for (let i = 0; i < nsubs; i++) {
      const at = inPtr + i * 48
      const userdata = v.getBigUint64(at, true)
      const tag = v.getUint8(at + 8)
      if (tag === EVENTTYPE.CLOCK) {
        const id = v.getUint32(at + 16, true)
        const timeout = v.getBigUint64(at + 24, true)
        const abs = (v.getUint16(at + 40, true) & 1) !== 0
        let deadline: bigint | null
        if (id === CLOCK.REALTIME) deadline = abs ? timeout - EPOCH_NS : this.o.world.monotonic() + timeout
        else if (id <= CLOCK.THREAD_CPUTIME) deadline = abs ? timeout : this.o.world.monotonic() + timeout
        else deadline = null
        clocks.push([userdata, deadline])
      } else if (tag === EVENTTYPE.FD_READ || tag === EVENTTYPE.FD_WRITE) {
        const fd = v.getUint32(at + 16, true)
        if (!this.fds.has(fd)) { events.push([userdata, E.BADF, tag, 0n]); continue }
        const f = this.fds.get(fd)
        let nbytes = 0n
        if (tag === EVENTTYPE.FD_READ && f.kind === 'file') nbytes = BigInt(Math.max(0, f.node.content.size() - f.pos))
        events.push([userdata, E.SUCCESS, tag, nbytes])
      } else {
        return E.INVAL
      }
    }
    for (const [userdata, deadline] of clocks) if (deadline === null) events.push([userdata, E.INVAL, EVENTTYPE.CLOCK, 0n])
    if (events.length === 0) {
      // nothing is ready but time: advance virtual time to the first deadline
      let first: bigint | null = null
      for (const [, d] of clocks) if (d !== null && (first === null || d < first)) first = d
      if (first !== null) {
        this.o.world.sleepUntil(first)
        for (const [userdata, d] of clocks) if (d !== null && d <= first) events.push([userdata, E.SUCCESS, EVENTTYPE.CLOCK, 0n])
      }
    }
    events.forEach(([userdata, errno, type, nbytes], i) => {
      const at = outPtr + i * 32
      v.setBigUint64(at, userdata, true)
      v.setUint16(at + 8, errno, true)
      v.setUint8(at + 10, type)
      v.setBigUint64(at + 16, nbytes, true)
      v.setUint16(at + 24, 0, true)
    })
    v.setUint32(neventsPtr, events.length, true)
    return E.SUCCESS
  }

  // --- sockets: jobs have no network ------------------------------------------

  private notSocket (fd: number): number { this.fds.get(fd); return E.NOTSOCK }
  wasi_sock_accept (fd: number): number { return this.notSocket(fd) }
  wasi_sock_recv (fd: number): number { return this.notSocket(fd) }
  wasi_sock_send (fd: number): number { return this.notSocket(fd) }
  wasi_sock_shutdown (fd: number): number { return this.notSocket(fd) }

  // --- descriptors --------------------------------------------------------------

  wasi_fd_write (fd: number, iovs: number, count: number, nwrittenPtr: number): number {
    const f = this.fds.get(fd)
    const bufs = this.iovs(iovs, count)
    let n = 0
    if (f.kind === 'stdout' || f.kind === 'stderr') {
      const cap = f.kind === 'stdout' ? this.o.stdout : this.o.stderr
      for (const b of bufs) { cap.write(b); n += b.length }
    } else if (f.kind === 'file') {
      if ((f.rightsBase & RIGHTS.FD_WRITE) === 0n) return E.BADF
      if (f.append) f.pos = f.node.content.size()
      n = this.writeAt(f, f.pos, bufs)
      f.pos += n
    } else if (f.kind === 'dir') {
      return E.ISDIR
    } else {
      return E.BADF
    }
    this.view.setUint32(nwrittenPtr, n, true)
    return E.SUCCESS
  }

  wasi_fd_pwrite (fd: number, iovs: number, count: number, offset: bigint, nwrittenPtr: number): number {
    return this.positioned(fd, iovs, count, offset, nwrittenPtr, RIGHTS.FD_WRITE, (f, at, bufs) => this.writeAt(f, at, bufs))
  }

  /** pread and pwrite: at an offset, leaving the descriptor's position alone */
  private positioned (fd: number, iovs: number, count: number, offset: bigint, resultPtr: number, right: bigint,
    io: (f: FileFd, at: number, bufs: Uint8Array[]) => number): number {
    const f = this.fds.file(fd)
    if ((f.rightsBase & right) === 0n) return E.BADF
    const n = io(f, this.offset(offset), this.iovs(iovs, count))
    this.view.setUint32(resultPtr, n, true)
    return E.SUCCESS
  }

  private writeAt (f: FileFd, at: number, bufs: Uint8Array[]): number {
    if (!f.node.writable) fail(E.ROFS)
    let n = 0
    for (const b of bufs) {
      if (n + b.length > MAX_IO) break
      f.node.content.write(at + n, b)
      n += b.length
    }
    return n
  }

  private offset (x: bigint): number {
    if (x < 0n || x > BigInt(Number.MAX_SAFE_INTEGER)) fail(E.INVAL)
    return Number(x)
  }

  wasi_fd_read (fd: number, iovs: number, count: number, nreadPtr: number): number {
    const f = this.fds.get(fd)
    let n = 0
    if (f.kind === 'file') {
      if ((f.rightsBase & RIGHTS.FD_READ) === 0n) return E.BADF
      n = this.readAt(f, f.pos, this.iovs(iovs, count))
      f.pos += n
    } else if (f.kind === 'dir') {
      return E.ISDIR
    } else if (f.kind !== 'stdin') {
      return E.BADF
    }
    this.view.setUint32(nreadPtr, n, true)
    return E.SUCCESS
  }

  wasi_fd_pread (fd: number, iovs: number, count: number, offset: bigint, nreadPtr: number): number {
    return this.positioned(fd, iovs, count, offset, nreadPtr, RIGHTS.FD_READ, (f, at, bufs) => this.readAt(f, at, bufs))
  }

  private readAt (f: FileFd, at: number, bufs: Uint8Array[]): number {
    let n = 0
    for (const b of bufs) {
      const got = f.node.content.read(at + n, b)
      n += got
      if (got < b.length) break
    }
    return n
  }

  wasi_fd_seek (fd: number, offset: bigint, whence: number, newOffsetPtr: number): number {
    const f = this.fds.file(fd)
    let base: number
    switch (whence) {
      case WHENCE.SET: base = 0; break
      case WHENCE.CUR: base = f.pos; break
      case WHENCE.END: base = f.node.content.size(); break
      default: return E.INVAL
    }
    const next = BigInt(base) + offset
    if (next < 0n) return E.INVAL
    f.pos = this.offset(next)
    this.view.setBigUint64(newOffsetPtr, next, true)
    return E.SUCCESS
  }

  wasi_fd_tell (fd: number, offsetPtr: number): number {
    const f = this.fds.file(fd)
    this.view.setBigUint64(offsetPtr, BigInt(f.pos), true)
    return E.SUCCESS
  }

  wasi_fd_close (fd: number): number {
    const f = this.fds.delete(fd)
    if (f.kind === 'file') this.closed(f.node)
    return E.SUCCESS
  }

  private closed (node: FileNode): void {
    node.open--
    if (node.open === 0 && node.nlink === 0) node.content.release()
  }

  wasi_fd_renumber (from: number, to: number): number {
    const f = this.fds.get(from)
    this.fds.get(to)
    if (from === to) return E.SUCCESS
    const old = this.fds.delete(to)
    if (old.kind === 'file') this.closed(old.node)
    this.fds.delete(from)
    this.fds.set(to, f)
    return E.SUCCESS
  }

  wasi_fd_fdstat_get (fd: number, ptr: number): number {
    const f = this.fds.get(fd)
    const v = this.view
    v.setUint8(ptr, this.filetypeOfFd(f))
    v.setUint8(ptr + 1, 0)
    v.setUint16(ptr + 2, f.flags | (f.kind === 'file' && f.append ? FDFLAGS.APPEND : 0), true)
    v.setUint32(ptr + 4, 0, true)
    v.setBigUint64(ptr + 8, f.rightsBase, true)
    v.setBigUint64(ptr + 16, f.rightsInheriting, true)
    return E.SUCCESS
  }

  private filetypeOfFd (f: Fd): number {
    // captured streams are not terminals: wasmtime reports a redirected stdio as UNKNOWN too
    return f.kind === 'file' ? FILETYPE.REGULAR_FILE : f.kind === 'dir' ? FILETYPE.DIRECTORY : FILETYPE.UNKNOWN
  }

  wasi_fd_fdstat_set_flags (fd: number, flags: number): number {
    const f = this.fds.get(fd)
    if ((flags & ~(FDFLAGS.APPEND | FDFLAGS.DSYNC | FDFLAGS.NONBLOCK | FDFLAGS.RSYNC | FDFLAGS.SYNC)) !== 0) return E.INVAL
    if (f.kind === 'file') f.append = (flags & FDFLAGS.APPEND) !== 0
    f.flags = flags & ~FDFLAGS.APPEND
    return E.SUCCESS
  }

  wasi_fd_fdstat_set_rights (fd: number, base: bigint, inheriting: bigint): number {
    const f = this.fds.get(fd)
    if ((base & ~f.rightsBase) !== 0n || (inheriting & ~f.rightsInheriting) !== 0n) return E.NOTCAPABLE
    f.rightsBase = base
    f.rightsInheriting = inheriting
    return E.SUCCESS
  }

  wasi_fd_filestat_get (fd: number, ptr: number): number {
    const f = this.fds.get(fd)
    if (f.kind === 'file' || f.kind === 'dir') this.writeStat(ptr, f.node)
    else this.writeStdioStat(ptr)
    return E.SUCCESS
  }

  wasi_fd_filestat_set_size (fd: number, size: bigint): number {
    const f = this.fds.file(fd)
    if ((f.rightsBase & RIGHTS.FD_WRITE) === 0n) return E.BADF
    if (!f.node.writable) return E.ROFS
    f.node.content.truncate(this.offset(size))
    return E.SUCCESS
  }

  wasi_fd_filestat_set_times (fd: number, atim: bigint, mtim: bigint, flags: number): number {
    const f = this.fds.get(fd)
    if (f.kind !== 'file' && f.kind !== 'dir') return E.BADF
    return this.setTimes(f.node, atim, mtim, flags)
  }

  wasi_fd_advise (fd: number, offset: bigint, len: bigint, advice: number): number {
    const f = this.fds.get(fd)
    if (advice > 5 || offset < 0n || len < 0n) return E.INVAL
    if (f.kind === 'dir') return E.BADF
    if (f.kind !== 'file') return E.SPIPE
    return E.SUCCESS
  }

  wasi_fd_allocate (fd: number, offset: bigint, len: bigint): number {
    const f = this.fds.file(fd)
    if ((f.rightsBase & RIGHTS.FD_WRITE) === 0n) return E.BADF
    if (!f.node.writable) return E.ROFS
    const end = this.offset(offset + len)
    if (end > f.node.content.size()) f.node.content.truncate(end)
    return E.SUCCESS
  }

  wasi_fd_datasync (fd: number): number { this.fds.get(fd); return E.SUCCESS }
  wasi_fd_sync (fd: number): number { this.fds.get(fd); return E.SUCCESS }

  wasi_fd_prestat_get (fd: number, ptr: number): number {
    const f = this.fds.get(fd)
    if (f.kind !== 'dir' || f.preopen === undefined) return E.BADF
    this.view.setUint8(ptr, 0)
    this.view.setUint32(ptr + 4, encoder.encode(f.preopen).length, true)
    return E.SUCCESS
  }

  wasi_fd_prestat_dir_name (fd: number, ptr: number, len: number): number {
    const f = this.fds.get(fd)
    if (f.kind !== 'dir' || f.preopen === undefined) return E.BADF
    const name = encoder.encode(f.preopen)
    if (len < name.length) return E.NAMETOOLONG
    this.u8.set(name, ptr)
    return E.SUCCESS
  }

  wasi_fd_readdir (fd: number, buf: number, len: number, cookie: bigint, usedPtr: number): number {
    const f = this.fds.get(fd)
    if (f.kind !== 'dir') return E.NOTDIR
    const dir = f.node
    const names = dir.sortedNames()
    const u8 = this.u8
    const v = this.view
    let used = 0
    const entry = new Uint8Array(24)
    const ev = new DataView(entry.buffer)
    // cookie i is the i-th entry: '.' and '..' first, then the sorted names
    for (let i = Number(cookie); i < names.length + 2 && used < len; i++) {
      const node = i === 0 ? dir : i === 1 ? (dir.parent ?? dir) : dir.entries.get(names[i - 2])!
      const name = encoder.encode(i === 0 ? '.' : i === 1 ? '..' : names[i - 2])
      ev.setBigUint64(0, BigInt(i + 1), true)
      ev.setBigUint64(8, node.ino, true)
      ev.setUint32(16, name.length, true)
      ev.setUint8(20, node.filetype)
      const whole = new Uint8Array(24 + name.length)
      whole.set(entry); whole.set(name, 24)
      const n = Math.min(whole.length, len - used)
      u8.set(whole.subarray(0, n), buf + used)
      used += n
    }
    v.setUint32(usedPtr, used, true)
    return E.SUCCESS
  }

  // --- paths ----------------------------------------------------------------------

  private at (fd: number, pathPtr: number, pathLen: number, follow: boolean) {
    const dir = this.fds.dir(fd)
    return this.tree.resolve(dir.node, this.str(pathPtr, pathLen), follow)
  }

  private writeStat (ptr: number, node: Node): void {
    const v = this.view
    v.setBigUint64(ptr, 1n, true)
    v.setBigUint64(ptr + 8, node.ino, true)
    v.setUint8(ptr + 16, node.filetype)
    for (let i = 17; i < 24; i++) v.setUint8(ptr + i, 0)
    v.setBigUint64(ptr + 24, BigInt(node.nlink), true)
    const size = node instanceof FileNode ? node.content.size() : node instanceof SymlinkNode ? encoder.encode(node.target).length : 0
    v.setBigUint64(ptr + 32, BigInt(size), true)
    v.setBigUint64(ptr + 40, node.atim, true)
    v.setBigUint64(ptr + 48, node.mtim, true)
    v.setBigUint64(ptr + 56, node.ctim, true)
  }

  private writeStdioStat (ptr: number): void {
    const v = this.view
    for (let i = 0; i < 64; i += 8) v.setBigUint64(ptr + i, 0n, true)
    v.setUint8(ptr + 16, FILETYPE.UNKNOWN)
  }

  private setTimes (node: Node, atim: bigint, mtim: bigint, flags: number): number {
    if (((flags & FSTFLAGS.ATIM) !== 0 && (flags & FSTFLAGS.ATIM_NOW) !== 0) ||
        ((flags & FSTFLAGS.MTIM) !== 0 && (flags & FSTFLAGS.MTIM_NOW) !== 0) || flags > 15) return E.INVAL
    if (!this.writableNode(node)) return E.ROFS
    const now = (flags & (FSTFLAGS.ATIM_NOW | FSTFLAGS.MTIM_NOW)) !== 0 ? this.o.world.realtime() : 0n
    if ((flags & FSTFLAGS.ATIM) !== 0) node.atim = atim
    if ((flags & FSTFLAGS.ATIM_NOW) !== 0) node.atim = now
    if ((flags & FSTFLAGS.MTIM) !== 0) node.mtim = mtim
    if ((flags & FSTFLAGS.MTIM_NOW) !== 0) node.mtim = now
    return E.SUCCESS
  }

  private writableNode (node: Node): boolean {
    return node.writable
  }

  wasi_path_filestat_get (fd: number, flags: number, pathPtr: number, pathLen: number, ptr: number): number {
    const r = this.at(fd, pathPtr, pathLen, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0)
    if (r.node === undefined) return E.NOENT
    this.writeStat(ptr, r.node)
    return E.SUCCESS
  }

  wasi_path_filestat_set_times (fd: number, flags: number, pathPtr: number, pathLen: number, atim: bigint, mtim: bigint, fst: number): number {
    const r = this.at(fd, pathPtr, pathLen, (flags & LOOKUP_SYMLINK_FOLLOW) !== 0)
    if (r.node === undefined) return E.NOENT
    return this.setTimes(r.node, atim, mtim, fst)
  }

  wasi_path_open (fd: number, dirflags: number, pathPtr: number, pathLen: number, oflags: number,
    rightsBase: bigint, rightsInheriting: bigint, fdflags: number, fdPtr: number): number {
    const dirFd = this.fds.dir(fd)
    if ((oflags & OFLAGS.TRUNC) !== 0 && (dirFd.rightsBase & RIGHTS.PATH_FILESTAT_SET_SIZE) === 0n) return E.NOTCAPABLE
    if ((oflags & OFLAGS.CREAT) !== 0 && (dirFd.rightsBase & RIGHTS.PATH_CREATE_FILE) === 0n) return E.NOTCAPABLE
    const r = this.at(fd, pathPtr, pathLen, (dirflags & LOOKUP_SYMLINK_FOLLOW) !== 0)
    let node = r.node
    const wantsWrite = (rightsBase & (RIGHTS.FD_WRITE | RIGHTS.FD_ALLOCATE | RIGHTS.FD_FILESTAT_SET_SIZE)) !== 0n ||
      (oflags & OFLAGS.TRUNC) !== 0
    if ((oflags & OFLAGS.CREAT) !== 0) {
      if (node !== undefined && (oflags & OFLAGS.EXCL) !== 0) return E.EXIST
      if (node === undefined) {
        if ((oflags & OFLAGS.DIRECTORY) !== 0) return E.INVAL
        if (r.trailingSlash) return E.ISDIR
        if (!r.dir.writable) return E.ROFS
        this.create()
        const file = this.tree.file(this.o.newFile())
        this.tree.link(r.dir, r.name, file)
        node = file
      }
    }
    if (node === undefined) return E.NOENT
    if (node instanceof SymlinkNode) return E.LOOP
    if (node instanceof DirNode) {
      if (wantsWrite || (rightsBase & RIGHTS.FD_WRITE) !== 0n) return E.ISDIR
      const nfd = this.fds.add({ kind: 'dir', node, rightsBase: rightsBase & DIR_RIGHTS, rightsInheriting, flags: fdflags & ~FDFLAGS.APPEND })
      this.view.setUint32(fdPtr, nfd, true)
      return E.SUCCESS
    }
    if ((oflags & OFLAGS.DIRECTORY) !== 0) return E.NOTDIR
    if (wantsWrite && !node.writable) return E.ROFS
    if ((oflags & OFLAGS.TRUNC) !== 0) node.content.truncate(0)
    const nfd = this.fds.add({
      kind: 'file', node, pos: 0, append: (fdflags & FDFLAGS.APPEND) !== 0,
      rightsBase: rightsBase & FILE_RIGHTS, rightsInheriting, flags: fdflags & ~FDFLAGS.APPEND
    })
    node.open++
    this.view.setUint32(fdPtr, nfd, true)
    return E.SUCCESS
  }

  wasi_path_create_directory (fd: number, pathPtr: number, pathLen: number): number {
    const r = this.at(fd, pathPtr, pathLen, false)
    if (r.node !== undefined) return E.EXIST
    if (!r.dir.writable) return E.ROFS
    this.checkDepth(r.dir, 0)
    this.create()
    this.tree.link(r.dir, r.name, this.tree.dir(true))
    return E.SUCCESS
  }

  wasi_path_remove_directory (fd: number, pathPtr: number, pathLen: number): number {
    const r = this.at(fd, pathPtr, pathLen, false)
    if (r.node === undefined) return E.NOENT
    if (r.name === '.') return E.INVAL
    if (!(r.node instanceof DirNode)) return E.NOTDIR
    if (r.node.entries.size > 0) return E.NOTEMPTY
    if (!r.dir.writable) return E.ROFS
    this.tree.unlink(r.dir, r.name)
    r.node.parent = null
    return E.SUCCESS
  }

  wasi_path_unlink_file (fd: number, pathPtr: number, pathLen: number): number {
    const r = this.at(fd, pathPtr, pathLen, false)
    if (r.node === undefined) return E.NOENT
    if (r.node instanceof DirNode) return E.ISDIR
    if (r.trailingSlash) return E.NOTDIR
    if (!r.dir.writable) return E.ROFS
    this.tree.unlink(r.dir, r.name)
    this.unlinked(r.node)
    return E.SUCCESS
  }

  private unlinked (node: Node): void {
    node.nlink--
    if (node instanceof FileNode && node.nlink === 0 && node.open === 0) node.content.release()
  }

  wasi_path_symlink (oldPtr: number, oldLen: number, fd: number, newPtr: number, newLen: number): number {
    const target = this.str(oldPtr, oldLen)
    // a link to an absolute path could only ever point outside the tree
    if (target.startsWith('/')) return E.PERM
    const r = this.at(fd, newPtr, newLen, false)
    if (r.node !== undefined) return E.EXIST
    if (r.trailingSlash) return E.NOENT
    if (!r.dir.writable) return E.ROFS
    this.create()
    this.tree.link(r.dir, r.name, this.tree.symlink(target, true))
    return E.SUCCESS
  }

  wasi_path_readlink (fd: number, pathPtr: number, pathLen: number, buf: number, len: number, usedPtr: number): number {
    const r = this.at(fd, pathPtr, pathLen, false)
    if (r.node === undefined) return E.NOENT
    if (!(r.node instanceof SymlinkNode)) return E.INVAL
    const target = encoder.encode(r.node.target)
    const n = Math.min(len, target.length)
    this.u8.set(target.subarray(0, n), buf)
    this.view.setUint32(usedPtr, n, true)
    return E.SUCCESS
  }

  wasi_path_link (oldFd: number, oldFlags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number): number {
    const src = this.at(oldFd, oldPtr, oldLen, (oldFlags & LOOKUP_SYMLINK_FOLLOW) !== 0)
    if (src.node === undefined) return E.NOENT
    if (src.node instanceof DirNode) return E.PERM
    const dst = this.at(newFd, newPtr, newLen, false)
    if (dst.node !== undefined) return E.EXIST
    if (dst.trailingSlash) return E.NOENT
    if (!dst.dir.writable) return E.ROFS
    this.create()
    src.node.nlink++
    this.tree.link(dst.dir, dst.name, src.node)
    return E.SUCCESS
  }

  wasi_path_rename (oldFd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number): number {
    const src = this.at(oldFd, oldPtr, oldLen, false)
    const dst = this.at(newFd, newPtr, newLen, false)
    const node = src.node
    if (node === undefined) return E.NOENT
    if (src.name === '.' || dst.name === '.') return node instanceof DirNode ? E.BUSY : E.INVAL
    if (!(node instanceof DirNode) && (src.trailingSlash || dst.trailingSlash)) return E.NOTDIR
    if (!src.dir.writable || !dst.dir.writable) return E.ROFS
    const existing = dst.node
    if (existing === node) return E.SUCCESS
    if (node instanceof DirNode) {
      for (let d: DirNode | null = dst.dir; d !== null; d = d.parent) if (d === node) return E.INVAL
      if (existing !== undefined) {
        if (!(existing instanceof DirNode)) return E.NOTDIR
        if (existing.entries.size > 0) return E.NOTEMPTY
      }
      if (dst.dir !== src.dir) this.checkDepth(dst.dir, node.height())
    } else if (existing instanceof DirNode) {
      return E.ISDIR
    }
    this.tree.unlink(src.dir, src.name)
    if (existing !== undefined) this.unlinked(existing)
    this.tree.link(dst.dir, dst.name, node)
    return E.SUCCESS
  }
}

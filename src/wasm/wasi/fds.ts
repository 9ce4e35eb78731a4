import { E } from './constants.js'
import { fail } from './errno.js'
import type { DirNode, FileNode } from './tree.js'

export interface FileFd {
  kind: 'file'
  node: FileNode
  pos: number
  append: boolean
  rightsBase: bigint
  rightsInheriting: bigint
  flags: number
}

export interface DirFd {
  kind: 'dir'
  node: DirNode
  /** Guest name of a preopened directory */
  preopen?: string
  rightsBase: bigint
  rightsInheriting: bigint
  flags: number
}

export interface StdioFd {
  kind: 'stdin' | 'stdout' | 'stderr'
  rightsBase: bigint
  rightsInheriting: bigint
  flags: number
}

export type Fd = FileFd | DirFd | StdioFd

/** Open descriptors; new ones take the lowest free number, as POSIX does */
export class FdTable {
  private readonly fds = new Map<number, Fd>()
  /** Cap on open descriptors (EMFILE past it) */
  constructor (private readonly max = 1024) {}

  get (fd: number): Fd {
    const f = this.fds.get(fd)
    if (f === undefined) fail(E.BADF)
    return f
  }

  has (fd: number): boolean { return this.fds.has(fd) }

  file (fd: number): FileFd {
    const f = this.get(fd)
    if (f.kind === 'dir') fail(E.ISDIR)
    if (f.kind !== 'file') fail(E.SPIPE)
    return f
  }

  dir (fd: number): DirFd {
    const f = this.get(fd)
    if (f.kind !== 'dir') fail(E.NOTDIR)
    return f
  }

  set (fd: number, f: Fd): void { this.fds.set(fd, f) }

  add (f: Fd): number {
    if (this.fds.size >= this.max) fail(E.MFILE)
    let fd = 0
    while (this.fds.has(fd)) fd++
    this.fds.set(fd, f)
    return fd
  }

  delete (fd: number): Fd {
    const f = this.get(fd)
    this.fds.delete(fd)
    return f
  }
}

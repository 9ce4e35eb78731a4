import { EPOCH_NS } from '../abi.js'
import { E, FILETYPE } from './constants.js'
import type { FileContent } from './content.js'
import { fail } from './errno.js'

/** Symlinks followed while resolving one path before ELOOP */
const MAX_SYMLINKS = 32

abstract class BaseNode {
  atim = EPOCH_NS
  mtim = EPOCH_NS
  ctim = EPOCH_NS
  nlink = 1
  constructor (readonly ino: bigint) {}
  abstract readonly filetype: number
}

/** Lists a lazy directory: its entries, with nodes made by the tree in the order given */
export type DirLoader = () => Array<[string, Node]>

export class DirNode extends BaseNode {
  readonly filetype = FILETYPE.DIRECTORY
  parent: DirNode | null = null
  private loaded: Map<string, Node> | undefined
  constructor (ino: bigint, readonly writable: boolean, private loader?: DirLoader) {
    super(ino)
    if (loader === undefined) this.loaded = new Map()
  }

  /**
   * The directory's entries. A lazy directory (an input) is listed on first
   * use; a listing that fails (a limit, say) throws to the host call and is
   * tried again on the next use.
   */
  get entries (): Map<string, Node> {
    if (this.loaded === undefined) {
      const entries = new Map<string, Node>()
      for (const [name, node] of this.loader!()) {
        entries.set(name, node)
        if (node instanceof DirNode) node.parent = this
      }
      this.loaded = entries
      this.loader = undefined
    }
    return this.loaded
  }

  private sorted: string[] | undefined

  /**
   * Names in the order readdir returns them: sorted by their UTF-8 bytes.
   * Kept until the directory changes: a job reads a large directory in many
   * readdir calls, each of which would otherwise sort it again.
   */
  sortedNames (): string[] {
    this.sorted ??= [...this.entries.keys()].sort(compareUtf8)
    return this.sorted
  }

  /** The entries changed (the tree calls this on every link and unlink) */
  changed (): void {
    this.sorted = undefined
  }

  /** Directories above this one up to the root (the root is 0) */
  depth (): number {
    let n = 0
    for (let d = this.parent; d !== null; d = d.parent) n++
    return n
  }

  /** How many directory levels sit below this one (0 when it holds no directory) */
  height (): number {
    let max = 0
    const stack: Array<[DirNode, number]> = [[this, 0]]
    while (stack.length > 0) {
      const [dir, level] = stack.pop()!
      if (level > max) max = level
      for (const child of dir.entries.values()) if (child instanceof DirNode) stack.push([child, level + 1])
    }
    return max
  }
}

export class FileNode extends BaseNode {
  readonly filetype = FILETYPE.REGULAR_FILE
  /** Open descriptors; the bytes are released once unlinked and closed */
  open = 0
  constructor (ino: bigint, readonly content: FileContent) { super(ino) }
  get writable (): boolean { return this.content.writable }
}

export class SymlinkNode extends BaseNode {
  readonly filetype = FILETYPE.SYMBOLIC_LINK
  constructor (ino: bigint, readonly target: string, readonly writable: boolean) { super(ino) }
}

export type Node = DirNode | FileNode | SymlinkNode

/**
 * Order of names by their UTF-8 bytes, which is code point order. UTF-16
 * code units sort the same except that surrogates (U+D800..DFFF, the halves
 * of code points above U+FFFF) must sort after U+E000..FFFF: shift them up.
 */
export function compareUtf8 (a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codePointRank(x) - codePointRank(y)
  }
  return a.length - b.length
}

function codePointRank (unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000
  if (unit >= 0xe000) return unit - 0x800
  return unit
}

/** Where a path led: the directory holding the last component, its name, and the node if it exists */
export interface Resolved {
  dir: DirNode
  /** '.' when the path named a directory itself ("a/.", "..") */
  name: string
  node: Node | undefined
  /** The path ended in '/' */
  trailingSlash: boolean
}

/**
 * The virtual file tree. Inode numbers come from a counter in creation
 * order, and the initial tree is built in sorted order, so they are a
 * deterministic function of the tree and of what the job did.
 */
export class Tree {
  private nextIno = 1n
  readonly root: DirNode
  /** Names the writable directories hold now (files, directories and links) */
  writableNames = 0
  constructor (rootWritable: boolean) {
    this.root = this.dir(rootWritable)
  }

  dir (writable: boolean): DirNode { return new DirNode(this.nextIno++, writable) }
  /** A read-only directory listed by `loader` when first used */
  lazyDir (loader: DirLoader): DirNode { return new DirNode(this.nextIno++, false, loader) }
  file (content: FileContent): FileNode { return new FileNode(this.nextIno++, content) }
  symlink (target: string, writable: boolean): SymlinkNode { return new SymlinkNode(this.nextIno++, target, writable) }

  /** Links `node` into `dir` under `name` */
  link (dir: DirNode, name: string, node: Node): void {
    if (!dir.entries.has(name)) {
      if (dir.writable) this.writableNames++
      dir.changed()
    }
    dir.entries.set(name, node)
    if (node instanceof DirNode) node.parent = dir
  }

  /** Removes `name` from `dir` */
  unlink (dir: DirNode, name: string): void {
    if (!dir.entries.delete(name)) return
    if (dir.writable) this.writableNames--
    dir.changed()
  }

  /**
   * Resolves `path` relative to `start` without ever leaving `start`: an
   * absolute path, a `..` above `start`, or a symlink whose target does
   * either fails with ENOTCAPABLE (the capability model of preview1: a
   * descriptor grants its directory and what is below it, nothing else).
   * Intermediate symlinks are always followed, the last one only if
   * `follow`.
   */
  resolve (start: DirNode, path: string, follow: boolean): Resolved {
    if (path === '') fail(E.NOENT)
    if (path.includes('\0')) fail(E.INVAL)
    if (path.startsWith('/')) fail(E.NOTCAPABLE)
    const trailingSlash = path.endsWith('/')
    let parts = path.split('/').filter(c => c !== '')
    const stack: DirNode[] = [start]
    let links = 0
    for (let i = 0; i < parts.length; i++) {
      const c = parts[i]
      const last = i === parts.length - 1
      const top = stack[stack.length - 1]
      if (c === '.' || c === '..') {
        if (c === '..') {
          if (stack.length === 1) fail(E.NOTCAPABLE)
          stack.pop()
        }
        if (last) {
          const d = stack[stack.length - 1]
          return { dir: d, name: '.', node: d, trailingSlash }
        }
        continue
      }
      if (c.length > 255) fail(E.NAMETOOLONG)
      const node = top.entries.get(c)
      if (node instanceof SymlinkNode && (!last || follow || trailingSlash)) {
        if (++links > MAX_SYMLINKS) fail(E.LOOP)
        if (node.target.startsWith('/')) fail(E.NOTCAPABLE)
        if (node.target === '') fail(E.NOENT)
        parts = [...node.target.split('/').filter(x => x !== ''), ...parts.slice(i + 1)]
        if (parts.length === 0) return { dir: top, name: '.', node: top, trailingSlash }
        i = -1
        continue
      }
      if (last) {
        if (trailingSlash && node instanceof FileNode) fail(E.NOTDIR)
        return { dir: top, name: c, node, trailingSlash }
      }
      if (node === undefined) fail(E.NOENT)
      if (!(node instanceof DirNode)) fail(E.NOTDIR)
      stack.push(node)
    }
    const d = stack[stack.length - 1]
    return { dir: d, name: '.', node: d, trailingSlash }
  }
}

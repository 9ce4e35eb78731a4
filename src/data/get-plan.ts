import { MalformedDagError, TooDeepError, TooManyEntriesError } from './errors.js'
import { listDirectory, readUnixFSNode } from './unixfs-node.js'
import { multihashKey } from './walk.js'
import type { DirEntry } from './unixfs-node.js'
import type { AbortOptions } from 'abort-error'
import type { ReadableStorage } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'

/**
 * Entries `dcx get` writes unless `--max-entries` says more: a million files
 * is a large dataset, and well under what a file system or a `du` handles
 * comfortably; a DAG whose few blocks expand to more is almost surely hostile.
 */
export const DEFAULT_MAX_ENTRIES = 1_000_000

/** Longest path the OS accepts, in bytes: PATH_MAX (4096 on Linux) less its terminating NUL */
export const MAX_PATH_BYTES = 4095

/** What saving a tree writes, counted over the tree as it unfolds on disk */
export interface GetTotals {
  /** Files, directories and symlinks, the root included */
  entries: number
  files: number
  directories: number
  symlinks: number
  /** Bytes of file content */
  bytes: number
  /** Bytes of the longest path below the root (`a/b/c` is 5) */
  longestPath: number
}

export interface PlanOptions extends AbortOptions {
  /** Refuse a tree of more entries than this (default `DEFAULT_MAX_ENTRIES`) */
  maxEntries?: number
  /** Bytes of the absolute path the root is written at: with `longestPath` it must stay within `MAX_PATH_BYTES` */
  rootPathBytes?: number
  /** How the tree is named in messages (default: the root CID) */
  what?: string
}

interface Frame {
  cid: CID
  key: string
  /** Bytes of this node's path below the root */
  prefix: number
  children?: DirEntry[]
  next: number
  totals: GetTotals
}

function leaf (kind: 'file' | 'symlink', bytes: number): GetTotals {
  return { entries: 1, files: kind === 'file' ? 1 : 0, directories: 0, symlinks: kind === 'symlink' ? 1 : 0, bytes, longestPath: 0 }
}

/** The key a node is memoized by: codec and multihash (the same bytes as raw and as dag-pb are different nodes) */
function nodeKey (cid: CID): string {
  return `${cid.code}:${multihashKey(cid)}`
}

/** A count for a message: exact while it is, else its magnitude */
function countText (n: number): string {
  if (Number.isSafeInteger(n)) return String(n)
  return Number.isFinite(n) ? `about ${n.toExponential(2)}` : 'more than 1e308'
}

/**
 * Count what saving the tree under `root` writes, before anything is written,
 * and refuse a tree that is hostile or too big: one with more than
 * `maxEntries` entries, or a path longer than the OS allows, or any name that
 * `EntryNames` refuses, or any node that is not UnixFS.
 *
 * The walk visits each distinct block once: a directory's totals are
 * memoized by CID, so a DAG of 42 blocks where each directory links twice to
 * the one below (2^41 entries unfolded) is counted in 42 steps. Memory is
 * bounded by the distinct blocks, and those by `maxEntries` (every distinct
 * node is at least one entry of the unfolded tree; the walk stops as soon as
 * it has seen more). File contents are not read, only each file's first
 * block: a file's size is what it declares, and the writer never writes more
 * than that. Iterative, with an explicit stack, so any depth is safe.
 */
export async function planGet (root: CID, store: ReadableStorage, options: PlanOptions = {}): Promise<GetTotals> {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES
  const rootPathBytes = options.rootPathBytes ?? 0
  const what = options.what ?? root.toString()
  const memo = new Map<string, GetTotals>()
  // directories on the stack, to turn a cycle (impossible with checked hashes) into an error, not a hang
  const open = new Set<string>()
  // children listed by the directories on the stack: each is a distinct entry of the unfolded tree
  let listed = 0
  let shards = 0
  const budget = (): void => {
    if (listed + 1 > maxEntries || memo.size + open.size > maxEntries || shards > maxEntries) {
      throw new TooManyEntriesError(what, `more than ${maxEntries}`, maxEntries)
    }
  }
  const tooDeep = (prefix: number): void => {
    if (rootPathBytes + prefix > MAX_PATH_BYTES) throw new TooDeepError(what, rootPathBytes + prefix, MAX_PATH_BYTES)
  }
  const listOptions = { signal: options.signal, onShard: () => { shards++; budget() } }

  const stack: Frame[] = [{ cid: root, key: nodeKey(root), prefix: 0, next: 0, totals: leaf('file', 0) }]
  while (stack.length > 0) {
    options.signal?.throwIfAborted()
    const frame = stack[stack.length - 1]
    if (frame.children === undefined) {
      const node = await readUnixFSNode(frame.cid, store, options)
      if (node.kind !== 'directory') {
        memo.set(frame.key, node.kind === 'file' ? leaf('file', node.size) : leaf('symlink', 0))
        budget()
        stack.pop()
        continue
      }
      frame.children = []
      open.add(frame.key)
      for await (const entry of listDirectory(node, store, listOptions)) {
        frame.children.push(entry)
        listed++
        budget()
      }
      frame.totals = { entries: 1, files: 0, directories: 1, symlinks: 0, bytes: 0, longestPath: 0 }
    }
    if (frame.next < frame.children.length) {
      const child = frame.children[frame.next]
      const childKey = nodeKey(child.cid)
      const childPrefix = frame.prefix + 1 + Buffer.byteLength(child.name)
      const known = memo.get(childKey)
      if (known === undefined) {
        if (open.has(childKey)) throw new MalformedDagError(frame.cid.toString(), `links back to ${child.cid}, a directory that contains it`)
        tooDeep(childPrefix)
        stack.push({ cid: child.cid, key: childKey, prefix: childPrefix, next: 0, totals: leaf('file', 0) })
        continue
      }
      tooDeep(childPrefix + known.longestPath)
      const t = frame.totals
      t.entries += known.entries
      t.files += known.files
      t.directories += known.directories
      t.symlinks += known.symlinks
      t.bytes += known.bytes
      t.longestPath = Math.max(t.longestPath, childPrefix - frame.prefix + known.longestPath)
      frame.next++
      continue
    }
    memo.set(frame.key, frame.totals)
    open.delete(frame.key)
    listed -= frame.children.length
    stack.pop()
  }
  const totals = memo.get(nodeKey(root)) as GetTotals
  if (totals.entries > maxEntries) throw new TooManyEntriesError(what, countText(totals.entries), maxEntries)
  return totals
}

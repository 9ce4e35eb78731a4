import { listDirectory, readUnixFSNode } from '../data/unixfs-node.js'
import { DcxError } from '../errors.js'
import type { AbortOptions } from 'abort-error'
import type { ReadableStorage } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'

/** Differences reported at most; a forged output may differ everywhere */
export const MAX_DIFFERENCES = 1000
/** Directory entries compared at most, on both sides together */
const MAX_COMPARED = 1_000_000

/** Paths that differ between two result directories, and whether the list was cut short */
export interface ResultDiff {
  /** `/` for the whole output (one side is not a directory), else paths below it (`outputs/a.txt`) */
  paths: string[]
  /** More differences (or entries to compare) than the limits allow: the list is a prefix */
  truncated: boolean
}

async function entries (cid: CID, store: ReadableStorage, options: AbortOptions): Promise<Map<string, CID> | undefined> {
  const node = await readUnixFSNode(cid, store, options)
  if (node.kind !== 'directory') return undefined
  const out = new Map<string, CID>()
  for await (const e of listDirectory(node, store, options)) out.set(e.name, e.cid)
  return out
}

/**
 * The paths where a claimed and a recomputed result differ. Walks both
 * trees together without recursion and descends only where the CIDs differ,
 * so equal subtrees cost nothing; the claimed side may be hostile (a forged
 * output), so its shape is bounded: at most `MAX_COMPARED` entries compared
 * and `MAX_DIFFERENCES` reported. Blocks that are not here end the walk with
 * what was found so far.
 */
export async function diffResults (claimed: CID, recomputed: CID, store: ReadableStorage, options: AbortOptions = {}): Promise<ResultDiff> {
  const paths: string[] = []
  const stack: Array<{ a: CID, b: CID, path: string }> = [{ a: claimed, b: recomputed, path: '' }]
  let compared = 0
  try {
    while (stack.length > 0) {
      options.signal?.throwIfAborted()
      const { a, b, path } = stack.pop()!
      if (a.equals(b)) continue
      const [left, right] = [await entries(a, store, options), await entries(b, store, options)]
      if (left === undefined || right === undefined) {
        paths.push(path === '' ? '/' : path)
      } else {
        compared += left.size + right.size
        const names = [...new Set([...left.keys(), ...right.keys()])].sort().reverse()
        for (const name of names) {
          const child = path === '' ? name : `${path}/${name}`
          const x = left.get(name)
          const y = right.get(name)
          if (x === undefined || y === undefined) paths.push(child)
          else if (!x.equals(y)) stack.push({ a: x, b: y, path: child })
        }
      }
      if (paths.length >= MAX_DIFFERENCES || compared > MAX_COMPARED) return { paths: paths.slice(0, MAX_DIFFERENCES).sort(), truncated: true }
    }
  } catch (err) {
    // blocks of a claimed output that were never here, or a malformed forgery: report what was found
    if (!(err instanceof DcxError)) throw err
    return { paths: paths.sort(), truncated: true }
  }
  return { paths: paths.sort(), truncated: false }
}

import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { blockLinks } from '../../data/links.js'
import { multihashKey } from '../../data/walk.js'
import { UndecodableBlockError } from '../../data/errors.js'
import { MAX_BLOCKS } from './constants.js'
import { BulkLimitError } from '../errors.js'
import type { DagScope, EntityBytes } from './messages.js'
import type { CID } from 'multiformats/cid'

const IDENTITY = 0x00
/** Codecs whose links the walk follows in scope `all`; blocks of other codecs are carried as leaves */
const LINKED = new Set<number>([dagPb.code, dagCbor.code, dagJson.code])

/** One step of the walk */
export interface Visit {
  cid: CID
  /** Position in the walk, from 0, over every visit: a resume point counts these */
  index: number
  /** The block travels: false for identity CIDs (the CID holds the bytes) and for a block met before */
  carried: boolean
  /** The walk needs this block's bytes to go on: pass them to `expand` before the next step */
  expands: boolean
}

interface Item {
  cid: CID
  /** How the walk reached the block, which decides what it follows below it */
  role: 'any' | 'root' | 'file' | 'shard'
  /** For parts of a file: where its bytes start in the file, and how many it holds (undefined: unknown) */
  position: number
  size?: number
}

export interface TraversalOptions {
  scope: DagScope
  entityBytes?: EntityBytes
  /** Most visits before `BulkLimitError` (default `MAX_BLOCKS`) */
  maxBlocks?: number
}

function decodePb (cid: CID, bytes: Uint8Array): dagPb.PBNode {
  try {
    return dagPb.decode(bytes)
  } catch (err: any) {
    throw new UndecodableBlockError(cid.toString(), 'dag-pb', String(err?.message ?? err).split('\n')[0])
  }
}

function unixfsOf (node: dagPb.PBNode): UnixFS | undefined {
  if (node.Data == null) return undefined
  try {
    return UnixFS.unmarshal(node.Data)
  } catch {
    return undefined
  }
}

/**
 * The walk that decides which blocks a bulk transfer carries and in what
 * order. The provider runs it to choose what to send and the requester runs
 * it to know what must come next, so a provider cannot slip in a block the
 * requester did not ask for: depth first, links in order, each block once
 * (a part of a file met again under a byte range is walked again, since
 * its position differs, but never sent twice), following the Trustless
 * Gateway's `dag-scope` and `entity-bytes` (see `DagScope`, `EntityBytes`).
 *
 * Use: `next()` gives each visit; for a visit that `expands`, hand its bytes
 * to `expand()` before asking for the next one (a visit left unexpanded
 * simply contributes no children, as for a block the requester lacks).
 */
export class DagTraversal {
  readonly root: CID
  private readonly scope: DagScope
  private readonly entityBytes?: EntityBytes
  private readonly maxBlocks: number
  private readonly stack: Item[]
  private readonly seen = new Set<string>()
  private visits = 0
  private current?: Item
  /** The byte range of the file being read, [start, end), once the root is known to be a file */
  private range?: { start: number, end: number }

  constructor (root: CID, options: TraversalOptions) {
    this.root = root
    this.scope = options.scope
    this.entityBytes = options.scope === 'entity' ? options.entityBytes : undefined
    this.maxBlocks = options.maxBlocks ?? MAX_BLOCKS
    this.stack = [{ cid: root, role: options.scope === 'all' ? 'any' : 'root', position: 0 }]
  }

  /** Visits made so far: the index the next visit will have */
  get position (): number {
    return this.visits
  }

  private expandsFor (item: Item): boolean {
    if (this.scope === 'block') return false
    if (item.role === 'any') return LINKED.has(item.cid.code)
    return item.cid.code === dagPb.code
  }

  /** The next visit, or undefined when the walk is over */
  next (): Visit | undefined {
    this.current = undefined
    while (this.stack.length > 0) {
      const item = this.stack.pop() as Item
      const key = multihashKey(item.cid)
      const first = !this.seen.has(key)
      const expands = this.expandsFor(item)
      // a part of a file met again under a byte range sits elsewhere in the file: its children may be needed there
      if (!first && !(expands && item.role === 'file' && this.range !== undefined)) continue
      if (this.visits >= this.maxBlocks) throw new BulkLimitError(`it has more than ${this.maxBlocks} blocks`)
      this.seen.add(key)
      this.current = expands ? item : undefined
      return { cid: item.cid, index: this.visits++, carried: first && item.cid.multihash.code !== IDENTITY, expands }
    }
    return undefined
  }

  /** Read the links of the block just visited, as its scope says */
  expand (visit: Visit, bytes: Uint8Array): void {
    const item = this.current
    if (item === undefined || !item.cid.equals(visit.cid)) throw new Error(`expand(${visit.cid}) is not for the visit just made`)
    this.current = undefined
    if (item.role === 'any') {
      const links = blockLinks(item.cid, bytes)
      for (let i = links.length - 1; i >= 0; i--) this.stack.push({ cid: links[i], role: 'any', position: 0 })
      return
    }
    const node = decodePb(item.cid, bytes)
    const unixfs = unixfsOf(node)
    if (unixfs === undefined) return
    if (unixfs.type === 'hamt-sharded-directory') {
      if (item.role !== 'file') this.pushShards(node, unixfs)
      return
    }
    if (unixfs.type !== 'file' && unixfs.type !== 'raw') return
    if (item.role === 'shard') return
    if (item.role === 'root' && this.entityBytes !== undefined) this.range = resolveRange(this.entityBytes, Number(unixfs.fileSize()))
    this.pushFileParts(item, node, unixfs)
  }

  /** A sharded directory's sub-shards (links named by their bucket alone), not its entries */
  private pushShards (node: dagPb.PBNode, unixfs: UnixFS): void {
    const fanout = Number(unixfs.fanout ?? 0n)
    if (!Number.isSafeInteger(fanout) || fanout < 2) return
    const padLength = (fanout - 1).toString(16).length
    for (let i = node.Links.length - 1; i >= 0; i--) {
      const link = node.Links[i]
      if ((link.Name ?? '').length === padLength) this.stack.push({ cid: link.Hash, role: 'shard', position: 0 })
    }
  }

  /** A file node's children that hold bytes of the range (all of them without one) */
  private pushFileParts (item: Item, node: dagPb.PBNode, unixfs: UnixFS): void {
    const sized = unixfs.blockSizes.length === node.Links.length
    const parts: Item[] = []
    let position = item.position + (unixfs.data?.byteLength ?? 0)
    for (let i = 0; i < node.Links.length; i++) {
      const size = sized ? Number(unixfs.blockSizes[i]) : undefined
      const part: Item = { cid: node.Links[i].Hash, role: 'file', position, size }
      // sizes that do not add up make positions unknown: then every part is walked, and the reader judges the file
      if (this.range === undefined || size === undefined || (size > 0 && position < this.range.end && position + size > this.range.start)) parts.push(part)
      if (size !== undefined) position += size
    }
    for (let i = parts.length - 1; i >= 0; i--) this.stack.push(parts[i])
  }
}

/** `entity-bytes` against a file of `size` bytes: [start, end), empty when it lies past the end */
export function resolveRange (range: EntityBytes, size: number): { start: number, end: number } {
  const at = (n: number): number => n < 0 ? Math.max(0, size + n) : n
  const start = Math.min(at(range.from), size)
  const last = range.to === undefined ? size - 1 : Math.min(at(range.to), size - 1)
  return { start, end: Math.max(start, last + 1) }
}

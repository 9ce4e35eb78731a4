import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import * as raw from 'multiformats/codecs/raw'
import { GatewayRequestError } from '../errors.js'
import { blockLinks } from '../../data/links.js'
import { CAR_READ_AHEAD } from './constants.js'
import type { ReadBlock } from './blocks.js'
import type { DagScope, EntityBytes } from './request.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/** A block as it goes into the CAR */
export interface CarBlock {
  cid: CID
  bytes: Uint8Array
}

/** A byte range of a file, inclusive at both ends, from its first byte */
export interface ByteRange {
  from: number
  to: number
}

/** What a CAR response holds */
export interface CarPlan {
  /** Blocks that walk the path to the terminal, sent first, in order */
  path: CID[]
  terminal: CID
  /** The terminal block, already read and checked */
  terminalBytes: Uint8Array
  scope: DagScope
  /** For `dag-scope=entity` on a file: only the blocks that hold these bytes (see `entityRange`) */
  range?: ByteRange
  /** Send a block each time the walk meets it (`dups=y`), else once */
  dups: boolean
  /** When the path ends at a field inside the terminal block: the links under that field, all that `dag-scope=all` takes below it */
  within?: CID[]
}

/**
 * How a block is walked:
 * - `block`: sent, nothing below it
 * - `all`: sent, and everything it links to (any codec dcx reads)
 * - `entity`: the terminal under `dag-scope=entity`: decided once it is read
 * - `file`: a UnixFS file node: its children that hold bytes of the range
 * - `shards`: a HAMT directory: its sub-shards, not its entries
 */
type Mode = 'block' | 'all' | 'entity' | 'file' | 'shards'

interface Item {
  cid: CID
  mode: Mode
  /** For `file`: where this node's bytes start in the file, and how many it declares */
  position?: number
  size?: number
  /** Bytes already in hand (the terminal) */
  bytes?: Uint8Array
  /** A read started ahead of the walk */
  pending?: Promise<Uint8Array>
}

function unixfsOf (bytes: Uint8Array): { node: dagPb.PBNode, unixfs?: UnixFS } {
  const node = dagPb.decode(bytes)
  if (node.Data == null) return { node }
  try {
    return { node, unixfs: UnixFS.unmarshal(node.Data) }
  } catch {
    return { node }
  }
}

/**
 * The bytes of a file that `entity-bytes` asks for, made concrete against
 * the file's size: negative offsets count from the end, `*` is the last
 * byte, an end past the file is cut to it. Undefined when the entity is not
 * a file (the parameter is then ignored, as the spec says), `'block'` when
 * the range holds no bytes (the answer is the file's root block alone, as for
 * `dag-scope=block`). A range that starts past the end of the file is a 400:
 * it is known before anything is sent.
 */
export function entityRange (terminal: CID, bytes: Uint8Array, wanted: EntityBytes): ByteRange | 'block' | undefined {
  let size: number
  if (terminal.code === raw.code) {
    size = bytes.byteLength
  } else if (terminal.code === dagPb.code) {
    let unixfs: UnixFS | undefined
    try {
      unixfs = unixfsOf(bytes).unixfs
    } catch {
      return undefined
    }
    if (unixfs === undefined || (unixfs.type !== 'file' && unixfs.type !== 'raw')) return undefined
    size = Number(unixfs.fileSize())
  } else {
    return undefined
  }
  if (size === 0) return 'block'
  const from = wanted.from < 0 ? Math.max(0, size + wanted.from) : wanted.from
  if (from >= size) throw new GatewayRequestError(400, `entity-bytes=${wanted.from}:${wanted.to} starts past the end of the file (${size} bytes)`)
  const to = wanted.to === '*' ? size - 1 : wanted.to < 0 ? size + wanted.to : Math.min(wanted.to, size - 1)
  if (to < from) return 'block'
  return { from, to }
}

/**
 * The blocks of a CAR response, in depth-first link order: the path's
 * blocks, then the terminal and what `scope` takes below it. Identity
 * blocks are walked through but never sent (the spec forbids them in a
 * CAR). Without `dups`, a block is sent once and a subtree already sent
 * whole is not walked again.
 *
 * Memory: the walk's stack (links not yet taken), up to `CAR_READ_AHEAD`
 * blocks read ahead, and, without `dups`, the set of CIDs sent: never the
 * CAR. A file walked for a range visits only the nodes whose declared bytes
 * meet the range; nodes across the range's ends are the only ones walked
 * twice, so a DAG that repeats one node 2^n times costs no more than its
 * distinct blocks.
 */
export async function * carBlocks (plan: CarPlan, read: ReadBlock, options: AbortOptions = {}): AsyncGenerator<CarBlock> {
  const sent = new Set<string>()
  const whole = new Set<string>()
  const keyOf = (cid: CID): string => cid.toString()
  const range = plan.range

  for (const cid of plan.path) {
    const key = keyOf(cid)
    if (!plan.dups && sent.has(key)) continue
    sent.add(key)
    const bytes = await read(cid, options)
    if (cid.multihash.code !== 0x00) yield { cid, bytes }
  }

  const first: Mode = plan.scope === 'block' ? 'block' : plan.scope === 'all' ? 'all' : 'entity'
  const stack: Item[] = [{ cid: plan.terminal, mode: first, bytes: plan.terminalBytes }]
  // an item covers only part of the range: its subtree may hold blocks another visit skipped
  const partial = (item: Item): boolean => item.mode === 'file' && range !== undefined && item.position !== undefined && item.size !== undefined &&
    (item.position < range.from || item.position + item.size - 1 > range.to)
  const skip = (item: Item): boolean => !plan.dups && whole.has(keyOf(item.cid)) && !partial(item)

  while (stack.length > 0) {
    options.signal?.throwIfAborted()
    // start reading the next few blocks the walk will take, so the disk works while this one is sent
    for (let i = stack.length - 1, n = 0; i >= 0 && n < CAR_READ_AHEAD; i--, n++) {
      const ahead = stack[i]
      if (ahead.bytes === undefined && ahead.pending === undefined && !skip(ahead)) {
        ahead.pending = read(ahead.cid, options)
        ahead.pending.catch(() => {})
      }
    }
    const item = stack.pop() as Item
    if (skip(item)) continue
    const key = keyOf(item.cid)
    const bytes = item.bytes ?? await (item.pending ?? read(item.cid, options))
    if (!partial(item)) whole.add(key)
    if ((plan.dups || !sent.has(key)) && item.cid.multihash.code !== 0x00) {
      sent.add(key)
      yield { cid: item.cid, bytes }
    }
    // (only the terminal comes with its bytes in hand)
    const children = item.bytes !== undefined && plan.within !== undefined
      ? (item.mode === 'all' ? plan.within.map(cid => ({ cid, mode: 'all' as Mode })) : [])
      : expand(item, bytes, range)
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i])
  }
}

/** What the walk takes below `item`, in link order */
function expand (item: Item, bytes: Uint8Array, range: ByteRange | undefined): Item[] {
  switch (item.mode) {
    case 'block':
      return []
    case 'all':
      return blockLinks(item.cid, bytes).map(cid => ({ cid, mode: 'all' as Mode }))
    case 'entity': {
      if (item.cid.code !== dagPb.code) return []
      const { unixfs } = unixfsOf(bytes)
      if (unixfs?.type === 'file' || unixfs?.type === 'raw') return expand({ ...item, mode: 'file', position: 0, size: Number(unixfs.fileSize()) }, bytes, range)
      if (unixfs?.type === 'hamt-sharded-directory') return expand({ ...item, mode: 'shards' }, bytes, range)
      return []
    }
    case 'shards': {
      if (item.cid.code !== dagPb.code) return []
      const { node, unixfs } = unixfsOf(bytes)
      if (unixfs?.type !== 'hamt-sharded-directory' || unixfs.fanout == null) return []
      const width = (unixfs.fanout - 1n).toString(16).length
      return node.Links.filter(l => (l.Name ?? '').length === width).map(l => ({ cid: l.Hash, mode: 'shards' as Mode }))
    }
    case 'file': {
      if (item.cid.code !== dagPb.code) return []
      const { node, unixfs } = unixfsOf(bytes)
      if (unixfs === undefined) return []
      // without a range, or with sizes that do not line up with the links, the whole file: a superset the client can check
      if (range === undefined || unixfs.blockSizes.length !== node.Links.length || item.position === undefined) {
        return node.Links.map(l => ({ cid: l.Hash, mode: (l.Hash.code === raw.code ? 'block' : 'file') as Mode, position: undefined, size: undefined }))
      }
      const children: Item[] = []
      let at = item.position + (unixfs.data?.byteLength ?? 0)
      for (let i = 0; i < node.Links.length; i++) {
        const size = Number(unixfs.blockSizes[i])
        // a child that declares no bytes holds none of the range
        if (size > 0 && at <= range.to && at + size - 1 >= range.from) {
          const cid = node.Links[i].Hash
          children.push({ cid, mode: cid.code === raw.code ? 'block' : 'file', position: at, size })
        }
        at += size
      }
      return children
    }
  }
}

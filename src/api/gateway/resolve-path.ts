import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import * as dagPb from '@ipld/dag-pb'
import { murmur3128 } from '@multiformats/murmur3'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { GatewayRequestError } from '../errors.js'
import { cborLinks } from '../../data/links.js'
import type { ReadBlock } from './blocks.js'
import type { AbortOptions } from 'abort-error'

/** A content path walked down to its last segment */
export interface ResolvedPath {
  /** Blocks read to walk the path (the root, HAMT shards, directories on the way), in order; the terminal block is not among them */
  path: CID[]
  /** The block the path ends at */
  terminal: CID
  /** Its bytes, already checked against its CID */
  terminalBytes: Uint8Array
  /** One CID per logical root: the root, then the block each segment led to (`X-Ipfs-Roots`) */
  roots: CID[]
  /** When the path ends inside a DAG-CBOR or DAG-JSON block (at a field, not a link): the links under that field, the DAG the path ends at */
  within?: CID[]
}

/** Largest HAMT fanout followed (Kubo writes 256) */
const MAX_HAMT_FANOUT = 65536
/** Bits of the name's hash a HAMT lookup consumes: go-unixfs hashes names with the first 64 bits of murmur3-x64-128 */
const HAMT_HASH_BITS = 64

const notFound = (message: string): GatewayRequestError => new GatewayRequestError(404, message)

function where (root: CID, segments: string[], depth: number): string {
  return ['/ipfs', root.toString(), ...segments.slice(0, depth)].join('/')
}

function decodeUnixFS (node: dagPb.PBNode): UnixFS | undefined {
  if (node.Data == null) return undefined
  try {
    return UnixFS.unmarshal(node.Data)
  } catch {
    return undefined
  }
}

/** `bits` bits of `hash` from bit `from`, most significant first */
function takeBits (hash: Uint8Array, from: number, bits: number): number {
  let v = 0
  for (let k = 0; k < bits; k++) {
    const pos = from + k
    v = (v * 2) + ((hash[pos >> 3] >> (7 - (pos & 7))) & 1)
  }
  return v
}

function hamtFanout (unixfs: UnixFS): number | undefined {
  const f = unixfs.fanout
  if (f == null) return undefined
  const n = Number(f)
  return n >= 2 && n <= MAX_HAMT_FANOUT && (n & (n - 1)) === 0 ? n : undefined
}

/**
 * Find `name` in the HAMT-sharded directory `dir` by its hash, reading only
 * the shards on the way (each appended to `path`), as go-unixfs places it:
 * each level takes log2(fanout) bits of the name's hash and names the bucket
 * in upper-case hex; a link named by the bucket alone is a sub-shard.
 */
async function hamtLookup (dir: CID, node: dagPb.PBNode, fanout: number, name: string, read: ReadBlock, path: CID[], options: AbortOptions, at: string): Promise<CID> {
  const bits = Math.log2(fanout)
  const width = (fanout - 1).toString(16).length
  const hash = (await murmur3128.encode(new TextEncoder().encode(name))).subarray(0, HAMT_HASH_BITS / 8)
  let shard = node
  let shardCid = dir
  for (let used = 0; used + bits <= HAMT_HASH_BITS; used += bits) {
    const bucket = takeBits(hash, used, bits).toString(16).toUpperCase().padStart(width, '0')
    const link = shard.Links.find(l => (l.Name ?? '').slice(0, width).toUpperCase() === bucket)
    if (link === undefined) break
    const linkName = link.Name ?? ''
    if (linkName.length > width) {
      if (linkName.slice(width) === name) return link.Hash
      break
    }
    // a sub-shard: one more level
    if (link.Hash.code !== dagPb.code) throw notFound(`${at} is a HAMT directory whose shard ${link.Hash} is not dag-pb: it cannot be walked`)
    path.push(link.Hash)
    const bytes = await read(link.Hash, options)
    let next: dagPb.PBNode
    try {
      next = dagPb.decode(bytes)
    } catch {
      throw notFound(`${at} is a HAMT directory whose shard ${link.Hash} is not valid dag-pb`)
    }
    const unixfs = decodeUnixFS(next)
    if (unixfs?.type !== 'hamt-sharded-directory' || hamtFanout(unixfs) !== fanout) {
      throw notFound(`${at} is a HAMT directory whose shard ${link.Hash} is not a shard of fanout ${fanout}`)
    }
    shard = next
    shardCid = link.Hash
  }
  throw notFound(`no entry named '${name}' in ${at} (a HAMT directory; last shard ${shardCid})`)
}

/** One step into a DAG-CBOR or DAG-JSON value: a map key or a list index */
function stepInto (value: unknown, segment: string): unknown {
  if (Array.isArray(value)) {
    if (!/^(0|[1-9]\d{0,9})$/.test(segment)) return undefined
    return value[Number(segment)]
  }
  if (value != null && typeof value === 'object' && !(value instanceof Uint8Array) && CID.asCID(value) == null) {
    return Object.hasOwn(value, segment) ? (value as Record<string, unknown>)[segment] : undefined
  }
  return undefined
}

/**
 * Walk `segments` down from `root`, reading (and checking) every block on
 * the way and nothing more: UnixFS directories by entry name, HAMT-sharded
 * directories by the name's hash through only the shards it lands in,
 * DAG-CBOR and DAG-JSON through map keys and list indexes (a link carries on
 * into the block it names; a path that ends at a field inside a block ends
 * at that block, with the links under the field as what lies below). A name that is not there, or a block that cannot be walked, is
 * 404, as the path gateway spec says for a path that cannot be traversed.
 */
export async function resolvePath (root: CID, segments: string[], read: ReadBlock, options: AbortOptions = {}): Promise<ResolvedPath> {
  const path: CID[] = []
  const roots: CID[] = [root]
  let cid = root
  let bytes = await read(root, options)
  let i = 0
  while (i < segments.length) {
    options.signal?.throwIfAborted()
    const at = where(root, segments, i)
    const segment = segments[i]
    let next: CID | undefined
    if (cid.code === dagPb.code) {
      let node: dagPb.PBNode
      try {
        node = dagPb.decode(bytes)
      } catch {
        throw notFound(`${at} is not valid dag-pb: the path cannot go on to '${segment}'`)
      }
      const unixfs = decodeUnixFS(node)
      if (unixfs?.type === 'hamt-sharded-directory') {
        const fanout = hamtFanout(unixfs)
        if (fanout === undefined) throw notFound(`${at} is a HAMT directory with fanout ${String(unixfs.fanout)}: it cannot be walked`)
        path.push(cid)
        next = await hamtLookup(cid, node, fanout, segment, read, path, options, at)
      } else if (unixfs !== undefined && unixfs.type !== 'directory') {
        throw notFound(`${at} is a UnixFS ${unixfs.type}, not a directory: it has no entry '${segment}'`)
      } else {
        // a UnixFS directory, or dag-pb that is not UnixFS: links by name
        const link = node.Links.find(l => l.Name === segment)
        if (link === undefined) throw notFound(`no entry named '${segment}' in ${at}`)
        path.push(cid)
        next = link.Hash
      }
      i++
      roots.push(next)
    } else if (cid.code === dagCbor.code || cid.code === dagJson.code) {
      let value: unknown
      try {
        value = cid.code === dagCbor.code ? dagCbor.decode(bytes) : dagJson.decode(bytes)
      } catch {
        throw notFound(`${at} is not valid ${cid.code === dagCbor.code ? 'DAG-CBOR' : 'DAG-JSON'}: the path cannot go on to '${segment}'`)
      }
      // through the value's fields until a link (or the path) ends
      while (i < segments.length) {
        value = stepInto(value, segments[i])
        if (value === undefined) throw notFound(`no field '${segments[i]}' at ${where(root, segments, i)}`)
        i++
        const link = CID.asCID(value)
        if (link != null) {
          next = link
          break
        }
        roots.push(cid)
      }
      if (next === undefined) return { path, terminal: cid, terminalBytes: bytes, roots, within: [...cborLinks(value)] }
      path.push(cid)
      roots.push(next)
    } else {
      throw notFound(`${at} is a ${cid.code === 0x55 ? 'raw block' : `block of codec 0x${cid.code.toString(16)}`}: it has no entry '${segment}'`)
    }
    cid = next
    bytes = await read(cid, options)
  }
  return { path, terminal: cid, terminalBytes: bytes, roots }
}

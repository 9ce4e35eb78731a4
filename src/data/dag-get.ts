import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { PathNotFoundError, UndecodableBlockError, UnknownCodecError } from './errors.js'
import type { CidPath } from './cid-path.js'
import type { AbortOptions } from 'abort-error'

const IDENTITY = 0x00

/** The codecs `dag get` writes, by Kubo's `--output-codec` names */
export const OUTPUT_CODECS = { 'dag-json': dagJson, 'dag-cbor': dagCbor } as const
export type OutputCodec = keyof typeof OUTPUT_CODECS

/** How far a path may go: each segment may follow a link to another block */
const MAX_SEGMENTS = 1024

/** A block as the IPLD data model sees it: dag-pb as its spec's `{Data, Links: [{Hash, Name, Tsize}]}`, raw as bytes */
function decodeNode (cid: CID, bytes: Uint8Array): unknown {
  try {
    switch (cid.code) {
      case dagCbor.code: return dagCbor.decode(bytes)
      case dagJson.code: return dagJson.decode(bytes)
      case dagPb.code: return dagPb.decode(bytes)
      case raw.code: return bytes
    }
  } catch (err: any) {
    throw new UndecodableBlockError(cid.toString(), cid.code === dagPb.code ? 'dag-pb' : cid.code === dagCbor.code ? 'dag-cbor' : 'dag-json', String(err?.message ?? err).split('\n')[0])
  }
  throw new UnknownCodecError(cid)
}

/**
 * One step of an IPLD path: a map key, a list index, or (in a dag-pb node,
 * as Kubo's `/ipfs/` paths read them) the name of a link, which is followed.
 */
function step (node: unknown, segment: string): unknown {
  if (node instanceof Uint8Array || node == null || typeof node !== 'object') return undefined
  if (Array.isArray(node)) return /^(0|[1-9]\d*)$/.test(segment) ? node[Number(segment)] : undefined
  const pb = node as { Links?: Array<{ Name?: string, Hash: CID }> }
  if (!Object.hasOwn(node, segment) && Array.isArray(pb.Links)) return pb.Links.find(l => l.Name === segment)?.Hash
  return Object.hasOwn(node, segment) ? (node as Record<string, unknown>)[segment] : undefined
}

/**
 * The node a `<cid>[/path]` names, encoded in `codec` (dag-json by
 * default), as Kubo's `ipfs dag get` writes it: a path walks the data model
 * (map keys, list indexes, dag-pb link names), following links into other
 * blocks as it goes; the node it ends on is written whole, its links as
 * links.
 */
export async function dagGet (target: CidPath, blocks: { getBytes: (cid: CID, options?: AbortOptions) => Promise<Uint8Array> }, codec: OutputCodec = 'dag-json', options: AbortOptions = {}): Promise<Uint8Array> {
  if (target.segments.length > MAX_SEGMENTS) throw new PathNotFoundError(target.segments.join('/'), target.cid.toString())
  let node: unknown = decodeNode(target.cid, target.cid.multihash.code === IDENTITY ? target.cid.multihash.digest : await blocks.getBytes(target.cid, options))
  const walked: string[] = []
  for (const segment of target.segments) {
    const link = CID.asCID(node)
    if (link != null) node = decodeNode(link, link.multihash.code === IDENTITY ? link.multihash.digest : await blocks.getBytes(link, options))
    node = step(node, segment)
    walked.push(segment)
    if (node === undefined) throw new PathNotFoundError(walked.join('/'), target.cid.toString())
  }
  return OUTPUT_CODECS[codec].encode(node)
}

import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import * as dagPb from '@ipld/dag-pb'
import * as raw from 'multiformats/codecs/raw'
import { UndecodableBlockError, UnknownCodecError } from './errors.js'
import type { CID } from 'multiformats/cid'
import type { AbortOptions } from 'abort-error'

/** The codecs `dag get` decodes, by multicodec code */
const DECODERS: ReadonlyMap<number, { name: string, decode: (bytes: Uint8Array) => unknown }> = new Map([
  [dagCbor.code, { name: 'dag-cbor', decode: dagCbor.decode }],
  [dagPb.code, { name: 'dag-pb', decode: dagPb.decode }],
  [dagJson.code, { name: 'dag-json', decode: dagJson.decode }],
  [raw.code, { name: 'raw', decode: (bytes: Uint8Array) => bytes }]
])

/**
 * One block as dag-json text, as Kubo's `ipfs dag get` prints it: a dag-pb
 * node in its data model (`Data` bytes, `Links` with `Hash`, `Name`,
 * `Tsize`), a dag-cbor or dag-json node as it is, a raw block as bytes.
 * Links stay links (`{"/": "<cid>"}`); nothing is followed.
 */
export async function dagJsonOf (cid: CID, blocks: { getBytes: (cid: CID, options?: AbortOptions) => Promise<Uint8Array> }, options: AbortOptions = {}): Promise<string> {
  const codec = DECODERS.get(cid.code)
  if (codec === undefined) throw new UnknownCodecError(cid)
  const bytes = await blocks.getBytes(cid, options)
  let node: unknown
  try {
    node = codec.decode(bytes)
  } catch (err) {
    throw new UndecodableBlockError(cid.toString(), codec.name, String((err as Error)?.message ?? err).split('\n')[0])
  }
  return new TextDecoder().decode(dagJson.encode(node))
}

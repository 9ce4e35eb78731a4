import * as dagCbor from '@ipld/dag-cbor'
import { varint } from 'multiformats'
import { CID } from 'multiformats/cid'
import { equals } from 'multiformats/bytes'
import { MAX_BLOCK_BYTES, MAX_CAR_HEADER_BYTES, MAX_SECTION_BYTES } from './constants.js'
import { BulkMessageError } from '../errors.js'
import type { StreamReader } from './stream-reader.js'
import type { AbortOptions } from 'abort-error'

/*
 * CARv1 framing, written and read here rather than through @ipld/car's
 * writer and iterator: a provider sends each block's bytes as they came off
 * the disk (no copy into a writer's channel), and a requester enforces the
 * header and section limits before it buffers anything (@ipld/car's reader
 * buffers whatever length a section claims). The bytes are a plain CARv1;
 * test/unit/bulk-messages.spec.ts reads them back with @ipld/car.
 */

/** `body` after its length as an unsigned varint: a CAR header, or a message as `StreamReader.message` reads it */
export function lengthPrefixed (body: Uint8Array): Uint8Array {
  const out = new Uint8Array(varint.encodingLength(body.byteLength) + body.byteLength)
  varint.encodeTo(body.byteLength, out)
  out.set(body, out.byteLength - body.byteLength)
  return out
}

/** A CARv1 header naming one root */
export function carHeader (root: CID): Uint8Array {
  return lengthPrefixed(dagCbor.encode({ version: 1, roots: [root] }))
}

/** What goes on the wire before a block's bytes in a CARv1: the section length and the CID */
export function sectionHead (cid: CID, blockLength: number): Uint8Array {
  const length = cid.bytes.byteLength + blockLength
  const out = new Uint8Array(varint.encodingLength(length) + cid.bytes.byteLength)
  varint.encodeTo(length, out)
  out.set(cid.bytes, out.byteLength - cid.bytes.byteLength)
  return out
}

/** Read a CARv1 header and check it names exactly `root` */
export async function readCarHeader (reader: StreamReader, root: CID, options: AbortOptions = {}): Promise<void> {
  const length = await reader.varint(MAX_CAR_HEADER_BYTES, options)
  if (length === undefined) throw new BulkMessageError('the stream ended before the CAR header')
  let header: any
  try {
    header = dagCbor.decode(await reader.bytes(length, options))
  } catch (err: any) {
    if (err instanceof BulkMessageError) throw err
    throw new BulkMessageError(`the CAR header is not dag-cbor (${String(err?.message ?? err).split('\n')[0]})`)
  }
  if (header?.version !== 1) throw new BulkMessageError(`the CAR header's version is ${String(header?.version)}, not 1`)
  const roots = header.roots
  if (!Array.isArray(roots) || roots.length !== 1 || CID.asCID(roots[0]) == null || !equals(CID.asCID(roots[0])!.multihash.bytes, root.multihash.bytes)) {
    throw new BulkMessageError(`the CAR header does not name ${root} as its one root`)
  }
}

/** One CAR section as read off the stream: the CID it claims and the bytes (not yet checked) */
export interface CarSection {
  cid: CID
  bytes: Uint8Array
}

/** Read the next CAR section, or undefined where the CAR ends cleanly */
export async function readSection (reader: StreamReader, options: AbortOptions = {}): Promise<CarSection | undefined> {
  const length = await reader.varint(MAX_SECTION_BYTES, options)
  if (length === undefined) return undefined
  const section = await reader.bytes(length, options)
  let cid: CID
  let bytes: Uint8Array
  try {
    [cid, bytes] = CID.decodeFirst(section)
  } catch (err: any) {
    throw new BulkMessageError(`a CAR section does not start with a CID (${String(err?.message ?? err).split('\n')[0]})`)
  }
  if (bytes.byteLength > MAX_BLOCK_BYTES) throw new BulkMessageError(`block ${cid} is ${bytes.byteLength} bytes, more than the ${MAX_BLOCK_BYTES} allowed`)
  return { cid, bytes }
}

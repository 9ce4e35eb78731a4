import { UnknownCodecError } from './errors.js'
import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import * as dagPb from '@ipld/dag-pb'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { UndecodableBlockError } from './errors.js'

const CODEC_NAMES: Record<number, string> = { [dagPb.code]: 'dag-pb', [dagCbor.code]: 'dag-cbor', [dagJson.code]: 'dag-json' }

/** Whether a CID's block can have links (raw and identity blocks cannot) */
export function mayHaveLinks (cid: CID): boolean {
  return cid.code !== raw.code
}

/** The links inside a decoded DAG-CBOR or DAG-JSON value, in the order its codec lists them */
export function * cborLinks (value: unknown): Generator<CID> {
  if (value == null || typeof value !== 'object') return
  const cid = CID.asCID(value)
  if (cid != null) {
    yield cid
    return
  }
  if (value instanceof Uint8Array) return
  for (const child of Array.isArray(value) ? value : Object.values(value)) yield * cborLinks(child)
}

/**
 * The CIDs a block links to, in the order its codec lists them. Bytes that
 * do not decode as the CID's codec throw `UndecodableBlockError` (a CID's
 * hash does not cover its codec, so a well-hashed block can carry any codec).
 */
export function blockLinks (cid: CID, bytes: Uint8Array): CID[] {
  try {
    switch (cid.code) {
      case raw.code: return []
      case dagPb.code: return dagPb.decode(bytes).Links.map(l => l.Hash)
      case dagCbor.code: return [...cborLinks(dagCbor.decode(bytes))]
      case dagJson.code: return [...cborLinks(dagJson.decode(bytes))]
    }
  } catch (err: any) {
    throw new UndecodableBlockError(cid.toString(), CODEC_NAMES[cid.code], String(err?.message ?? err).split('\n')[0])
  }
  throw new UnknownCodecError(cid)
}

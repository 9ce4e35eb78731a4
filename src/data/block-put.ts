import { stat, readFile } from 'node:fs/promises'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { InvalidArgumentError, LocalPathError } from '../errors.js'
import type { AbortOptions } from 'abort-error'
import type { Blockstore } from 'interface-blockstore'

/**
 * Largest block `block put` and `dag put` store: Kubo's limit (a block
 * bigger than this is not one bitswap moves between peers, so storing it
 * would make data no peer can fetch).
 */
export const MAX_BLOCK_BYTES = 2 * 2 ** 20

/** The codecs a block can be stored under, by Kubo's names */
export const BLOCK_CODECS = { raw: 0x55, 'dag-pb': 0x70, 'dag-cbor': 0x71, 'dag-json': 0x0129 } as const
export type BlockCodec = keyof typeof BLOCK_CODECS

/** The codecs `dag put` reads and writes */
export const DAG_CODECS = ['dag-cbor', 'dag-json'] as const
export type DagCodec = typeof DAG_CODECS[number]

/** The hash functions blocks are stored under (`mhtype`) */
export const BLOCK_HASHES = ['sha2-256'] as const

/** A local file's bytes, refused past `MAX_BLOCK_BYTES` before it is read */
export async function readBlockFile (path: string, options: AbortOptions & { name?: string } = {}): Promise<Uint8Array> {
  const what = options.name ?? path
  let size: number
  try {
    const s = await stat(path)
    if (!s.isFile()) throw new LocalPathError(what, 'it is not a file: a block is one file\'s bytes')
    size = s.size
  } catch (err: any) {
    if (err instanceof LocalPathError) throw err
    throw new LocalPathError(what, err.code ?? err.message)
  }
  if (size > MAX_BLOCK_BYTES) throw new InvalidArgumentError(`${what} is ${size} bytes, over the ${MAX_BLOCK_BYTES}-byte block limit (Kubo's): add it as a file with \`add\` instead, which splits it into blocks`)
  return await readFile(path, { signal: options.signal })
}

async function codecModule (codec: Exclude<BlockCodec, 'raw'>): Promise<{ decode: (b: Uint8Array) => unknown, encode: (v: any) => Uint8Array }> {
  switch (codec) {
    case 'dag-pb': return await import('@ipld/dag-pb')
    case 'dag-cbor': return await import('@ipld/dag-cbor')
    case 'dag-json': return await import('@ipld/dag-json')
  }
}

/** `bytes` decoded under `codec`, or an `InvalidArgumentError` naming why not */
export async function decodeAs (bytes: Uint8Array, codec: BlockCodec, what: string): Promise<unknown> {
  if (codec === 'raw') return bytes
  try {
    return (await codecModule(codec)).decode(bytes)
  } catch (err: any) {
    throw new InvalidArgumentError(`${what} is not valid ${codec} (${String(err.message).split('\n')[0].slice(0, 200)}): give its right codec, or raw`)
  }
}

/** Encode an IPLD value under a dag codec */
export async function encodeAs (value: unknown, codec: DagCodec): Promise<Uint8Array> {
  return (await codecModule(codec)).encode(value)
}

/**
 * Store `bytes` as one block under `codec`, hashed here with SHA-256 (a
 * CIDv1, as Kubo's `block put --cid-codec` makes), after checking its size
 * and that it decodes under its codec: a block that does not would be
 * stored but refused by every reader.
 */
export async function putBlock (bytes: Uint8Array, codec: BlockCodec, store: Pick<Blockstore, 'put'>, what: string, options: AbortOptions = {}): Promise<CID> {
  if (bytes.byteLength > MAX_BLOCK_BYTES) throw new InvalidArgumentError(`${what} is ${bytes.byteLength} bytes, over the ${MAX_BLOCK_BYTES}-byte block limit (Kubo's)`)
  await decodeAs(bytes, codec, what)
  const cid = CID.createV1(BLOCK_CODECS[codec], await sha256.digest(bytes))
  await store.put(cid, bytes, options)
  return cid
}

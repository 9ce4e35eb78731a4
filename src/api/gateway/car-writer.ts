import * as dagCbor from '@ipld/dag-cbor'
import { varint } from 'multiformats'
import type { CarBlock } from './car-blocks.js'
import type { CID } from 'multiformats/cid'
import type { Writable } from 'node:stream'

function withLength (body: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(varint.encodingLength(length) + body.reduce((n, b) => n + b.byteLength, 0))
  varint.encodeTo(length, out, 0)
  let at = varint.encodingLength(length)
  for (const b of body) {
    out.set(b, at)
    at += b.byteLength
  }
  return out
}

/** A CARv1 header naming `roots`: its length as a varint, then DAG-CBOR `{ roots, version: 1 }` */
export function carHeader (roots: CID[]): Uint8Array {
  const header = dagCbor.encode({ roots, version: 1 })
  return withLength([header], header.byteLength)
}

/** The start of a CARv1 section: the section's length as a varint, then the CID (the block's bytes follow) */
export function sectionHead (block: CarBlock): Uint8Array {
  return withLength([block.cid.bytes], block.cid.bytes.byteLength + block.bytes.byteLength)
}

/** Resolve once `out` can take more, or has closed (the caller then finds its signal aborted) */
async function drained (out: Writable): Promise<void> {
  await new Promise<void>(resolve => {
    const done = (): void => {
      out.off('drain', done)
      out.off('close', done)
      resolve()
    }
    out.on('drain', done)
    out.on('close', done)
  })
}

/**
 * Write a CARv1 of `blocks` to `out`, waiting whenever `out` is full: a
 * slow client holds the walk back instead of filling memory. Each block goes
 * out as is (no copy); only the few bytes before it are new.
 */
export async function writeCar (out: Writable, roots: CID[], blocks: AsyncIterable<CarBlock>, signal: AbortSignal): Promise<void> {
  if (!out.write(carHeader(roots))) await drained(out)
  for await (const block of blocks) {
    signal.throwIfAborted()
    out.write(sectionHead(block))
    if (!out.write(block.bytes)) await drained(out)
    signal.throwIfAborted()
  }
}

import * as dagCbor from '@ipld/dag-cbor'
import { CarBlockIterator } from '@ipld/car/iterator'
import { MemoryBlockstore } from 'blockstore-core'
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import { cat } from '../../src/data/cat.js'
import { carHeader, lengthPrefixed, sectionHead } from '../../src/net/bulk/car.js'
import { MAX_HAVE } from '../../src/net/bulk/constants.js'
import { BulkLimitError, BulkMessageError } from '../../src/net/errors.js'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../src/net/bulk/messages.js'
import { DagTraversal, resolveRange } from '../../src/net/bulk/traversal.js'
import { randomBytes } from '../helpers/shapes.js'
import type { DagScope, EntityBytes } from '../../src/net/bulk/messages.js'

const rawCid = async (bytes: Uint8Array): Promise<CID> => CID.createV1(raw.code, await sha256.digest(bytes))

/** A file in a memory blockstore with small chunks and a narrow tree, so a range lands on a few of many leaves */
async function smallChunkedFile (size: number): Promise<{ root: CID, bytes: Uint8Array, store: MemoryBlockstore }> {
  const store = new MemoryBlockstore()
  const bytes = randomBytes(size, 42)
  let root: CID | undefined
  for await (const entry of importer([{ content: bytes }], store, { cidVersion: 1, rawLeaves: true, chunker: fixedSize({ chunkSize: 1000 }), layout: balanced({ maxChildrenPerNode: 8 }) })) root = entry.cid
  return { root: root!, bytes, store }
}

/** A block's bytes from a memory blockstore (whose get streams them) */
async function bytesOf (store: MemoryBlockstore, cid: CID): Promise<Uint8Array> {
  return Buffer.concat(await Array.fromAsync(store.get(cid)))
}

/** Run the walk over a store; the CIDs it carries, in order */
async function carried (root: CID, store: MemoryBlockstore, scope: DagScope, entityBytes?: EntityBytes): Promise<CID[]> {
  const traversal = new DagTraversal(root, { scope, entityBytes })
  const out: CID[] = []
  for (let visit = traversal.next(); visit !== undefined; visit = traversal.next()) {
    if (visit.carried) out.push(visit.cid)
    if (visit.expands) traversal.expand(visit, await bytesOf(store, visit.cid))
  }
  return out
}

describe('bulk protocol messages', () => {
  it('a request survives encoding and decoding, range and held blocks included', async () => {
    const root = await rawCid(new Uint8Array([1]))
    const request = { root, scope: 'entity' as const, entityBytes: { from: -100 }, skip: 7, have: [await rawCid(new Uint8Array([2]))] }
    const back = decodeRequest(encodeRequest(request))
    expect(back.root.equals(root)).toBe(true)
    expect(back).toMatchObject({ scope: 'entity', entityBytes: { from: -100 }, skip: 7 })
    expect(back.have[0].equals(request.have[0])).toBe(true)
  })

  it('the decoder rejects requests that do not fit, naming what is wrong', async () => {
    const root = await rawCid(new Uint8Array([1]))
    const base = { type: 'dcx/bulk-request', version: 1, root, scope: 'all', skip: 0, have: [] }
    const bad: Array<[unknown, RegExp]> = [
      [{ ...base, extra: 1 }, /unknown field "extra"/],
      [{ ...base, type: 'dcx/job-request' }, /type/],
      [{ ...base, version: 2 }, /version 2 is not supported/],
      [{ ...base, root: 'bafy' }, /root is not a CID/],
      [{ ...base, scope: 'everything' }, /scope "everything"/],
      [{ ...base, skip: -1 }, /skip -1/],
      [{ ...base, skip: 1.5 }, /skip is not a whole number/],
      [{ ...base, have: Array(MAX_HAVE + 1).fill(root) }, new RegExp(`more than ${MAX_HAVE}`)],
      [{ ...base, entityBytes: [0, 10] }, /entityBytes needs scope entity/],
      [{ ...base, scope: 'entity', entityBytes: [0] }, /not \[from, to\]/],
      [[1, 2], /not a map/]
    ]
    for (const [value, why] of bad) expect(() => decodeRequest(dagCbor.encode(value))).toThrow(why)
    expect(() => decodeRequest(new Uint8Array([0xff, 0x00]))).toThrow(BulkMessageError)
  })

  it('responses: ok, a refusal, and ones that do not fit', () => {
    expect(decodeResponse(encodeResponse({ ok: true }))).toEqual({ ok: true })
    expect(decodeResponse(encodeResponse({ ok: false, code: 'BUSY', message: 'later' }))).toEqual({ ok: false, code: 'BUSY', message: 'later' })
    expect(() => decodeResponse(dagCbor.encode({ type: 'dcx/bulk-response', ok: false, code: 'NOPE', message: '' }))).toThrow(/refusal code "NOPE"/)
    expect(() => decodeResponse(dagCbor.encode({ type: 'dcx/bulk-response', ok: false, code: 'BUSY', message: 'x'.repeat(513) }))).toThrow(/at most 512/)
    expect(() => decodeResponse(dagCbor.encode({ type: 'dcx/bulk-response', ok: true, blocks: [] }))).toThrow(/unknown field/)
  })

  it('what the provider writes is a CARv1 that @ipld/car reads back', async () => {
    const blocks = [new Uint8Array([1, 2, 3]), randomBytes(70_000, 1)]
    const cids = await Promise.all(blocks.map(rawCid))
    const parts = [carHeader(cids[0])]
    blocks.forEach((b, i) => parts.push(sectionHead(cids[i], b.byteLength), b))
    const reader = await CarBlockIterator.fromBytes(Buffer.concat(parts))
    expect((await reader.getRoots()).map(String)).toEqual([cids[0].toString()])
    const back = []
    for await (const block of reader) back.push(block)
    expect(back.map(b => b.cid.toString())).toEqual(cids.map(String))
    expect(back.map(b => Buffer.from(b.bytes).equals(Buffer.from(blocks[back.indexOf(b)])))).toEqual([true, true])
    expect(lengthPrefixed(new Uint8Array(300)).subarray(0, 2)).toEqual(new Uint8Array([0xac, 0x02]))
  })
})

describe('the walk both sides run', () => {
  it('entity-bytes: from:to inclusive, * for the end, negative from the end', () => {
    expect(resolveRange({ from: 10, to: 19 }, 100)).toEqual({ start: 10, end: 20 })
    expect(resolveRange({ from: 10 }, 100)).toEqual({ start: 10, end: 100 })
    expect(resolveRange({ from: -10 }, 100)).toEqual({ start: 90, end: 100 })
    expect(resolveRange({ from: 0, to: -51 }, 100)).toEqual({ start: 0, end: 50 })
    expect(resolveRange({ from: 200 }, 100)).toEqual({ start: 100, end: 100 })
    expect(resolveRange({ from: 50, to: 10 }, 100)).toEqual({ start: 50, end: 50 })
  })

  it('a byte range carries the blocks that hold it and no others, enough to read it', async () => {
    const { root, bytes, store } = await smallChunkedFile(100_000)
    const all = await carried(root, store, 'all')
    const range = await carried(root, store, 'entity', { from: 41_500, to: 43_200 })
    // leaves 41, 42, 43 of 100 and the interior nodes above them
    expect(range.length).toBeLessThan(12)
    expect(all.length).toBeGreaterThan(100)
    const partial = new MemoryBlockstore()
    for (const cid of range) await partial.put(cid, await bytesOf(store, cid))
    const target = { cid: root, segments: [], text: root.toString() }
    const read = Buffer.concat(await Array.fromAsync(cat(target, partial, { offset: 41_500, length: 1701 })))
    expect(read.equals(Buffer.from(bytes.subarray(41_500, 43_201)))).toBe(true)
    // and the rest of the file is not there
    await expect(Array.fromAsync(cat(target, partial, { offset: 0, length: 10 }))).rejects.toThrow()
  })

  it('scope entity on a file is every block of it; scope block is the root alone', async () => {
    const { root, store } = await smallChunkedFile(20_000)
    expect((await carried(root, store, 'entity')).map(String)).toEqual((await carried(root, store, 'all')).map(String))
    expect((await carried(root, store, 'block')).map(String)).toEqual([root.toString()])
  })

  it('a DAG with more blocks than the limit stops the walk', async () => {
    const { root, store } = await smallChunkedFile(20_000)
    const traversal = new DagTraversal(root, { scope: 'all', maxBlocks: 5 })
    await expect((async () => {
      for (let visit = traversal.next(); visit !== undefined; visit = traversal.next()) if (visit.expands) traversal.expand(visit, await bytesOf(store, visit.cid))
    })()).rejects.toThrow(BulkLimitError)
  })
})

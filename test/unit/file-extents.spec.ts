import { randomBytes } from 'node:crypto'
import * as dagPb from '@ipld/dag-pb'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { UnixFS } from 'ipfs-unixfs'
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced, trickle } from 'ipfs-unixfs-importer/layout'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import { fileExtents } from '../../src/data/file-extents.js'
import type { BlockExtent, NodeReader } from '../../src/data/file-extents.js'
import type { FileLayout } from 'ipfs-unixfs-importer/layout'

const store = new MemoryBlockstore()
async function block (cid: CID): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of store.get(cid)) parts.push(part)
  return parts.length === 1 ? parts[0] : Buffer.concat(parts)
}
let reads = 0
const readNode: NodeReader = async (cid) => {
  reads++
  const bytes = await block(cid)
  return { bytes, node: dagPb.decode(bytes) }
}

async function importFile (bytes: Uint8Array, rawLeaves: boolean, layout: FileLayout): Promise<CID> {
  let cid: CID | undefined
  for await (const e of importer([{ path: 'f', content: bytes }], store, { chunker: fixedSize({ chunkSize: 1000 }), rawLeaves, layout, cidVersion: 1, wrapWithDirectory: false })) cid = e.cid
  return cid!
}

/** Every extent from `offset` to the end, batch by batch, and the bytes they name */
async function readAll (cid: CID, offset: number, options: { maxExtents?: number, maxReads?: number }): Promise<{ extents: BlockExtent[], bytes: Buffer, batches: number }> {
  const extents: BlockExtent[] = []
  let at = offset
  let batches = 0
  for (;;) {
    const batch = await fileExtents(cid, readNode, at, options)
    if (batch.length === 0) break
    batches++
    expect(batch[0].start).toBe(at)
    for (const e of batch) {
      expect(e.start).toBe(at)
      expect(e.length).toBeGreaterThan(0)
      at += e.length
    }
    extents.push(...batch)
  }
  const parts = await Promise.all(extents.map(async e => (await block(e.cid)).subarray(e.at, e.at + e.length)))
  return { extents, bytes: Buffer.concat(parts), batches }
}

describe('fileExtents: where a UnixFS file\'s bytes lie', () => {
  for (const [name, rawLeaves, layout] of [
    ['raw leaves, balanced, three levels', true, balanced({ maxChildrenPerNode: 4 })],
    ['dag-pb leaves, trickle', false, trickle({ maxChildrenPerNode: 3, layerRepeat: 2 })]
  ] as const) {
    it(`from any offset, batch by batch, the extents follow each other to the end and hold the file's bytes (${name})`, async () => {
      const bytes = randomBytes(23_456)
      const cid = await importFile(bytes, rawLeaves, layout)
      for (const offset of [0, 1, 999, 1000, 5_432, 23_455]) {
        const { extents, bytes: got, batches } = await readAll(cid, offset, { maxExtents: 5, maxReads: 3 })
        expect(got.equals(bytes.subarray(offset)), `offset ${offset}`).toBe(true)
        expect(extents.every(e => e.unread === rawLeaves)).toBe(true)
        if (offset === 0) expect(batches).toBeGreaterThan(3)
      }
      expect(await fileExtents(cid, readNode, 23_456)).toEqual([])
    })
  }

  it('locates raw leaves without reading them: a file of 1024 leaves costs its one interior block', async () => {
    const bytes = randomBytes(1024 * 1000)
    const cid = await importFile(bytes, true, balanced({ maxChildrenPerNode: 1024 }))
    reads = 0
    const extents = await fileExtents(cid, readNode, 0)
    expect(extents.length).toBe(1024)
    expect(extents.every(e => e.unread && e.at === 0 && e.length === 1000)).toBe(true)
    expect(reads).toBe(1)
  })

  it('a node holding data and links gives its data before its children\'s', async () => {
    const leaf = new Uint8Array([4, 5, 6])
    const leafCid = CID.createV1(0x55, await sha256.digest(leaf))
    await store.put(leafCid, leaf)
    const unixfs = new UnixFS({ type: 'file', data: new Uint8Array([1, 2, 3]), blockSizes: [3n] })
    const block = dagPb.encode(dagPb.prepare({ Data: unixfs.marshal(), Links: [{ Hash: leafCid, Tsize: 3 }] }))
    const cid = CID.createV1(dagPb.code, await sha256.digest(block))
    await store.put(cid, block)
    const { extents, bytes } = await readAll(cid, 1, {})
    expect([...bytes]).toEqual([2, 3, 4, 5, 6])
    expect(extents.map(e => [e.cid.toString(), e.start, e.length, e.unread])).toEqual([[cid.toString(), 1, 2, false], [leafCid.toString(), 3, 3, true]])
  })

  it('refuses a node whose sizes do not add up', async () => {
    const unixfs = new UnixFS({ type: 'file', data: new Uint8Array([1]), blockSizes: [5n, 5n] })
    const block = dagPb.encode(dagPb.prepare({ Data: unixfs.marshal(), Links: [] }))
    const cid = CID.createV1(dagPb.code, await sha256.digest(block))
    await store.put(cid, block)
    await expect(fileExtents(cid, readNode, 0)).rejects.toMatchObject({ code: 'ERR_MALFORMED_DAG' })
  })
})

import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { exporter } from 'ipfs-unixfs-exporter'
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced, trickle } from 'ipfs-unixfs-importer/layout'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fileContent } from '../dist/data/file-content.js'
import { RepoBlockstore } from '../dist/repo/blockstore.js'

const concat = async (source: AsyncIterable<Uint8Array>): Promise<Buffer> => {
  const parts: Uint8Array[] = []
  for await (const p of source) parts.push(p)
  return Buffer.concat(parts)
}

describe('reading a UnixFS file with a bounded read-ahead', () => {
  let dir: string
  let store: RepoBlockstore
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dcx-fc-'))
    store = new RepoBlockstore(join(dir, 'blocks'))
    await store.open()
  })
  afterEach(async () => { await store.close(); await rm(dir, { recursive: true, force: true }) })

  const importFile = async (bytes: Uint8Array, opts: { rawLeaves: boolean, layout: any }): Promise<CID> => {
    let cid: CID | undefined
    for await (const e of importer([{ path: 'f', content: bytes }], store as any, { chunker: fixedSize({ chunkSize: 1000 }), rawLeaves: opts.rawLeaves, layout: opts.layout, cidVersion: 1, wrapWithDirectory: false })) cid = e.cid
    return cid as CID
  }

  for (const [name, opts] of [
    ['raw leaves, balanced, three levels', { rawLeaves: true, layout: balanced({ maxChildrenPerNode: 4 }) }],
    ['dag-pb leaves, trickle', { rawLeaves: false, layout: trickle({ maxChildrenPerNode: 3, layerRepeat: 2 }) }]
  ] as const) {
    it(`gives the same bytes as the file for every range (${name})`, async () => {
      const bytes = randomBytes(23_456)
      const cid = await importFile(bytes, opts)
      const entry = await exporter(cid, store as any)
      expect(await concat(fileContent(entry, store as any, { window: 3 }))).toEqual(bytes)
      for (const [offset, length] of [[0, 1], [999, 2], [1000, 1000], [5_432, 10_001], [23_455, 10], [23_456, 5], [17, undefined], [0, 0]]) {
        const got = await concat(fileContent(entry, store as any, { offset, length, window: 2 }))
        expect(got, `offset ${offset} length ${length}`).toEqual(bytes.subarray(offset, length == null ? undefined : offset + length))
      }
      await expect(concat(fileContent(entry, store as any, { offset: 23_457 }))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' })
    })
  }

  it('reads no further ahead of a stalled consumer than its window', async () => {
    const bytes = randomBytes(200 * 1000)
    const cid = await importFile(bytes, { rawLeaves: true, layout: balanced({ maxChildrenPerNode: 1024 }) })
    const entry = await exporter(cid, store as any)
    let reads = 0
    const counting = { get: (c: CID, o?: any) => { reads++; return store.get(c, o) } }
    const chunks = fileContent(entry, counting as any, { window: 5 })
    await chunks.next()
    await new Promise(resolve => setTimeout(resolve, 100))
    // the first leaf was handed over; at most a window of the 200 leaves is read beyond it
    expect(reads).toBeLessThanOrEqual(6)
    expect(reads).toBeGreaterThanOrEqual(2)
    const rest = await concat({ [Symbol.asyncIterator]: () => chunks })
    expect(rest.length).toBe(bytes.length - 1000)
    expect(reads).toBe(200)
  })

  it('rejects a file whose sizes do not add up, naming it as malformed', async () => {
    const leaf = new Uint8Array(5)
    const leafCid = CID.createV1(raw.code, await sha256.digest(leaf))
    await store.put(leafCid, leaf)
    const node = dagPb.encode({ Data: new UnixFS({ type: 'file', blockSizes: [10n] }).marshal(), Links: [{ Hash: leafCid, Tsize: 5 }] })
    const root = CID.createV1(dagPb.code, await sha256.digest(node))
    await store.put(root, node)
    const entry = await exporter(root, store as any)
    await expect(concat(fileContent(entry, store as any))).rejects.toMatchObject({ code: 'ERR_MALFORMED_DAG', message: expect.stringContaining('do not hold the sizes it declares') })
  })
})

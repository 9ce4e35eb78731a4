import { join } from 'node:path'
import * as dagPb from '@ipld/dag-pb'
import { LevelDatastore } from 'datastore-level'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { gc } from '../../src/data/gc.js'
import { PinStore } from '../../src/data/pins.js'
import { BlockNotFoundError } from '../../src/repo/errors.js'
import { RepoBlockstore } from '../../src/repo/blockstore.js'
import { tempDir } from '../helpers/cli.js'

let blocks: RepoBlockstore
let datastore: LevelDatastore
let pins: PinStore
let cleanup: () => Promise<void>
beforeEach(async () => {
  const t = await tempDir()
  cleanup = t.cleanup
  blocks = new RepoBlockstore(join(t.path, 'blocks'))
  await blocks.open()
  datastore = new LevelDatastore(join(t.path, 'ds'))
  await datastore.open()
  pins = new PinStore(datastore, blocks)
})
afterEach(async () => { await datastore.close(); await cleanup() })

async function leaf (text: string): Promise<CID> {
  const bytes = new TextEncoder().encode(text)
  const cid = CID.createV1(raw.code, await sha256.digest(bytes))
  await blocks.put(cid, bytes)
  return cid
}

async function node (links: CID[], store = true): Promise<CID> {
  const bytes = dagPb.encode(dagPb.prepare({ Links: links.map((Hash, i) => ({ Hash, Name: `l${i}` })) }))
  const cid = CID.createV1(dagPb.code, await sha256.digest(bytes))
  if (store) await blocks.put(cid, bytes)
  return cid
}

async function removed (): Promise<string[]> {
  const out = []
  for await (const r of gc(blocks, pins)) out.push(r.cid.toString())
  return out.sort()
}

describe('PinStore', () => {
  it('writes no recursive pin while a block of the DAG is missing', async () => {
    const missing = CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode('absent')))
    const root = await node([await leaf('here'), missing])
    await expect(pins.add(root)).rejects.toThrow(BlockNotFoundError)
    expect(await pins.get(root)).toBeUndefined()
  })

  it('treats v0 and v1 of one DAG as one pin and never downgrades recursive to direct', async () => {
    const root = await node([await leaf('x')])
    await pins.add(root)
    await pins.add(root, { type: 'direct' })
    expect((await pins.get(root.toV1()))?.type).toBe('recursive')
  })
})

describe('gc', () => {
  it('keeps everything reachable from any pin, and only that', async () => {
    const shared = await leaf('shared')
    const a = await node([shared, await leaf('only a')])
    const b = await node([shared, await leaf('only b')])
    const stray = await leaf('stray')
    await pins.add(a)
    await pins.add(b)
    expect(await removed()).toEqual([stray.toString()])
    await pins.rm(a)
    const gone = await removed()
    expect(gone).toHaveLength(2)
    expect(await blocks.has(shared)).toBe(true)
    expect(await blocks.has(b)).toBe(true)
    expect(await removed()).toEqual([])
  })
})

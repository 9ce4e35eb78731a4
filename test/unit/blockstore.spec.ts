import { join } from 'node:path'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BlockNotFoundError } from '../../src/repo/errors.js'
import { RepoBlockstore } from '../../src/repo/blockstore.js'
import { tempDir } from '../helpers/cli.js'

let store: RepoBlockstore
let cleanup: () => Promise<void>
beforeEach(async () => {
  const t = await tempDir()
  cleanup = t.cleanup
  store = new RepoBlockstore(join(t.path, 'blocks'))
  await store.open()
})
afterEach(async () => { await store.close(); await cleanup() })

const block = async (text: string): Promise<{ cid: CID, bytes: Uint8Array }> => {
  const bytes = new TextEncoder().encode(text)
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

describe('RepoBlockstore', () => {
  it('stores, reads and lists blocks by multihash', async () => {
    const a = await block('a')
    await store.put(a.cid, a.bytes)
    expect(await store.has(a.cid)).toBe(true)
    expect(await store.getBytes(a.cid)).toEqual(a.bytes)
    // the same multihash under another codec is the same block
    expect(await store.has(CID.createV1(0x70, a.cid.multihash))).toBe(true)
    const listed = []
    for await (const { multihash } of store.listMultihashes()) listed.push(multihash)
    expect(listed).toEqual([a.cid.multihash.bytes])
  })

  it('raises BlockNotFoundError naming the CID', async () => {
    const a = await block('never stored')
    await expect(store.getBytes(a.cid)).rejects.toThrow(BlockNotFoundError)
    await expect(store.getBytes(a.cid)).rejects.toThrow(a.cid.toString())
  })

  it('answers identity CIDs from the CID and never writes them', async () => {
    const bytes = new TextEncoder().encode('inline')
    const cid = CID.createV1(raw.code, identity.digest(bytes))
    await store.put(cid, bytes)
    expect(await store.getBytes(cid)).toEqual(bytes)
    const listed = []
    for await (const x of store.listMultihashes()) listed.push(x)
    expect(listed).toEqual([])
  })

  it('delete removes the file and a second delete is harmless', async () => {
    const a = await block('gone')
    await store.put(a.cid, a.bytes)
    await store.delete(a.cid)
    await store.delete(a.cid)
    expect(await store.has(a.cid)).toBe(false)
  })
})

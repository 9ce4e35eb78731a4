import { join } from 'node:path'
import { unixfs } from '@helia/unixfs'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dcx, ok, tempDir, tempRepo } from '../helpers/cli.js'
import { startDaemon, type RunningDaemon } from '../helpers/daemon.js'
import { heliaAdd, heliaDigests } from '../helpers/helia-shapes.js'
import { startPlainHelia } from '../helpers/plain-helia.js'
import { diskDigests, interopShapes, shapeDigests, writeShape } from '../helpers/shapes.js'

type PlainHelia = Awaited<ReturnType<typeof startPlainHelia>>

// Adding the datasets and starting a daemon outlast vitest's 10 s hook default
const HOOK_MS = 120_000
// A transfer that stalls (the yamux window bug) ends here rather than at the test timeout
const FETCH_MS = 60_000

/** Only loopback addresses: the plain node must reach nothing else */
function loopbackOnly (addrs: string[]): string[] {
  return addrs.filter(a => !a.startsWith('/ip4/127.'))
}

async function isSharded (helia: PlainHelia, cid: CID): Promise<boolean> {
  const chunks: Uint8Array[] = []
  for await (const c of helia.helia.blockstore.get(cid, { offline: true })) chunks.push(c)
  const node = dagPb.decode(Buffer.concat(chunks))
  return node.Data != null && UnixFS.unmarshal(node.Data).type === 'hamt-sharded-directory'
}

describe('a plain Helia node fetches from a dcx daemon over bitswap', () => {
  const shapes = interopShapes(1, { big: true })
  const cids: string[] = []
  let repo: Awaited<ReturnType<typeof tempRepo>>
  let daemon: RunningDaemon
  let helia: PlainHelia

  beforeAll(async () => {
    repo = await tempRepo()
    for (const shape of shapes) {
      const path = await writeShape(repo.dir, shape)
      cids.push((await ok(['add', '-r', '-Q', ...shape.dcxFlags, path], { repo: repo.repo })).stdout.trim())
    }
    daemon = await startDaemon(repo.repo)
    helia = await startPlainHelia()
    await helia.dial(daemon.addrs[0])
  }, HOOK_MS)
  afterAll(async () => {
    await helia?.stop()
    await daemon?.stop()
    await repo?.cleanup()
  }, HOOK_MS)

  shapes.forEach((shape, i) => {
    it(shape.title, async () => {
      const fs = unixfs(helia.helia)
      const cid = CID.parse(cids[i])
      expect(await heliaDigests(fs, cid, { signal: AbortSignal.timeout(FETCH_MS) })).toEqual(shapeDigests(shape))
      if (shape.sharded === true) expect(await isSharded(helia, cid)).toBe(true)
      // the same DAG as Helia's own importer makes from the same bytes and profile
      expect((await heliaAdd(fs, shape)).toString()).toBe(cids[i])
    })
  })

  it('the Helia node listens and connects on 127.0.0.1 only, to the daemon only', () => {
    expect(helia.remotes.length).toBeGreaterThan(0)
    expect(loopbackOnly(helia.remotes)).toEqual([])
    expect(loopbackOnly(helia.helia.libp2p.getMultiaddrs().map(String))).toEqual([])
    expect([...new Set(helia.helia.libp2p.getConnections().map(c => c.remotePeer.toString()))]).toEqual([daemon.peerId])
  })
})

describe('a dcx daemon fetches from a plain Helia node over bitswap', () => {
  // dcx get fetches one block at a time: files share contents so it fetches
  // a sharded directory's shards rather than 2000 leaves
  const shapes = interopShapes(2, { big: true, sharedContents: true })
  const cids: string[] = []
  let repo: Awaited<ReturnType<typeof tempRepo>>
  let daemon: RunningDaemon
  let helia: PlainHelia

  beforeAll(async () => {
    helia = await startPlainHelia()
    const fs = unixfs(helia.helia)
    for (const shape of shapes) cids.push((await heliaAdd(fs, shape)).toString())
    repo = await tempRepo()
    daemon = await startDaemon(repo.repo)
    await ok(['peers', 'connect', helia.addr], { repo: repo.repo })
  }, HOOK_MS)
  afterAll(async () => {
    await daemon?.stop()
    await helia?.stop()
    await repo?.cleanup()
  }, HOOK_MS)

  shapes.forEach((shape, i) => {
    it(shape.title, async () => {
      const out = await tempDir()
      try {
        let timer: NodeJS.Timeout | undefined
        const r = await dcx(['get', cids[i], '-o', join(out.path, 'got')], { repo: repo.repo, onSpawn: child => { timer = setTimeout(() => child.kill(), FETCH_MS) } })
        clearTimeout(timer)
        expect(r.stderr).toBe('')
        expect(r.code).toBe(0)
        expect(await diskDigests(join(out.path, 'got'))).toEqual(shapeDigests(shape))
        if (shape.sharded === true) expect(await isSharded(helia, CID.parse(cids[i]))).toBe(true)
        // dcx's importer gives the CID Helia's gave for the same bytes and profile
        const again = await ok(['add', '-r', '-Q', '-n', ...shape.dcxFlags, await writeShape(out.path, shape)], { repo: repo.repo })
        expect(again.stdout.trim()).toBe(cids[i])
      } finally {
        await out.cleanup()
      }
    })
  })

  it('the Helia node connected to nothing but the daemon on 127.0.0.1', () => {
    expect(loopbackOnly(helia.remotes)).toEqual([])
    expect([...new Set(helia.helia.libp2p.getConnections().map(c => c.remotePeer.toString()))]).toEqual([daemon.peerId])
  })
})

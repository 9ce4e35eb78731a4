import { join } from 'node:path'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { MemoryDatastore } from 'datastore-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dcx, FIXTURES, ok, PROJECT, tempDir, tempRepo } from './helpers/cli.js'
import { startDaemon, type RunningDaemon } from './helpers/daemon.js'
// a real libp2p peer in the test process, built the way the daemon builds its node
import { createNode } from '../dist/net/node.js'
import { RepoBlockstore } from '../dist/repo/blockstore.js'

const JOB = '/dcx/job/1.0.0'

describe('the job protocol under abuse', () => {
  let a: Awaited<ReturnType<typeof tempRepo>>
  let da: RunningDaemon
  let peer: any
  let scratch: Awaited<ReturnType<typeof tempDir>>
  let books: string

  beforeAll(async () => {
    a = await tempRepo()
    books = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: a.repo })).stdout.trim()
    da = await startDaemon(a.repo)
    scratch = await tempDir()
    const blockstore = new RepoBlockstore(join(scratch.path, 'blocks'))
    await blockstore.open()
    peer = await createNode({
      config: { version: 1, profile: 'local', peerId: '', listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], mdns: false },
      privateKey: await generateKeyPair('Ed25519'),
      blockstore,
      datastore: new MemoryDatastore()
    })
    await peer.libp2p.dial(multiaddr(da.addrs[0]))
  })
  afterAll(async () => {
    await peer?.stop()
    await da?.stop()
    await a.cleanup()
    await scratch.cleanup()
  })

  const target = (): any => peerIdFromString(da.peerId)

  it('closes the stream on garbage and keeps serving', async () => {
    const stream = await peer.libp2p.dialProtocol(target(), JOB)
    const lp = lpStream(stream)
    await lp.write(new TextEncoder().encode('this is not dag-cbor at all'))
    await expect(lp.read({ signal: AbortSignal.timeout(5000) })).rejects.toThrow()
  })

  it('closes the stream on an oversized message and keeps serving', async () => {
    const stream = await peer.libp2p.dialProtocol(target(), JOB)
    // a length prefix claiming 1 GiB: over the 32 MiB cap, refused before reading it
    const varint = Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x04])
    stream.send(varint)
    const lp = lpStream(stream)
    await expect(lp.read({ signal: AbortSignal.timeout(5000) })).rejects.toThrow()
  })

  it('answers 50 concurrent jobs from 3 peers with a concurrency limit of 2: each ok or refused, no crash', async () => {
    const { requestJob } = await import('../dist/net/jobs/client.js')
    const { buildJobSpec } = await import('../dist/jobs/spec.js')
    const { CID } = await import('multiformats/cid')
    const raw = await import('multiformats/codecs/raw')
    const { sha256 } = await import('multiformats/hashes/sha2')
    const { readFile } = await import('node:fs/promises')
    const module = new Uint8Array(await readFile(join(PROJECT, 'test', 'wasm', 'wat', 'hello.wasm')))
    const cid = CID.createV1(raw.code, await sha256.digest(module))
    const peers = [peer]
    for (let i = 0; i < 2; i++) {
      const dir = join(scratch.path, `p${i}`)
      const blockstore = new RepoBlockstore(join(dir, 'blocks'))
      await blockstore.open()
      const p = await createNode({
        config: { version: 1, profile: 'local', peerId: '', listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], mdns: false },
        privateKey: await generateKeyPair('Ed25519'),
        blockstore,
        datastore: new MemoryDatastore()
      })
      await p.libp2p.dial(multiaddr(da.addrs[0]))
      peers.push(p)
    }
    try {
      const outcomes = await Promise.all(Array.from({ length: 50 }, async (_, i) => {
        // distinct jobs (the seed differs), so none is answered from the result cache
        const spec = buildJobSpec({ module: cid, name: 'hello', seed: Uint8Array.from([i]) })
        try {
          await requestJob(peers[i % 3], target(), spec, module)
          return 'ok'
        } catch (err: any) {
          return /busy/.test(err.message) ? 'busy' : `other: ${err.message}`
        }
      }))
      expect(outcomes.filter(o => o !== 'ok' && o !== 'busy')).toEqual([])
      expect(outcomes.filter(o => o === 'ok').length).toBeGreaterThanOrEqual(2)
      expect(da.child.exitCode).toBeNull()
      const rss = Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${da.child.pid}/status`, 'utf8'))![1]) * 1024
      expect(rss).toBeLessThan(1024 * 2 ** 20)
    } finally {
      for (const p of peers.slice(1)) await p.stop()
    }
  })

  it('still runs jobs for well-behaved peers afterwards', async () => {
    const c = await tempRepo()
    const dc = await startDaemon(c.repo)
    try {
      await ok(['peers', 'connect', da.addrs[0]], { repo: c.repo })
      const r = await dcx(['run', join(PROJECT, 'wasm-jobs', 'sha256sum.wasm'), '--input', books, '--on', da.peerId, '--json'], { repo: c.repo })
      expect(r.code).toBe(0)
      expect(JSON.parse(r.stdout).executor).toBe(da.peerId)
      expect(da.child.exitCode).toBeNull()
    } finally {
      await dc.stop()
      await c.cleanup()
    }
  })
})

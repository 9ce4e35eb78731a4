import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ipns, type IPNS } from '@helia/ipns'
import { unixfs } from '@helia/unixfs'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ok, tempRepo } from '../helpers/cli.js'
import { startDaemon, type RunningDaemon } from '../helpers/daemon.js'
import { startPlainHelia } from '../helpers/plain-helia.js'
import { randomBytes } from '../helpers/shapes.js'

// Starting a daemon and waiting for the DHTs to meet can outlast vitest's 10 s hook default
const HOOK_MS = 120_000

type PlainHelia = Awaited<ReturnType<typeof startPlainHelia>>

/** Ask again until `find` gives a value or the time is up: announcements land a moment after the command returns */
async function eventually<T> (find: (signal: AbortSignal) => Promise<T | undefined>, ms = 20_000): Promise<T | undefined> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    const found = await find(AbortSignal.timeout(Math.max(1, end - Date.now()))).catch(() => undefined)
    if (found !== undefined) return found
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  return undefined
}

describe('the LAN DHT and IPNS between a plain Helia node and a dcx daemon', () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>
  let daemon: RunningDaemon
  let helia: PlainHelia
  let name: IPNS

  beforeAll(async () => {
    repo = await tempRepo()
    daemon = await startDaemon(repo.repo)
    helia = await startPlainHelia({ dht: true })
    // before any record arrives: this installs the DHT's IPNS validator and selector
    name = ipns(helia.helia)
    await helia.dial(daemon.addrs[0])
    // each side's DHT takes the other in once identify has named the LAN protocol
    const dht = (helia.helia.libp2p.services as any).dht
    expect(await eventually(async () => dht.routingTable.size > 0 ? true : undefined, 10_000)).toBe(true)
  }, HOOK_MS)
  afterAll(async () => {
    await helia?.stop()
    await daemon?.stop()
    await repo?.cleanup()
  }, HOOK_MS)

  it('the Helia node finds the dcx daemon as a provider of a CID the daemon added', async () => {
    const file = join(repo.dir, 'provided-by-dcx.bin')
    await writeFile(file, randomBytes(5000, 31))
    const cid = CID.parse((await ok(['add', '-Q', file], { repo: repo.repo })).stdout.trim())
    const found = await eventually(async signal => {
      for await (const p of helia.helia.libp2p.contentRouting.findProviders(cid, { signal })) {
        if (p.id.toString() === daemon.peerId) return p.id.toString()
      }
    })
    expect(found).toBe(daemon.peerId)
  })

  it('dcx providers finds the Helia node as a provider of a CID the Helia node added', async () => {
    const cid = await unixfs(helia.helia).addBytes(randomBytes(5000, 32))
    await helia.helia.routing.provide(cid, { signal: AbortSignal.timeout(20_000) })
    const found = await eventually(async () => {
      const r = await ok(['providers', cid.toString(), '--timeout', '5s'], { repo: repo.repo })
      return r.stdout.split('\n').includes(helia.helia.libp2p.peerId.toString()) ? r.stdout : undefined
    })
    expect(found?.trim().split('\n')).toContain(helia.helia.libp2p.peerId.toString())
  })

  it('a record published by `dcx name publish` resolves through @helia/ipns on the Helia node', async () => {
    const cid = (await ok(['add', '-Q', '--pin=false', join(repo.dir, 'provided-by-dcx.bin')], { repo: repo.repo })).stdout.trim()
    const published = JSON.parse((await ok(['name', 'publish', cid, '--json'], { repo: repo.repo })).stdout)
    expect(published).toEqual({ Name: expect.stringMatching(/^k51/), Value: `/ipfs/${cid}` })
    let last: { value: string, record: any } | undefined
    for await (const step of name.resolve(published.Name, { nocache: true, signal: AbortSignal.timeout(20_000) })) last = step
    expect(last?.value).toBe(`/ipfs/${cid}`)
    // both signatures, so that V1-only resolvers (older Kubo) accept it too
    expect(last?.record.signatureV2?.length).toBeGreaterThan(0)
    expect(last?.record.signatureV1?.length).toBeGreaterThan(0)
  })

  it('a record published by @helia/ipns on the Helia node resolves with `dcx name resolve`', async () => {
    const cid = await unixfs(helia.helia).addBytes(randomBytes(5000, 33))
    const published = await name.publish('interop', cid, { signal: AbortSignal.timeout(20_000) })
    const key = published.name.replace(/^\/ipns\//, '')
    expect((await ok(['name', 'resolve', key, '--nocache'], { repo: repo.repo })).stdout).toBe(`/ipfs/${cid}\n`)
  })

  it('the Helia node connected to nothing but the daemon on 127.0.0.1', () => {
    expect(helia.remotes.filter(a => !a.startsWith('/ip4/127.'))).toEqual([])
    expect([...new Set(helia.helia.libp2p.getConnections().map(c => c.remotePeer.toString()))]).toEqual([daemon.peerId])
  })
})

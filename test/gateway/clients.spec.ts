// Other IPFS implementations' clients against the gateway: @helia/verified-fetch
// (a Helia node whose only source is this gateway, through its trustless
// gateway block broker) and ipfs-car unpacking a ?format=car response.
import { spawnSync } from 'node:child_process'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import * as dagPb from '@ipld/dag-pb'
import { withHTTP } from '@helia/http'
import { createVerifiedFetchWithHelia } from '@helia/verified-fetch'
import { dns } from '@multiformats/dns'
import { multiaddr } from '@multiformats/multiaddr'
import { createHeliaLight } from 'helia'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURES, ok, PROJECT, tempRepo } from '../helpers/cli.js'
import { startDaemon, type RunningDaemon } from '../helpers/daemon.js'
import { gatewayUrl, get } from '../helpers/gateway.js'
import { lsLinks } from '../helpers/kubo.js'

const BOOKS = join(FIXTURES, 'books')
const HAMT = 'bafybeidbclfqleg2uojchspzd4bob56dqetqjsj27gy2cq3klkkgxtpn4i'

async function filesUnder (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)))
  }
  return out.sort()
}

describe('IPFS clients against the gateway', () => {
  let r: Awaited<ReturnType<typeof tempRepo>>
  let d: RunningDaemon
  let gw: string
  let books: string
  const requested: string[] = []
  const realFetch = globalThis.fetch

  beforeAll(async () => {
    r = await tempRepo()
    books = (await ok(['add', '-r', '-Q', BOOKS], { repo: r.repo })).stdout.trim()
    await ok(['dag', 'import', join(FIXTURES, 'car', 'single-layer-hamt-with-multi-block-files.car')], { repo: r.repo })
    d = await startDaemon(r.repo)
    gw = gatewayUrl(d)
    // every HTTP request made in this process is recorded: only the gateway on 127.0.0.1 may be asked
    globalThis.fetch = async (input: any, init?: any) => {
      requested.push(String(input instanceof Request ? input.url : input))
      return await realFetch(input, init)
    }
  }, 120_000)
  afterAll(async () => {
    globalThis.fetch = realFetch
    await d?.stop()
    await r?.cleanup()
  }, 60_000)

  it('@helia/verified-fetch, with this gateway as its only source, fetches and verifies a file and directory listings', async () => {
    // The one router names this gateway as the provider of everything. (Helia's
    // fallback router, which withHTTP's recursiveGateways installs, is asked
    // only after the other routers finish, and with none its provider search
    // never ends: so the gateway is given as an ordinary router instead.)
    const port = new URL(gw).port
    const thisGateway = {
      name: 'this-gateway',
      async * findProviders () {
        yield { id: CID.createV1(0x0920, identity.digest(new TextEncoder().encode(gw))), multiaddrs: [multiaddr(`/ip4/127.0.0.1/tcp/${port}/http`)], protocols: ['transport-ipfs-gateway-http'] }
      }
    }
    const helia = withHTTP(createHeliaLight({
      routers: [thisGateway as any],
      // no DNS: nothing here names a host
      dns: dns({ resolvers: { '.': async () => { throw new Error('DNS is not used in this test') } } })
    }), {
      // no delegated routers and no public gateways
      delegatedRouters: [],
      recursiveGateways: [],
      allowLocal: true,
      allowInsecure: true
    })
    await helia.start()
    const vfetch = await createVerifiedFetchWithHelia(helia as any)
    try {
      const file = await vfetch(`ipfs://${books}/poems/tides.txt`, { allowLocal: true, allowInsecure: true })
      expect(file.status).toBe(200)
      expect(await file.text()).toBe(await readFile(join(BOOKS, 'poems', 'tides.txt'), 'utf8'))

      // a directory without index.html is listed as its dag-pb node
      const listing = await vfetch(`ipfs://${books}/poems/`, { allowLocal: true, allowInsecure: true })
      expect(listing.status).toBe(200)
      const node = dagPb.decode(new Uint8Array(await listing.arrayBuffer()))
      expect(node.Links.map(l => l.Name).sort()).toEqual((await readdir(join(BOOKS, 'poems'))).sort())
      const expected = lsLinks((await ok(['ls', `${books}/poems`, '--json'], { repo: r.repo })).stdout)
      expect(node.Links.map(l => [l.Name, l.Hash.toString()]).sort()).toEqual(expected.map((e: any) => [e.name, e.cid]).sort())

      // a HAMT-sharded directory: verified-fetch reads every shard from the gateway to list it
      const hamt = await vfetch(`ipfs://${HAMT}/`, { allowLocal: true, allowInsecure: true })
      expect(hamt.status).toBe(200)
      const entries = dagPb.decode(new Uint8Array(await hamt.arrayBuffer())).Links.map(l => [l.Name, l.Hash.toString()])
      const ls = lsLinks((await ok(['ls', HAMT, '--json'], { repo: r.repo })).stdout)
      expect(entries.sort()).toEqual(ls.map((e: any) => [e.name, e.cid]).sort())
    } finally {
      await vfetch.stop()
      await helia.stop()
    }
    expect(requested.length).toBeGreaterThan(3)
    for (const url of requested) expect(url.startsWith(`${gw}/ipfs/`), url).toBe(true)
    // and it asked for single verifiable blocks
    expect(requested.every(u => u.includes('format=raw'))).toBe(true)
  })

  it('ipfs-car unpacks a ?format=car response to the same files', async () => {
    const car = await get(`${gw}/ipfs/${books}?format=car`)
    expect(car.status).toBe(200)
    const file = join(r.dir, 'books.car')
    await writeFile(file, car.body)
    const out = join(r.dir, 'unpacked')
    const unpack = spawnSync(join(PROJECT, 'node_modules', '.bin', 'ipfs-car'), ['unpack', file, '--output', out], { encoding: 'utf8' })
    expect(unpack.status, unpack.stderr).toBe(0)
    const names = await filesUnder(BOOKS)
    expect(await filesUnder(out)).toEqual(names)
    for (const n of names) expect(Buffer.compare(await readFile(join(out, n)), await readFile(join(BOOKS, n))), n).toBe(0)
    // ipfs-car's own root for it agrees with the CAR header
    const roots = spawnSync(join(PROJECT, 'node_modules', '.bin', 'ipfs-car'), ['roots', file], { encoding: 'utf8' })
    expect(roots.stdout.trim()).toBe(books)
  })
})

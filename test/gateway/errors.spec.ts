// The gateway's errors, as the trustless and path gateway specs give them;
// malformed and oversized requests; a damaged block on disk; IPNS; and
// Gateway.NoFetch with a peer behind it.
import { randomBytes } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RepoBlockstore } from '../../dist/repo/blockstore.js'
import { ok, tempRepo } from '../helpers/cli.js'
import { startDaemon, type RunningDaemon } from '../helpers/daemon.js'
import { carContents, gatewayUrl, get, rawExchange } from '../helpers/gateway.js'

/** A GET read with node:http, keeping what arrived when the stream is cut */
async function partial (url: string): Promise<{ status: number, body: Buffer, complete: boolean }> {
  return await new Promise((resolve, reject) => {
    const req = httpRequest(url, res => {
      const chunks: Buffer[] = []
      let complete = false
      res.on('data', d => chunks.push(d))
      res.on('end', () => { complete = true })
      res.on('close', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), complete: complete && res.complete }))
      res.on('error', () => {})
    })
    req.on('error', reject)
    req.end()
  })
}

async function setConfig (repo: string, change: (c: any) => void): Promise<void> {
  const file = join(repo, 'config.json')
  const config = JSON.parse(await readFile(file, 'utf8'))
  change(config)
  await writeFile(file, JSON.stringify(config, null, 2))
}

describe('gateway errors and hostile requests', () => {
  let r: Awaited<ReturnType<typeof tempRepo>>
  let d: RunningDaemon
  let gw: string
  let file: string
  let dir: string

  beforeAll(async () => {
    r = await tempRepo()
    await writeFile(join(r.dir, 'f.txt'), 'hello gateway\n')
    file = (await ok(['add', '-Q', join(r.dir, 'f.txt')], { repo: r.repo })).stdout.trim()
    dir = (await ok(['add', '-Q', '-w', join(r.dir, 'f.txt')], { repo: r.repo })).stdout.trim()
    d = await startDaemon(r.repo)
    gw = gatewayUrl(d)
  }, 120_000)
  afterAll(async () => {
    await d?.stop()
    await r?.cleanup()
  }, 60_000)

  const status = async (path: string, init: RequestInit = {}): Promise<[number, string]> => {
    const res = await get(`${gw}${path}`, init)
    return [res.status, res.body.toString()]
  }

  it('400 for a malformed CID, path or parameter, naming what is wrong', async () => {
    expect(await status('/ipfs/not-a-cid?format=raw')).toEqual([400, "'not-a-cid' is not a valid CID: give a CID such as bafy... or Qm...\n"])
    expect((await status('/ipfs/?format=raw'))[0]).toBe(400)
    expect((await status(`/ipfs/${dir}/%E0%A4%A?format=car`))[1]).toMatch(/not valid percent-encoded UTF-8/)
    // (fetch would normalise the dots away: sent as is)
    expect(await rawExchange(gw, `GET /ipfs/${dir}/a/%2e%2e/b?format=car HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 [^]*'\.\.' segment/)
    expect((await status(`/ipfs/${file}?format=zip`))).toEqual([400, 'format=zip is not a format: use format=raw (a block) or format=car (a CAR)\n'])
    expect((await status(`/ipfs/${dir}?format=car&dag-scope=some`))[1]).toMatch(/dag-scope=some: give block, entity or all/)
    expect((await status(`/ipfs/${dir}?format=car&entity-bytes=9:3`))[1]).toMatch(/ends \(3\) before it starts \(9\)/)
    expect((await status(`/ipfs/${dir}?format=car&entity-bytes=a:b`))[0]).toBe(400)
    expect((await status(`/ipfs/${dir}?format=car&entity-bytes=0:1&dag-scope=all`))[0]).toBe(400)
    expect((await status(`/ipfs/${dir}?format=car&car-dups=maybe`))[0]).toBe(400)
    expect((await status(`/ipfs/${dir}?format=car&format=raw`))[1]).toMatch(/names 'format' 2 times/)
    expect((await status(`/ipfs/${dir}/f.txt?format=raw`))[1]).toMatch(/a raw block is requested by CID alone/)
    expect((await status('/ipns/example.com?format=raw'))[1]).toMatch(/DNSLink/)
    // neither ?format= nor Accept: the trustless spec's 400
    expect(await rawExchange(gw, `GET /ipfs/${file} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 [^]*\r\n\r\nname the response format: add \?format=raw/)
  })

  it('404 for content the gateway does not hold (Gateway.NoFetch, the default) and for a path that is not there', async () => {
    const absent = CID.createV1(0x55, await sha256.digest(randomBytes(32))).toString()
    expect(await status(`/ipfs/${absent}?format=raw`)).toEqual([404, `block ${absent} is not held by this gateway, which serves only what its repo holds (Gateway.NoFetch is true)\n`])
    expect((await status(`/ipfs/${absent}?format=car`))[0]).toBe(404)
    expect((await status(`/ipfs/${dir}/nope.txt?format=car`))).toEqual([404, `no entry named 'nope.txt' in /ipfs/${dir}\n`])
    expect((await status(`/ipfs/${dir}/f.txt/deeper?format=car`))[1]).toMatch(/is a raw block: it has no entry 'deeper'/)
    expect((await status('/favicon.ico'))[0]).toBe(404)
    expect((await status(`/ipfs/${absent}?format=raw`, { method: 'HEAD' }))).toEqual([404, ''])
  })

  it('406 for a format or CAR variant it does not produce', async () => {
    for (const format of ['tar', 'dag-json', 'dag-cbor', 'json', 'cbor', 'ipns-record']) {
      expect((await status(`/ipfs/${file}?format=${format}`))[0], format).toBe(406)
    }
    expect((await status(`/ipfs/${file}`, { headers: { Accept: 'text/html,*/*;q=0.8' } }))[0]).toBe(406)
    expect((await status(`/ipfs/${file}`, { headers: { Accept: 'application/vnd.ipld.car; version=2' } }))[0]).toBe(406)
    expect((await status(`/ipfs/${file}?format=car&car-version=2`))[1]).toMatch(/only CARv1/)
    expect((await status(`/ipfs/${file}?format=car&car-order=bfs`))[0]).toBe(406)
    expect((await status(`/ipfs/${file}`, { headers: { Accept: 'application/vnd.ipld.raw;q=0' } }))[0]).toBe(406)
  })

  it('takes a request target in absolute form, raw UTF-8 in the path, and a ?filename= that no header can be injected through', async () => {
    expect(await rawExchange(gw, `GET ${gw}/ipfs/${file}?format=raw HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 200 [^]*\r\n\r\nhello gateway\n$/)
    expect(await rawExchange(gw, Buffer.concat([Buffer.from(`GET /ipfs/${dir}/`), Buffer.from('fé.txt'), Buffer.from('?format=car HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]))).toMatch(/^HTTP\/1\.1 (400|404) /)
    const res = await get(`${gw}/ipfs/${file}?format=raw&filename=${encodeURIComponent('a"b\r\nX-Evil: 1\u00e9(1).bin')}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-evil')).toBe(null)
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="a_b__X-Evil: 1_(1).bin"; filename*=UTF-8\'\'a%22b%0D%0AX-Evil%3A%201%C3%A9%281%29.bin')
  })

  it('405 for anything but GET and HEAD; OPTIONS answers CORS', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await get(`${gw}/ipfs/${file}?format=raw`, { method })
      expect(res.status, method).toBe(405)
      expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS')
    }
    const options = await get(`${gw}/ipfs/${file}?format=raw`, { method: 'OPTIONS' })
    expect([options.status, options.headers.get('access-control-allow-origin')]).toEqual([204, '*'])
  })

  it('refuses garbage, bodies and oversized requests with a status, and keeps serving', async () => {
    expect(await rawExchange(gw, 'GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /)
    expect(await rawExchange(gw, Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10]))).toMatch(/^HTTP\/1\.1 400 /)
    expect(await rawExchange(gw, `GET /ipfs/${file}?format=raw HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431 /)
    expect(await rawExchange(gw, `GET /ipfs/${file}/${'a'.repeat(9000)}?format=car HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 414 /)
    expect(await rawExchange(gw, `GET /ipfs/${file}?format=raw HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello`)).toMatch(/^HTTP\/1\.1 400 [^]*a gateway request has no body/)
    expect(await rawExchange(gw, `GET /ipfs/${file}?format=raw HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /)
    // a 10 MiB body is not read: the connection is closed after the 400
    const big = await rawExchange(gw, Buffer.concat([Buffer.from(`GET /ipfs/${file}?format=raw HTTP/1.1\r\nHost: x\r\nContent-Length: ${10 << 20}\r\n\r\n`), Buffer.alloc(1 << 20)]))
    expect(big).toMatch(/^HTTP\/1\.1 400 /)
    // deep paths are refused before any block is read
    expect((await status(`/ipfs/${dir}/${Array(200).fill('a').join('/')}?format=car`))[1]).toMatch(/deeper than 128 segments/)
    // half a request, then gone; and fifty connections of garbage at once
    await rawExchange(gw, 'GET /ipfs/', 200)
    await Promise.all(Array.from({ length: 50 }, async () => await rawExchange(gw, randomBytes(512))))
    const res = await get(`${gw}/ipfs/${file}?format=raw`)
    expect([res.status, res.body.toString()]).toEqual([200, 'hello gateway\n'])
    expect(d.child.exitCode).toBe(null)
  })

  it('never serves a block whose bytes do not match its CID: a damaged block file gives an error, not bytes', async () => {
    // four 1 KiB leaves under one root; the second leaf's file is then overwritten on disk
    const data = Buffer.concat([0, 1, 2, 3].map(i => Buffer.alloc(1024, 65 + i)))
    await writeFile(join(r.dir, 'four.bin'), data)
    const root = (await ok(['add', '-Q', '--chunker', 'size-1024', join(r.dir, 'four.bin')], { repo: r.repo })).stdout.trim()
    const whole = await get(`${gw}/ipfs/${root}?format=car`)
    const blocks = (await carContents(whole.body)).blocks
    expect(blocks.map(b => b.bytes.byteLength).slice(1)).toEqual([1024, 1024, 1024, 1024])
    const damaged = blocks[2].cid
    const tampered = Buffer.alloc(1024, 'Z'.charCodeAt(0))
    await writeFile(new RepoBlockstore(join(r.repo, 'blocks')).pathOf(damaged), tampered)

    const raw = await get(`${gw}/ipfs/${damaged}?format=raw`)
    expect(raw.status).toBe(500)
    expect(raw.body.toString()).toBe(`block ${damaged} in the repo does not match its hash (its file is damaged): nothing was served or recorded from it; \`dcx repo verify\` lists damaged blocks, remove the file it names and fetch or import the block again\n`)
    expect((await get(`${gw}/ipfs/${damaged}?format=car`)).status).toBe(500)
    // in a CAR, the stream stops before the damaged block: what came is the root and the first leaf, never the tampered bytes
    const cut = await partial(`${gw}/ipfs/${root}?format=car`)
    expect([cut.status, cut.complete]).toEqual([200, false])
    expect(cut.body.includes(tampered.subarray(0, 64))).toBe(false)
    expect(cut.body.includes(blocks[1].bytes)).toBe(true)
    // the rest is served as before
    expect((await get(`${gw}/ipfs/${blocks[1].cid}?format=raw`)).status).toBe(200)
    expect(d.child.exitCode).toBe(null)
  })
})

describe('Gateway.NoFetch', () => {
  let a: Awaited<ReturnType<typeof tempRepo>>
  let b: Awaited<ReturnType<typeof tempRepo>>
  let da: RunningDaemon
  let db: RunningDaemon
  let held: string
  let dir: string
  let file: string

  beforeAll(async () => {
    a = await tempRepo()
    b = await tempRepo()
    await writeFile(join(a.dir, 'x.bin'), randomBytes(600_000))
    held = (await ok(['add', '-Q', '--chunker', 'size-65536', join(a.dir, 'x.bin')], { repo: a.repo })).stdout.trim()
    await writeFile(join(a.dir, 'f.txt'), 'hello gateway\n')
    file = (await ok(['add', '-Q', join(a.dir, 'f.txt')], { repo: a.repo })).stdout.trim()
    dir = (await ok(['add', '-Q', '-w', join(a.dir, 'f.txt')], { repo: a.repo })).stdout.trim()
    await setConfig(b.repo, c => { c.Gateway = { NoFetch: false, RetrievalTimeout: '2s' } })
    da = await startDaemon(a.repo)
    db = await startDaemon(b.repo)
    await ok(['peers', 'connect', da.addrs[0]], { repo: b.repo })
  }, 120_000)
  afterAll(async () => {
    await db?.stop()
    await da?.stop()
    await a?.cleanup()
    await b?.cleanup()
  }, 60_000)

  it('false: content the repo lacks is fetched from peers, checked and served', async () => {
    const res = await get(`${gatewayUrl(db)}/ipfs/${held}?format=car`)
    expect(res.status, res.body.toString()).toBe(200)
    expect(Buffer.compare(res.body, (await ok(['dag', 'export', held], { repo: a.repo })).stdoutBytes)).toBe(0)
  })

  it('false: a block no peer has is a 504 after Gateway.RetrievalTimeout, with Retry-After', async () => {
    const absent = CID.createV1(0x55, await sha256.digest(randomBytes(32))).toString()
    const t = Date.now()
    const res = await get(`${gatewayUrl(db)}/ipfs/${absent}?format=raw`)
    expect(res.status).toBe(504)
    expect(res.body.toString()).toMatch(/did not arrive from peers within 2 s \(Gateway.RetrievalTimeout\)/)
    expect(res.headers.get('retry-after')).toBe('30')
    expect(Date.now() - t).toBeGreaterThanOrEqual(1900)
  })

  it('Cache-Control: only-if-cached answers 412 at once for what is not held, instead of fetching it', async () => {
    const absent = CID.createV1(0x55, await sha256.digest(randomBytes(32))).toString()
    const t = Date.now()
    const res = await get(`${gatewayUrl(db)}/ipfs/${absent}?format=raw`, { headers: { 'Cache-Control': 'only-if-cached' } })
    expect(res.status).toBe(412)
    expect(Date.now() - t).toBeLessThan(1500)
    expect((await get(`${gatewayUrl(db)}/ipfs/${held}?format=raw`, { method: 'HEAD', headers: { 'Cache-Control': 'only-if-cached' } })).status).toBe(200)
  })

  it('true (the default): a connected peer holds it, the gateway still answers 404', async () => {
    await writeFile(join(b.dir, 'only-b.txt'), 'b alone\n')
    const onlyB = (await ok(['add', '-Q', join(b.dir, 'only-b.txt')], { repo: b.repo })).stdout.trim()
    expect(JSON.parse(await readFile(join(a.repo, 'config.json'), 'utf8')).Gateway.NoFetch).toBe(true)
    expect((await get(`${gatewayUrl(da)}/ipfs/${onlyB}?format=raw`)).status).toBe(404)
    expect((await get(`${gatewayUrl(db)}/ipfs/${onlyB}?format=raw`)).status).toBe(200)
  })

  it('resolves /ipns/<name> through the daemon\'s IPNS', async () => {
    // A publishes (a lone daemon cannot: the DHT put needs a peer); B resolves it over the LAN DHT and fetches the blocks
    const name = (await ok(['name', 'publish', dir], { repo: a.repo })).stdout.match(/Published to (\S+):/)![1]
    const gw = gatewayUrl(db)
    const raw = await get(`${gw}/ipns/${name}?format=raw`)
    expect(raw.status, raw.body.toString()).toBe(200)
    expect(Buffer.compare(raw.body, (await get(`${gw}/ipfs/${dir}?format=raw`)).body)).toBe(0)
    expect(raw.headers.get('x-ipfs-path')).toBe(`/ipns/${name}`)
    // a mutable name is not marked immutable
    expect(raw.headers.get('cache-control')).toBe(null)
    const car = await get(`${gw}/ipns/${name}/f.txt?format=car`)
    expect((await carContents(car.body)).blocks.map(b => b.cid.toString())).toEqual([dir, file])
    expect(car.headers.get('x-ipfs-roots')).toBe(`${dir},${file}`)
    expect((await get(`${gw}/ipns/${name}/f.txt?format=raw`)).status).toBe(400)
  })
})

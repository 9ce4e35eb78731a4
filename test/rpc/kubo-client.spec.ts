// kubo-rpc-client, Kubo's own JavaScript client from npm, against a dcx daemon's
// RPC API on 127.0.0.1: every answer it parses is one dcx must shape as Kubo does.
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { promisify } from 'node:util'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { create, globSource } from 'kubo-rpc-client'
import * as dagCbor from '@ipld/dag-cbor'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURES, ok, PROJECT, tempRepo } from '../helpers/cli.js'
import { startDaemon, type RunningDaemon } from '../helpers/daemon.js'
import { rpcUrl } from './helpers.js'

const BOOKS = join(FIXTURES, 'books')
const execFileP = promisify(execFile)

async function collect (source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const c of source) parts.push(c)
  return Buffer.concat(parts)
}

/** A multipart body of one unnamed file, boundary XX */
function multipart (content: string): string {
  return `--XX\r\nContent-Disposition: form-data; name="file"\r\nContent-Type: application/octet-stream\r\n\r\n${content}\r\n--XX--\r\n`
}

async function all<T> (source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of source) out.push(x)
  return out
}

describe('kubo-rpc-client against the daemon', () => {
  let r: Awaited<ReturnType<typeof tempRepo>>
  let d: RunningDaemon
  let peer: Awaited<ReturnType<typeof tempRepo>>
  let peerDaemon: RunningDaemon
  let client: ReturnType<typeof create>
  let url: string
  let books: string
  let csv: string

  beforeAll(async () => {
    r = await tempRepo()
    books = (await ok(['add', '-r', '-Q', BOOKS], { repo: r.repo })).stdout.trim()
    csv = (await ok(['add', '-Q', '--cid-version', '1', join(FIXTURES, 'points.csv')], { repo: r.repo })).stdout.trim()
    peer = await tempRepo()
    ;[d, peerDaemon] = await Promise.all([startDaemon(r.repo), startDaemon(peer.repo)])
    url = rpcUrl(d)
    client = create({ url: `${url}/api/v0` })
  }, 120_000)
  afterAll(async () => {
    await Promise.all([d?.stop(), peerDaemon?.stop()])
    await Promise.all([r?.cleanup(), peer?.cleanup()])
  }, 60_000)

  it('the daemon writes <repo>/api with the RPC multiaddr (Kubo tools find the node there)', async () => {
    const api = await readFile(join(r.repo, 'api'), 'utf8')
    expect(`${api}/http`).toBe(/^RPC API server listening on (\S+)$/m.exec(d.output())![1])
  })

  it('id and version', async () => {
    const id = await client.id()
    expect(id.id.toString()).toBe(d.peerId)
    expect(id.addresses.map(String)).toEqual(expect.arrayContaining([expect.stringContaining('/ip4/127.0.0.1/tcp/')]))
    expect(id.agentVersion).toMatch(/^dcx\//)
    const v = await client.version()
    expect(v.version).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('cat, with offset and length', async () => {
    const want = await readFile(join(FIXTURES, 'points.csv'))
    expect(await collect(client.cat(CID.parse(csv)))).toEqual(want)
    expect(await collect(client.cat(`/ipfs/${csv}`, { offset: 3, length: 10 }))).toEqual(want.subarray(3, 13))
  })

  it('ls lists a directory as `dcx ls` does', async () => {
    const entries = await all(client.ls(books))
    const cli = (await ok(['ls', books], { repo: r.repo })).stdout.trim().split('\n').map(l => l.split(/\s+/)[0])
    expect(entries.map(e => e.cid.toString()).sort()).toEqual([...cli].sort())
    expect(entries.every(e => e.path.startsWith(`${books}/`))).toBe(true)
  })

  it('pin add, ls, rm', async () => {
    const file = (await ok(['add', '-Q', '--pin=false', join(FIXTURES, 'sales.csv')], { repo: r.repo })).stdout.trim()
    expect((await client.pin.add(CID.parse(file))).toString()).toBe(file)
    const pins = await all(client.pin.ls())
    expect(pins.map(p => p.cid.toString())).toEqual(expect.arrayContaining([file, books]))
    expect(pins.find(p => p.cid.toString() === file)?.type).toBe('recursive')
    expect((await all(client.pin.ls({ paths: [CID.parse(file)] }))).map(p => p.cid.toString())).toEqual([file])
    expect((await client.pin.rm(CID.parse(file))).toString()).toBe(file)
    expect((await all(client.pin.ls())).map(p => p.cid.toString())).not.toContain(file)
  })

  it('dag get (through block/get) and dag export', async () => {
    const node = await client.dag.get(CID.parse(books))
    expect((node.value as { Links: unknown[] }).Links.length).toBeGreaterThan(0)
    const car = await collect(client.dag.export(CID.parse(books)))
    expect(car.equals((await ok(['dag', 'export', books], { repo: r.repo })).stdoutBytes)).toBe(true)
  })

  it('block get and stat', async () => {
    const bytes = await client.block.get(CID.parse(csv))
    expect(Buffer.from(bytes)).toEqual(await readFile(join(FIXTURES, 'points.csv')))
    const stat = await client.block.stat(CID.parse(csv))
    expect(stat.cid.toString()).toBe(csv)
    expect(stat.size).toBe(bytes.length)
  })

  it('swarm connect and peers', async () => {
    const addr = peerDaemon.addrs[0]
    expect(await client.swarm.connect(multiaddr(addr))).toEqual([`connect ${peerDaemon.peerId} success`])
    expect((await client.swarm.peers()).map(p => p.peer.toString())).toContain(peerDaemon.peerId)
  })

  it('key gen, list, rm; name publish, and resolve on the other peer', async () => {
    const key = await client.key.gen('rpc-test', { type: 'ed25519' })
    expect((await client.key.list()).map(k => k.name)).toEqual(expect.arrayContaining(['self', 'rpc-test']))
    const published = await client.name.publish(`/ipfs/${csv}`, { key: 'rpc-test' })
    expect(published.value).toBe(`/ipfs/${csv}`)
    expect(published.name).toBe(key.id)
    const other = create({ url: `${rpcUrl(peerDaemon)}/api/v0` })
    expect(await all(other.name.resolve(`/ipns/${key.id}`))).toEqual([`/ipfs/${csv}`])
    expect((await client.key.rm('rpc-test')).name).toBe('rpc-test')
  })

  it('routing findProvs answers Kubo query events', async () => {
    const events = await all(client.routing.findProvs(CID.parse(books), { timeout: 2000 }))
    for (const e of events) expect(e.name).toBe('PROVIDER')
  })

  it('add: a file and a directory, under both CID profiles, give the CIDs `dcx add` gives', async () => {
    const file = join(FIXTURES, 'points.csv')
    const bytes = await readFile(file)
    for (const profile of [[], ['--cid-version', '1']]) {
      const options = profile.length > 0 ? { cidVersion: 1 as const } : {}
      const want = (await ok(['add', '-Q', '--only-hash', ...profile, file], { repo: r.repo })).stdout.trim()
      expect((await client.add({ path: 'points.csv', content: bytes }, options)).cid.toString()).toBe(want)
      const wantDir = (await ok(['add', '-r', '-Q', '--only-hash', ...profile, BOOKS], { repo: r.repo })).stdout.trim()
      const added = await all(client.addAll(globSource(FIXTURES, 'books/**/*'), options))
      expect(added.at(-1)!.path).toBe('books')
      expect(added.at(-1)!.cid.toString()).toBe(wantDir)
    }
    // added content is pinned and readable through the CLI (the daemon's repo)
    const raw = await client.add('some bytes', { rawLeaves: true, cidVersion: 1 })
    expect((await ok(['cat', raw.cid.toString()], { repo: r.repo })).stdout).toBe('some bytes')
    expect(raw.path).toBe(raw.cid.toString())
  })

  it('add --wrap-with-directory, --progress, --pin=false', async () => {
    const seen: number[] = []
    const added = await all(client.addAll([{ path: 'a.txt', content: 'aaa' }, { path: 'b.txt', content: 'bbbb' }], { wrapWithDirectory: true, pin: false, progress: (n: number) => seen.push(n) }))
    expect(added.map(a => a.path)).toEqual(['a.txt', 'b.txt', ''])
    expect(seen.length).toBeGreaterThan(0)
    expect((await all(client.pin.ls())).map(p => p.cid.toString())).not.toContain(added[2].cid.toString())
  })

  it('dag import of an exported CAR', async () => {
    const car = await collect(client.dag.export(CID.parse(books)))
    const results = await all(client.dag.import((async function * () { yield car })()))
    expect(results.map(x => x.root.cid.toString())).toEqual([books])
  })

  it('dcx\'s own verbs at /api/v0/dcx/...: run, job ls and show, verify, with the JSON of the CLI\'s --json', async () => {
    const post = async (path: string, body?: unknown): Promise<any> => {
      const res = await fetch(`${url}/api/v0/dcx/${path}`, { method: 'POST', ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}) })
      expect(res.status, await res.clone().text()).toBe(200)
      return await res.json()
    }
    const module = (await readFile(join(PROJECT, 'test', 'wasm', 'wat', 'hello.wasm'))).toString('base64')
    const run = await post('run', { module, name: 'hello' })
    expect(run.status).toBe('exit')
    const cli = JSON.parse((await ok(['job', 'show', run.job, '--json'], { repo: r.repo })).stdout)
    expect(await post(`job/show?arg=${run.job}`)).toEqual(cli)
    expect((await post('job/ls?limit=1'))[0].job).toBe(run.job)
    const verified = await post(`verify?arg=${run.receipt}`)
    expect(verified.verified).toBe(true)
    const cliVerified = JSON.parse((await ok(['verify', run.receipt, '--json'], { repo: r.repo })).stdout)
    // the same fields and verdict (a re-run's timings differ from run to run)
    expect(Object.keys(verified).sort()).toEqual(Object.keys(cliVerified).sort())
    expect(verified.reason).toBe(cliVerified.reason)
  })

  it('block put: raw by default, each codec, pin; the CID and size block stat gives', async () => {
    const bytes = new TextEncoder().encode('a block of bytes')
    const raw = await client.block.put(bytes)
    expect(raw.toString()).toBe(CID.createV1(0x55, await sha256.digest(bytes)).toString())
    expect(Buffer.from(await client.block.get(raw))).toEqual(Buffer.from(bytes))
    const cbor = dagCbor.encode({ hello: 'world', link: raw })
    const put = await client.block.put(cbor, { format: undefined, cidCodec: 'dag-cbor', mhtype: 'sha2-256', pin: true } as any)
    expect(put.toString()).toBe(CID.createV1(0x71, await sha256.digest(cbor)).toString())
    expect((await client.block.stat(put)).size).toBe(cbor.length)
    expect((await all(client.pin.ls({ type: 'recursive' }))).map(p => p.cid.toString())).toContain(put.toString())
    const json = await client.block.put(new TextEncoder().encode('{"a":1}'), { cidCodec: 'dag-json' } as any)
    expect(json.code).toBe(0x0129)
    const pb = await client.block.put(dagPb.encode({ Links: [] }), { cidCodec: 'dag-pb' } as any)
    expect(pb.code).toBe(0x70)
  })

  it('block put refuses: bytes that do not decode under the codec, an unknown codec or hash, a block over 2 MiB', async () => {
    await expect(client.block.put(new Uint8Array([0xa1, 0x61]), { cidCodec: 'dag-cbor' } as any)).rejects.toThrow(/not valid dag-cbor/)
    await expect(client.block.put(new Uint8Array([1]), { cidCodec: 'git-raw' } as any)).rejects.toThrow(/codec/)
    await expect(client.block.put(new Uint8Array([1]), { mhtype: 'md5' } as any)).rejects.toThrow(/hash|sha2-256/)
    await expect(client.block.put(new Uint8Array(2 * 2 ** 20 + 1))).rejects.toThrow(/2097152-byte block limit/)
  })

  it('dag put: dag-json in, dag-cbor stored by default; other codecs; dag get reads it back', async () => {
    const cid = await client.dag.put({ name: 'x', n: 3 })
    expect(cid.code).toBe(0x71)
    expect((await client.dag.get(cid)).value).toEqual({ name: 'x', n: 3 })
    const raw = await fetch(`${url}/api/v0/dag/put?pin=true`, { method: 'POST', body: multipart('{"a":[1,2]}') , headers: { 'Content-Type': 'multipart/form-data; boundary=XX' } })
    const answer = await raw.json()
    expect(answer).toEqual({ Cid: { '/': CID.createV1(0x71, await sha256.digest(dagCbor.encode({ a: [1, 2] }))).toString() } })
    expect((await all(client.pin.ls())).map(p => p.cid.toString())).toContain(answer.Cid['/'])
    const asJson = await client.dag.put({ b: true }, { storeCodec: 'dag-json' })
    expect(asJson.code).toBe(0x0129)
    expect((await ok(['dag', 'get', asJson.toString()], { repo: r.repo })).stdout.trim()).toBe('{"b":true}')
  })

  it('dag put refuses input that is not its input codec, and an unknown codec', async () => {
    const send = async (query: string, body: string): Promise<Response> => await fetch(`${url}/api/v0/dag/put?${query}`, { method: 'POST', body: multipart(body), headers: { 'Content-Type': 'multipart/form-data; boundary=XX' } })
    const bad = await send('', '{not json')
    expect(bad.status).toBe(500)
    expect((await bad.json()).Message).toMatch(/not valid dag-json/)
    const codec = await send('store-codec=dag-jose', '{}')
    expect(codec.status).toBe(400)
  })

  it('get: a tree and a file as tar, the files `dcx get` writes; long names through PAX headers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dcx-rpc-get-'))
    try {
      const untar = async (bytes: Buffer, into: string): Promise<void> => {
        await mkdir(join(dir, into))
        await writeFile(join(dir, `${into}.tar`), bytes)
        await execFileP('tar', ['-xf', join(dir, `${into}.tar`), '-C', join(dir, into)])
      }
      await untar(await collect(client.get(CID.parse(books))), 'tree')
      await ok(['get', books, '-o', join(dir, 'cli')], { repo: r.repo })
      await execFileP('diff', ['-r', join(dir, 'cli'), join(dir, 'tree', books)])
      await untar(await collect(client.get(`/ipfs/${books}/river.txt`)), 'file')
      expect(await readFile(join(dir, 'file', 'river.txt'))).toEqual(await readFile(join(BOOKS, 'river.txt')))
      const long = 'n'.repeat(120)
      const added = await all(client.addAll([{ path: `top/${long}/${long}.txt`, content: 'deep' }], { wrapWithDirectory: false }))
      await untar(await collect(client.get(added.at(-1)!.cid)), 'long')
      expect(await readFile(join(dir, 'long', added.at(-1)!.cid.toString(), long, `${long}.txt`), 'utf8')).toBe('deep')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('get refuses a node that is not UnixFS, and compress', async () => {
    const node = await client.dag.put({ not: 'unixfs' })
    await expect(collect(client.get(node))).rejects.toThrow(/UnixFS|not a file/i)
    await expect(collect(client.get(CID.parse(books), { compress: true } as any))).rejects.toThrow(/uncompressed tar/)
  })

  it('a bad CID: the client raises the daemon\'s one-line error', async () => {
    await expect(collect(client.cat('not-a-cid'))).rejects.toThrow(/not-a-cid/)
    await expect(client.block.stat('bafyNOPE' as any)).rejects.toThrow()
  })
})

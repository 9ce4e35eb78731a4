// What the web view (issue 16) reads from the daemon, over real HTTP: the
// events stream, map runs in the job history and map/show, pin sizes, the
// config (its secrets hidden) and which pinned roots each peer holds. One
// daemon (and one peer for peers/roots), small data.
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURES, ok, PROJECT, tempRepo } from '../helpers/cli.js'
import { startDaemon, type RunningDaemon } from '../helpers/daemon.js'
import { rpcUrl } from './helpers.js'

const JOBS = join(PROJECT, 'wasm-jobs')
const TOKEN = 'webapi-test-secret-token-0123456789'
const AUTH = { Authorization: `Bearer ${TOKEN}` }

/** A stream's lines, read as they come */
class Lines {
  private buffer = ''
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>
  constructor (readonly res: Response, private readonly aborter: AbortController) {
    this.reader = res.body!.getReader()
  }

  /** The next JSON line, or a failure after `ms` */
  async next (ms = 5000): Promise<any> {
    const deadline = Date.now() + ms
    while (!this.buffer.includes('\n')) {
      const chunk = await Promise.race([
        this.reader.read(),
        new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error(`no line within ${ms} ms`)), Math.max(0, deadline - Date.now())))
      ])
      if (chunk.done === true) throw new Error('the stream ended')
      this.buffer += new TextDecoder().decode(chunk.value)
    }
    const at = this.buffer.indexOf('\n')
    const line = this.buffer.slice(0, at)
    this.buffer = this.buffer.slice(at + 1)
    return JSON.parse(line)
  }

  close (): void { this.aborter.abort() }
}

describe('the RPC the web view reads', () => {
  let a: Awaited<ReturnType<typeof tempRepo>>
  let b: Awaited<ReturnType<typeof tempRepo>>
  let da: RunningDaemon
  let db: RunningDaemon
  let url: string
  let books: string
  let csv: string
  let map: any

  const post = async (path: string, headers: Record<string, string> = AUTH, signal?: AbortSignal): Promise<Response> =>
    await fetch(`${url}/api/v0/${path}`, { method: 'POST', headers, signal })
  const json = async (path: string): Promise<any> => {
    const res = await post(path)
    const body = await res.json()
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`)
    return body
  }
  const events = async (): Promise<Lines> => {
    const aborter = new AbortController()
    const res = await post('dcx/events', AUTH, aborter.signal)
    expect(res.status).toBe(200)
    return new Lines(res, aborter)
  }

  beforeAll(async () => {
    ;[a, b] = await Promise.all([tempRepo(), tempRepo()])
    books = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: a.repo })).stdout.trim()
    csv = (await ok(['add', '-Q', '--cid-version', '1', join(FIXTURES, 'points.csv')], { repo: a.repo })).stdout.trim()
    // the peer holds the books, not the CSV
    await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: b.repo })
    const file = join(a.repo, 'config.json')
    const config = JSON.parse(await readFile(file, 'utf8'))
    await writeFile(file, JSON.stringify({ ...config, API: { Authorizations: { page: { AuthSecret: `bearer:${TOKEN}` } } }, executor: { maxConcurrentJobs: 3 } }))
    ;[da, db] = await Promise.all([startDaemon(a.repo), startDaemon(b.repo)])
    url = rpcUrl(da)
    const addr = db.addrs.find(x => x.startsWith('/ip4/127.0.0.1/'))!
    await json(`swarm/connect?arg=${encodeURIComponent(addr.includes('/p2p/') ? addr : `${addr}/p2p/${db.peerId}`)}`)
  }, 120_000)
  afterAll(async () => {
    await Promise.all([da?.stop(), db?.stop()])
    await Promise.all([a?.cleanup(), b?.cleanup()])
  }, 60_000)

  it('dcx/events: hello at once, then each run the history records (a run, a map run) as dcx/job/ls lists it', async () => {
    const stream = await events()
    expect(stream.res.headers.get('content-type')).toBe('application/x-ndjson')
    expect(stream.res.headers.get('x-stream-output')).toBe('1')
    try {
      expect(await stream.next()).toEqual({ type: 'hello', peerId: da.peerId })
      await ok(['run', join(JOBS, 'wordcount.wasm'), '--input', books], { repo: a.repo })
      const run = await stream.next()
      map = JSON.parse((await ok(['run', join(JOBS, 'wcmap.wasm'), '--input', books, '--map', '--on', 'local', '--reduce', join(JOBS, 'wcreduce.wasm'), '--json'], { repo: a.repo })).stdout)
      const mapped = await stream.next()
      const listed = await json('dcx/job/ls')
      expect(listed.slice(0, 2)).toEqual([mapped.record, run.record])
      expect(run).toMatchObject({ type: 'job', record: { via: 'local', status: 'exit', exitCode: 0, executor: da.peerId, inputs: [{ cid: books, path: '/inputs' }] } })
      expect(mapped.record).toMatchObject({
        via: 'map', job: map.job, receipt: map.receipt, output: map.output, name: 'wcmap', status: 'exit', exitCode: 0,
        inputs: [{ cid: books, path: '/inputs' }], executor: da.peerId, trap: null
      })
      expect(mapped.record.durationMs).toBeGreaterThan(0)
      // the CLI lists it too
      expect((await ok(['job', 'ls', '-n', '1'], { repo: a.repo })).stdout).toContain(`${map.job}  wcmap  exit 0  here  `)
    } finally {
      stream.close()
    }
  })

  it('dcx/events: at most 16 streams; the 17th is a 503 with Kubo\'s error object; a closed one frees its place', async () => {
    const open = await Promise.all(Array.from({ length: 16 }, events))
    try {
      await Promise.all(open.map(async s => expect((await s.next()).type).toBe('hello')))
      const refused = await post('dcx/events')
      expect(refused.status).toBe(503)
      expect(await refused.json()).toEqual({ Message: expect.stringMatching(/already serves 16 event streams/), Code: 0, Type: 'error' })
    } finally {
      open.forEach(s => s.close())
    }
    // the daemon hears the clients go; poll until it has
    let status = 0
    for (let i = 0; i < 50 && status !== 200; i++) {
      const aborter = new AbortController()
      const res = await post('dcx/events', AUTH, aborter.signal)
      status = res.status
      aborter.abort()
      if (status !== 200) await new Promise(resolve => setTimeout(resolve, 100))
    }
    expect(status).toBe(200)
  })

  it('dcx/map/show: the summary run --map printed, from its receipt or its spec; job show says the same', async () => {
    const fromReceipt = await json(`dcx/map/show?arg=${map.receipt}`)
    const expected = { ...map, cached: true, shards: map.shards.map((s: any) => ({ ...s, cached: true })), attempts: [], disagreements: [] }
    expect(fromReceipt).toEqual(expected)
    expect(await json(`dcx/map/show?arg=${map.job}`)).toEqual(expected)
    expect(JSON.parse((await ok(['job', 'show', map.receipt, '--json'], { repo: a.repo })).stdout)).toEqual(expected)
    const text = (await ok(['job', 'show', map.job], { repo: a.repo })).stdout
    expect(text).toContain(`receipt  ${map.receipt}`)
    expect(text).toContain(`shards   ${map.shards.length}: 0 ran, ${map.shards.length} cached (the whole run: cached)`)
  })

  it('dcx/map/show of what is not a map run: one error, Kubo\'s error object', async () => {
    const single = (await json('dcx/job/ls')).find((r: any) => r.via === 'local').receipt
    for (const [cid, why] of [[books, /is not a map run's receipt or spec \(it is not dag-cbor\)/], [single, /is not a map run's receipt or spec \(its type is neither/]] as const) {
      const res = await post(`dcx/map/show?arg=${cid}`)
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual({ Message: expect.stringMatching(why), Code: 1, Type: 'error' })
    }
    const missing = await post('dcx/map/show')
    expect(missing.status).toBe(400)
    expect((await missing.json()).Message).toBe('argument "cid" is required')
  })

  it('dcx/job/show and dcx/map/show of a CID no peer has end within Kubo\'s timeout with the fetch error (the page would wait for ever)', async () => {
    // a dag-cbor CID of bytes nobody stored
    const nobody = CID.createV1(0x71, await sha256.digest(randomBytes(32))).toString()
    for (const command of ['dcx/job/show', 'dcx/map/show']) {
      const started = Date.now()
      const res = await post(`${command}?arg=${nobody}&timeout=1s`)
      expect(Date.now() - started).toBeLessThan(10_000)
      expect(res.status).toBe(500)
      expect((await res.json()).Message).toMatch(new RegExp(`^block ${nobody} did not arrive within 1 s`))
    }
  })

  it('dcx/pin/ls?size=true: each pin with its DAG\'s size as its root declares it', async () => {
    const { pins } = await json('dcx/pin/ls?size=true')
    const stat = async (cid: string): Promise<number> => (await json(`block/stat?arg=${cid}`)).Size
    const node = await (await post(`dag/get?arg=${books}`)).json()
    const booksSize = await stat(books) + node.Links.reduce((n: number, l: any) => n + l.Tsize, 0)
    expect(pins).toEqual(expect.arrayContaining([
      { cid: books, type: 'recursive', size: booksSize },
      { cid: csv, type: 'recursive', size: (await readFile(join(FIXTURES, 'points.csv'))).length }
    ]))
    expect(pins.every((p: any) => Number.isInteger(p.size) && p.size > 0)).toBe(true)
    expect((await json('dcx/pin/ls')).pins.every((p: any) => p.size === undefined)).toBe(true)
    expect((await ok(['pin', 'ls', '--size'], { repo: a.repo })).stdout).toContain(`${books} recursive ${booksSize}\n`)
  })

  it('config and config/show read the config with the API\'s secrets redacted; Identity.PrivKey and setting are refused', async () => {
    const shown = await json('config/show')
    expect(JSON.stringify(shown)).not.toContain(TOKEN)
    expect(shown.API.Authorizations.page.AuthSecret).toBe('<redacted>')
    expect(shown.executor).toEqual(JSON.parse((await ok(['config', 'executor', '--json'], { repo: a.repo })).stdout).Value)
    expect(await json('config?arg=API.Authorizations.page.AuthSecret')).toEqual({ Key: 'API.Authorizations.page.AuthSecret', Value: '<redacted>' })
    expect(await json('config?arg=executor')).toMatchObject({ Key: 'executor', Value: shown.executor })
    const priv = await post('config?arg=Identity.PrivKey')
    expect(priv.status).toBe(500)
    expect(await priv.json()).toEqual({ Message: expect.stringMatching(/^cannot show or change private key through API/), Code: 0, Type: 'error' })
    const set = await post('config?arg=mdns&arg=false')
    expect(set.status).toBe(400)
    expect((await set.json()).Message).toMatch(/only reads a key/)
  })

  it('dcx/peers/roots: each connected peer, its addresses, and which of our pinned roots it holds', async () => {
    const { peers } = await json('dcx/peers/roots')
    expect(peers).toEqual([{ peer: db.peerId, addrs: [expect.stringMatching(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+/)], roots: [books] }])
    expect((await ok(['peers', 'ls', '--roots'], { repo: a.repo })).stdout).toMatch(new RegExp(`^${db.peerId} /ip4/127\\.0\\.0\\.1/\\S+ ${books}\n$`))
  })
})

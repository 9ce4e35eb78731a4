// The Trustless Gateway against the gateway-conformance CAR fixtures: each
// DAG imported, then fetched back as a CAR and as single blocks; the
// dag-scope, entity-bytes, order and dups cases of the conformance suite's
// trustless_gateway_car_test.go, checked block by block.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as dagCbor from '@ipld/dag-cbor'
import * as dagPb from '@ipld/dag-pb'
import { CarWriter } from '@ipld/car/writer'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURES, ok, tempRepo } from '../helpers/cli.js'
import { startDaemon, type RunningDaemon } from '../helpers/daemon.js'
import { carContents, gatewayUrl, get } from '../helpers/gateway.js'
import { importResult, lsLinks } from '../helpers/kubo.js'

const CARS = join(FIXTURES, 'car')
/** The gateway-conformance fixtures (the go-car ones are CARv2 or broken on purpose) */
const CONFORMANCE = [
  'dir-with-files.car',
  'dir-with-duplicate-files.car',
  'dir-with-percent-encoded-filename.car',
  'symlink.car',
  'single-layer-hamt-with-multi-block-files.car',
  'subdir-with-mixed-block-files.car',
  'file-3k-and-3-blocks-missing-block.car'
]
const INCOMPLETE = 'file-3k-and-3-blocks-missing-block.car'

const DIR = 'bafybeihchr7vmgjaasntayyatmp5sv6xza57iy2h4xj7g46bpjij6yhrmy' // dir-with-files: ascii.txt = ascii-copy.txt, hello.txt, multiblock.txt
const MIXED = 'bafybeidh6k2vzukelqtrjsmd4p52cpmltd2ufqrdtdg6yigi73in672fwu' // subdir-with-mixed-block-files
const HAMT = 'bafybeidbclfqleg2uojchspzd4bob56dqetqjsj27gy2cq3klkkgxtpn4i'
const MISSING = 'QmYhmPjhFjYFyaoiuNzYv8WGavpSRDwdHWe5B4M5du5Rtk'
/** multiblock.txt's five raw leaves (256, 256, 256, 256 and 2 bytes), as the conformance suite lists them */
const LEAVES = [
  'bafkreie5noke3mb7hqxukzcy73nl23k6lxszxi5w3dtmuwz62wnvkpsscm',
  'bafkreih4ephajybraj6wnxsbwjwa77fukurtpl7oj7t7pfq545duhot7cq',
  'bafkreigu7buvm3cfunb35766dn7tmqyh2um62zcio63en2btvxuybgcpue',
  'bafkreicll3huefkc3qnrzeony7zcfo7cr3nbx64hnxrqzsixpceg332fhe',
  'bafkreifst3pqztuvj57lycamoi7z34b4emf7gawxs74nwrc2c7jncmpaqm'
]

describe('the Trustless Gateway on the gateway-conformance fixtures', () => {
  let r: Awaited<ReturnType<typeof tempRepo>>
  let d: RunningDaemon
  let gw: string
  const roots = new Map<string, string>()
  const ls = async (path: string): Promise<Array<{ name: string, cid: string }>> => lsLinks((await ok(['ls', path, '--json'], { repo: r.repo })).stdout)
  const cidOf = async (dir: string, name: string): Promise<string> => (await ls(dir)).find(e => e.name === name)!.cid
  /** The CIDs of a CAR response, in order */
  const carCids = async (path: string, init: RequestInit = {}): Promise<string[]> => {
    const res = await get(`${gw}${path}`, init)
    expect(res.status, res.body.toString()).toBe(200)
    return (await carContents(res.body)).blocks.map(b => b.cid.toString())
  }

  beforeAll(async () => {
    r = await tempRepo()
    for (const f of CONFORMANCE) {
      const out = importResult((await ok(['dag', 'import', join(CARS, f), '--json'], { repo: r.repo })).stdout)
      roots.set(f, out.roots[0].cid)
    }
    d = await startDaemon(r.repo)
    gw = gatewayUrl(d)
  }, 120_000)
  afterAll(async () => {
    await d?.stop()
    await r?.cleanup()
  }, 60_000)

  it('serves every complete fixture DAG back as the identical CAR, by ?format=car and by Accept', async () => {
    for (const f of CONFORMANCE.filter(f => f !== INCOMPLETE)) {
      const file = await readFile(join(CARS, f))
      const byQuery = await get(`${gw}/ipfs/${roots.get(f)}?format=car`)
      expect(byQuery.status).toBe(200)
      expect(byQuery.headers.get('content-type')).toBe('application/vnd.ipld.car; version=1; order=dfs; dups=n')
      expect(Buffer.compare(byQuery.body, file), f).toBe(0)
      const byAccept = await get(`${gw}/ipfs/${roots.get(f)}`, { headers: { Accept: 'application/vnd.ipld.car' } })
      expect(Buffer.compare(byAccept.body, file), f).toBe(0)
      expect(byAccept.headers.get('content-location')).toBe(`/ipfs/${roots.get(f)}?format=car&car-version=1&car-order=dfs&car-dups=n`)
    }
  })

  it('serves every block of every fixture as a raw block, byte-identical, with the headers the spec requires', async () => {
    let n = 0
    for (const f of CONFORMANCE) {
      for (const { cid, bytes } of (await carContents(await readFile(join(CARS, f)))).blocks) {
        const c = cid.toString()
        const res = await get(`${gw}/ipfs/${c}?format=raw`)
        expect(res.status, `${f} ${c}`).toBe(200)
        expect(Buffer.compare(res.body, Buffer.from(bytes))).toBe(0)
        expect(res.headers.get('content-type')).toBe('application/vnd.ipld.raw')
        expect(res.headers.get('content-length')).toBe(String(bytes.byteLength))
        expect(res.headers.get('etag')).toBe(`"${c}.raw"`)
        expect(res.headers.get('x-ipfs-path')).toBe(`/ipfs/${c}`)
        expect(res.headers.get('x-ipfs-roots')).toBe(c)
        expect(res.headers.get('cache-control')).toBe('public, max-age=29030400, immutable')
        expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${c}.bin"`)
        expect(res.headers.get('x-content-type-options')).toBe('nosniff')
        n++
      }
    }
    expect(n).toBeGreaterThan(260)
    // Accept alone, and ?filename=
    const byAccept = await get(`${gw}/ipfs/${LEAVES[0]}?filename=foobar.bin`, { headers: { Accept: 'application/vnd.ipld.raw' } })
    expect(byAccept.body.byteLength).toBe(256)
    expect(byAccept.headers.get('content-disposition')).toBe('attachment; filename="foobar.bin"')
    expect(byAccept.headers.get('content-location')).toBe(`/ipfs/${LEAVES[0]}?filename=foobar.bin&format=raw`)
  })

  it('answers HEAD with the GET headers and no body, reading only the blocks on the path', async () => {
    const raw = await get(`${gw}/ipfs/${LEAVES[0]}?format=raw`, { method: 'HEAD' })
    expect([raw.status, raw.body.byteLength, raw.headers.get('content-length'), raw.headers.get('etag')]).toEqual([200, 0, '256', `"${LEAVES[0]}.raw"`])
    const car = await get(`${gw}/ipfs/${MISSING}?format=car`, { method: 'HEAD' })
    // the walk below the root would meet the missing block: HEAD does not walk it
    expect([car.status, car.body.byteLength]).toEqual([200, 0])
    expect(car.headers.get('content-type')).toBe('application/vnd.ipld.car; version=1; order=dfs; dups=n')
    expect(car.headers.get('x-ipfs-roots')).toBe(MISSING)
    const gone = await get(`${gw}/ipfs/${DIR}/nothing-here?format=car`, { method: 'HEAD' })
    expect([gone.status, gone.body.byteLength]).toEqual([404, 0])
  })

  it('gives the path headers: X-Ipfs-Path as requested, X-Ipfs-Roots one CID per segment, an Etag that changes with the CAR\'s shape, and 304 for If-None-Match', async () => {
    const subdir = await cidOf(MIXED, 'subdir')
    const ascii = await cidOf(`${MIXED}/subdir`, 'ascii.txt')
    const res = await get(`${gw}/ipfs/${MIXED}/subdir/ascii.txt?format=car`)
    expect(res.headers.get('x-ipfs-path')).toBe(`/ipfs/${MIXED}/subdir/ascii.txt`)
    expect(res.headers.get('x-ipfs-roots')).toBe([MIXED, subdir, ascii].join(','))
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${ascii}.car"`)
    const etag = res.headers.get('etag')!
    expect(etag).toMatch(new RegExp(`^"${MIXED}\\.car\\.[0-9a-f]+"$`))
    const etags = new Set([etag])
    for (const q of ['dag-scope=block', 'dag-scope=entity', 'entity-bytes=0:10', 'car-dups=y']) {
      etags.add((await get(`${gw}/ipfs/${MIXED}/subdir/ascii.txt?format=car&${q}`, { method: 'HEAD' })).headers.get('etag')!)
    }
    expect(etags.size).toBe(5)
    const again = await get(`${gw}/ipfs/${MIXED}/subdir/ascii.txt?format=car`, { headers: { 'If-None-Match': etag } })
    expect([again.status, again.body.byteLength, again.headers.get('etag')]).toEqual([304, 0, etag])
    const raw = await get(`${gw}/ipfs/${ascii}?format=raw`, { headers: { 'If-None-Match': `W/"${ascii}.raw", "other"` } })
    expect(raw.status).toBe(304)
  })

  it('walks a path: the blocks on it, then the terminal entity (conformance: pathing)', async () => {
    const subdir = await cidOf(MIXED, 'subdir')
    const ascii = await cidOf(`${MIXED}/subdir`, 'ascii.txt')
    expect(await carCids(`/ipfs/${MIXED}/subdir/ascii.txt?format=car`)).toEqual([MIXED, subdir, ascii])
    // a missing last segment is known before anything is sent: 404, not a partial CAR
    expect((await get(`${gw}/ipfs/${MIXED}/subdir/i-do-not-exist?format=car`)).status).toBe(404)
  })

  it('finds every entry of a HAMT directory through only the shards its name hashes to', async () => {
    const entries = await ls(HAMT)
    expect(entries.length).toBeGreaterThan(100)
    const shards = new Set<string>()
    for (const { name, cid } of entries) {
      const cids = await carCids(`/ipfs/${HAMT}/${encodeURIComponent(name)}?format=car&dag-scope=block`)
      expect(cids[0]).toBe(HAMT)
      expect(cids[cids.length - 1], name).toBe(cid)
      for (const s of cids.slice(1, -1)) shards.add(s)
    }
    // what the walk went through are HAMT shards; dag-scope=entity of the directory is the root and exactly those (conformance: entity of a sharded directory)
    const hamt = await carCids(`/ipfs/${HAMT}?format=car&dag-scope=entity`)
    expect(hamt[0]).toBe(HAMT)
    expect(new Set(hamt.slice(1))).toEqual(shards)
    for (const s of hamt.slice(1)) {
      const raw = (await get(`${gw}/ipfs/${s}?format=raw`)).body
      expect(UnixFS.unmarshal(dagPb.decode(raw).Data!).type).toBe('hamt-sharded-directory')
    }
    // a file in it, whole: the path, the file and its blocks (conformance: file on a path with a HAMT)
    const file = entries.find(e => e.name === '685.txt')!
    const fileBlocks = (await carContents((await ok(['dag', 'export', file.cid], { repo: r.repo })).stdoutBytes)).blocks.map(b => b.cid.toString())
    const withPath = await carCids(`/ipfs/${HAMT}/685.txt?format=car`)
    expect(withPath.slice(-fileBlocks.length)).toEqual(fileBlocks)
    expect(withPath.length - fileBlocks.length).toBe((await carCids(`/ipfs/${HAMT}/685.txt?format=car&dag-scope=block`)).length - 1)
  })

  it('dag-scope=block and entity: the terminal block alone, a directory without its entries, a file with all its blocks', async () => {
    const subdir = await cidOf(MIXED, 'subdir')
    const multiblock = await cidOf(`${MIXED}/subdir`, 'multiblock.txt')
    const ascii = await cidOf(`${MIXED}/subdir`, 'ascii.txt')
    expect(await carCids(`/ipfs/${MIXED}/subdir?format=car&dag-scope=block`)).toEqual([MIXED, subdir])
    expect(await carCids(`/ipfs/${MIXED}/subdir/ascii.txt?format=car&dag-scope=block`)).toEqual([MIXED, subdir, ascii])
    expect(await carCids(`/ipfs/${MIXED}?format=car&dag-scope=entity`)).toEqual([MIXED])
    expect(await carCids(`/ipfs/${MIXED}/subdir/ascii.txt?format=car&dag-scope=entity`)).toEqual([MIXED, subdir, ascii])
    const exported = (await carContents((await ok(['dag', 'export', multiblock], { repo: r.repo })).stdoutBytes)).blocks.map(b => b.cid.toString())
    expect(exported.length).toBeGreaterThan(2)
    expect(await carCids(`/ipfs/${MIXED}/subdir/multiblock.txt?format=car&dag-scope=entity`)).toEqual([MIXED, subdir, ...exported])
    // all: the whole DAG below the path, as dag export writes it
    const below = (await carContents((await ok(['dag', 'export', subdir], { repo: r.repo })).stdoutBytes)).blocks.map(b => b.cid.toString())
    expect(await carCids(`/ipfs/${MIXED}/subdir?format=car&dag-scope=all`)).toEqual([MIXED, ...below])
  })

  it('entity-bytes: only the blocks that hold the range, negative offsets from the end (conformance: entity-bytes)', async () => {
    const multiblock = await cidOf(DIR, 'multiblock.txt')
    const range = async (q: string): Promise<string[]> => await carCids(`/ipfs/${multiblock}?format=car&dag-scope=entity&entity-bytes=${q}`)
    expect(await range('0:*')).toEqual([multiblock, ...LEAVES])
    expect(await range('512:*')).toEqual([multiblock, ...LEAVES.slice(2)])
    expect(await range('512:1023')).toEqual([multiblock, ...LEAVES.slice(2, 4)])
    expect(await range('512:-256')).toEqual([multiblock, ...LEAVES.slice(2, 4)])
    expect(await range('-5:*')).toEqual([multiblock, ...LEAVES.slice(3)])
    expect(await range('-9999:*')).toEqual([multiblock, ...LEAVES])
    expect(await range('-9999:-3')).toEqual([multiblock, ...LEAVES.slice(0, 4)])
    expect(await range('0:0')).toEqual([multiblock, LEAVES[0]])
    // entity-bytes alone implies dag-scope=entity; on a path, after the path's blocks
    expect(await carCids(`/ipfs/${DIR}/multiblock.txt?format=car&entity-bytes=1025:1025`)).toEqual([DIR, multiblock, LEAVES[4]])
    // a range that holds nothing is the root block alone; one that starts past the end is a 400
    expect(await range('600:-1000')).toEqual([multiblock])
    const past = await get(`${gw}/ipfs/${multiblock}?format=car&entity-bytes=1026:*`)
    expect([past.status, past.body.toString()]).toEqual([400, 'entity-bytes=1026:* starts past the end of the file (1026 bytes)\n'])
    // a directory is not a byte array: the parameter is ignored, as dag-scope=entity
    expect(await carCids(`/ipfs/${HAMT}?format=car&entity-bytes=0:*`)).toEqual(await carCids(`/ipfs/${HAMT}?format=car&dag-scope=entity`))
  })

  it('entity-bytes succeeds when the gateway lacks blocks outside the range; the whole file is cut short at the missing block', async () => {
    expect(new Set(await carCids(`/ipfs/${MISSING}?format=car&dag-scope=entity&entity-bytes=0:1000`))).toEqual(new Set([MISSING, 'QmPKt7ptM2ZYSGPUc8PmPT2VBkLDK3iqpG9TBJY7PCE9rF']))
    expect(new Set(await carCids(`/ipfs/${MISSING}?format=car&dag-scope=entity&entity-bytes=2200:*`))).toEqual(new Set([MISSING, 'QmWXY482zQdwecnfBsj78poUUuPXvyw2JAFAEMw4tzTavV']))
    // 200 was sent with the root; the stream then stops where the block is missing, and the client sees it incomplete
    const r = await fetch(`${gw}/ipfs/${MISSING}?format=car`)
    expect(r.status).toBe(200)
    await expect(r.arrayBuffer()).rejects.toThrow()
  })

  it('order=dfs with dups=y sends a repeated block every time, dups=n once; Accept parameters count with ?format=car (conformance: order and duplicates)', async () => {
    const ascii = await cidOf(DIR, 'ascii.txt')
    const hello = await cidOf(DIR, 'hello.txt')
    const multiblock = await cidOf(DIR, 'multiblock.txt')
    const yes = await get(`${gw}/ipfs/${DIR}`, { headers: { Accept: 'application/vnd.ipld.car; version=1; order=dfs; dups=y' } })
    expect(yes.headers.get('content-type')).toBe('application/vnd.ipld.car; version=1; order=dfs; dups=y')
    expect((await carContents(yes.body)).blocks.map(b => b.cid.toString())).toEqual([DIR, ascii, ascii, hello, multiblock, ...LEAVES])
    expect(await carCids(`/ipfs/${DIR}`, { headers: { Accept: 'application/vnd.ipld.car; version=1; order=dfs; dups=n' } })).toEqual([DIR, ascii, hello, multiblock, ...LEAVES])
    expect(await carCids(`/ipfs/${DIR}?format=car`, { headers: { Accept: 'application/vnd.ipld.car; version=1; order=dfs; dups=y' } })).toEqual([DIR, ascii, ascii, hello, multiblock, ...LEAVES])
    // the query's car-dups wins over Accept's
    expect(await carCids(`/ipfs/${DIR}?format=car&car-dups=n`, { headers: { Accept: 'application/vnd.ipld.car; dups=y' } })).toHaveLength(9)
    const unk = await get(`${gw}/ipfs/${DIR}`, { headers: { Accept: 'application/vnd.ipld.car; version=1; order=unk' } })
    expect(unk.headers.get('content-type')).toContain('order=dfs')
    // a preferred variant this gateway does not make is passed over for the next one
    const next = await get(`${gw}/ipfs/${DIR}`, { headers: { Accept: 'application/vnd.ipld.car; version=2, application/vnd.ipld.raw;q=0.5' } })
    expect(next.headers.get('content-type')).toBe('application/vnd.ipld.raw')
  })

  it('never puts identity blocks in a CAR, and answers the probe path bafkqaaa', async () => {
    const id = 'bafkqaf3imvwgy3zaneqgc3janfxgy2lomvscay3jmqfa'
    const car = await get(`${gw}/ipfs/${id}`, { headers: { Accept: 'application/vnd.ipld.car; dups=y' } })
    expect(car.headers.get('content-type')).toContain('dups=y')
    expect(await carContents(car.body)).toEqual({ roots: [id], blocks: [] })
    const raw = await get(`${gw}/ipfs/bafkqaaa?format=raw`)
    expect([raw.status, raw.body.byteLength]).toEqual([200, 0])
    expect(await carContents((await get(`${gw}/ipfs/bafkqaaa?format=car`)).body)).toEqual({ roots: ['bafkqaaa'], blocks: [] })
    expect((await get(`${gw}/ipfs/bafkqaaa?format=raw`, { method: 'HEAD' })).status).toBe(200)
  })

  it('walks DAG-CBOR paths through map keys and links (conformance: pathing and entity of DAG-CBOR with links)', async () => {
    const hello = await cidOf(DIR, 'hello.txt')
    const doc = dagCbor.encode({ files: { single: CID.parse(hello) }, dir: CID.parse(DIR), note: 'x' })
    const docCid = CID.createV1(dagCbor.code, await sha256.digest(doc))
    const { writer, out } = CarWriter.create([docCid])
    const chunks: Uint8Array[] = []
    const reading = (async () => { for await (const c of out) chunks.push(c) })()
    await writer.put({ cid: docCid, bytes: doc })
    await writer.close()
    await reading
    const file = join(r.dir, 'doc.car')
    const { writeFile } = await import('node:fs/promises')
    await writeFile(file, Buffer.concat(chunks))
    await ok(['dag', 'import', file], { repo: r.repo })
    const d = docCid.toString()
    expect(await carCids(`/ipfs/${d}/files/single?format=car`)).toEqual([d, hello])
    const res = await get(`${gw}/ipfs/${d}/files/single?format=car`, { method: 'HEAD' })
    expect(res.headers.get('x-ipfs-roots')).toBe([d, d, hello].join(','))
    expect(await carCids(`/ipfs/${d}/dir/hello.txt?format=car`)).toEqual([d, DIR, hello])
    // entity of a DAG-CBOR document is the document, not what it links to
    expect(await carCids(`/ipfs/${d}?format=car&dag-scope=entity`)).toEqual([d])
    // a path that ends at a field inside the document ends at its block, with what the field links to below it
    expect(await carCids(`/ipfs/${d}/note?format=car`)).toEqual([d])
    expect(await carCids(`/ipfs/${d}/files?format=car`)).toEqual([d, hello])
    expect(await carCids(`/ipfs/${d}/files?format=car&dag-scope=entity`)).toEqual([d])
    expect((await get(`${gw}/ipfs/${d}/nothing?format=car`)).status).toBe(404)
  })
})

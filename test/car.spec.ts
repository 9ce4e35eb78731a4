import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CarWriter } from '@ipld/car/writer'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FIXTURES, dcx, errorLine, ok, tempRepo } from './helpers/cli.js'
import { importResult, lsLinks } from './helpers/kubo.js'

const CARS = join(FIXTURES, 'car')
let repo: string
let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => { ({ repo, dir, cleanup } = await tempRepo()) })
afterEach(async () => cleanup())

/** The block count (Kubo's repo stat) and the pin count (pin ls) */
const stat = async (): Promise<{ NumObjects: number, Pins: number }> => ({
  NumObjects: JSON.parse((await ok(['repo', 'stat', '--json'], { repo })).stdout).NumObjects,
  Pins: (await ok(['pin', 'ls', '-q'], { repo })).stdout.split('\n').filter(l => l !== '').length
})
const importJson = async (file: string): Promise<any> => importResult((await ok(['dag', 'import', '--json', '--stats', join(CARS, file)], { repo })).stdout)

async function carBytes (roots: CID[], blocks: Array<{ cid: CID, bytes: Uint8Array }>): Promise<Uint8Array> {
  const { writer, out } = CarWriter.create(roots)
  const chunks: Uint8Array[] = []
  const collect = (async () => { for await (const c of out) chunks.push(c) })()
  for (const b of blocks) await writer.put(b)
  await writer.close()
  await collect
  return Buffer.concat(chunks)
}

describe('dag import of CARs written by Kubo and go-car', () => {
  it('imports a directory and reads hello.txt back', async () => {
    const r = await importJson('dir-with-files.car')
    expect(r.roots).toEqual([{ cid: 'bafybeihchr7vmgjaasntayyatmp5sv6xza57iy2h4xj7g46bpjij6yhrmy', pinned: true }])
    expect((await ok(['cat', 'bafybeihchr7vmgjaasntayyatmp5sv6xza57iy2h4xj7g46bpjij6yhrmy/hello.txt'], { repo })).stdout).toBe('hello world\n')
  })

  it('imports a HAMT-sharded directory of multi-block files and exports the identical CAR', async () => {
    const r = await importJson('single-layer-hamt-with-multi-block-files.car')
    expect(r.blocks).toBe(243)
    const root = 'bafybeidbclfqleg2uojchspzd4bob56dqetqjsj27gy2cq3klkkgxtpn4i'
    const ls = lsLinks((await ok(['ls', root, '--json'], { repo })).stdout)
    expect(ls.length).toBeGreaterThan(100)
    const one = ls[0]
    const bytes = (await ok(['cat', `${root}/${one.name}`], { repo })).stdoutBytes
    expect(String(bytes.length)).toBe(one.size)
    const exported = (await ok(['dag', 'export', root], { repo })).stdoutBytes
    expect(exported).toEqual(await readFile(join(CARS, 'single-layer-hamt-with-multi-block-files.car')))
  })

  it('imports a UnixFS symlink and get recreates it', async () => {
    await importJson('symlink.car')
    const out = join(dir, 'sym')
    await ok(['get', 'QmWvY6FaqFMS89YAQ9NAPjVP4WZKA1qbHbicc9HeSKQTgt', '-o', out], { repo })
    const { readlink } = await import('node:fs/promises')
    expect(await readlink(join(out, 'bar'))).toBe('foo')
  })

  it('imports nested dirs with mixed raw and dag-pb leaves, and percent-encoded names', async () => {
    for (const f of ['subdir-with-mixed-block-files.car', 'dir-with-percent-encoded-filename.car', 'dir-with-duplicate-files.car']) {
      const r = await importJson(f)
      expect(r.roots.every((x: any) => x.pinned)).toBe(true)
    }
    const v = await ok(['repo', 'verify'], { repo })
    expect(v.stdout).toContain('verified repo integrity')
  })

  it('imports CARv2 with and without an index, blake2b-256 and identity blocks, and three roots', async () => {
    const indexed = await importJson('sample-wrapped-v2.car')
    const indexless = await importJson('sample-v2-indexless.car')
    expect(indexed.roots).toEqual(indexless.roots)
    expect(indexed.roots[0].cid).toMatch(/^bafy2bz/)
    expect(indexed.roots[0].pinned).toBe(true)
    const unixfs = await importJson('sample-unixfs-v2.car')
    expect(unixfs.roots[0].cid).toBe('bafybeiakgrehdxxgy5kca72znt6jllrj2sqkehtqeojfuxlbeuqg3vfkwq')
    const three = await importJson('sample-rw-bs-v2.car')
    expect(three.roots).toHaveLength(3)
    expect((await stat()).Pins).toBe(5)
    await ok(['pin', 'verify'], { repo })
  })

  it('imports what a CAR with a missing block holds, pins nothing, and reading the gap names the missing CID', async () => {
    const r = await dcx(['dag', 'import', join(CARS, 'file-3k-and-3-blocks-missing-block.car')], { repo })
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('root QmYhmPjhFjYFyaoiuNzYv8WGavpSRDwdHWe5B4M5du5Rtk not pinned: its DAG is incomplete (block QmSNLTo6Wv9dfroVaw7MFYjLqf9ho7PKrgsjdzYDtv8h1W is missing)')
    expect((await stat()).Pins).toBe(0)
    const cat = await dcx(['cat', 'QmYhmPjhFjYFyaoiuNzYv8WGavpSRDwdHWe5B4M5du5Rtk'], { repo })
    expect(cat.code).toBe(1)
    expect(cat.stdoutBytes.length).toBe(1024)
    expect(errorLine(cat)).toContain('block QmSNLTo6Wv9dfroVaw7MFYjLqf9ho7PKrgsjdzYDtv8h1W is not in the repo')
    await ok(['repo', 'verify'], { repo })
  })
})

describe('dag import refuses bad CARs and imports nothing from them', () => {
  for (const [file, why] of [
    ['sample-corrupt-pragma.car', /not a valid CAR/],
    ['sample-v1-tailing-corrupt-section.car', /corrupt or truncated/],
    ['sample-v2-corrupt-data-and-index.car', /not a valid CAR|corrupt/]
  ] as const) {
    it(`refuses ${file}`, async () => {
      const r = await dcx(['dag', 'import', join(CARS, file)], { repo })
      expect(r.code).toBe(1)
      expect(errorLine(r)).toMatch(why)
      expect(await stat()).toMatchObject({ NumObjects: 0, Pins: 0 })
    })
  }

  it('refuses a CAR with a block that does not match its hash, even after good blocks', async () => {
    const good = new TextEncoder().encode('good block')
    const goodCid = CID.createV1(raw.code, await sha256.digest(good))
    const claimed = CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode('original')))
    const file = join(dir, 'forged.car')
    await writeFile(file, await carBytes([goodCid], [{ cid: goodCid, bytes: good }, { cid: claimed, bytes: new TextEncoder().encode('forged') }]))
    const r = await dcx(['dag', 'import', file], { repo })
    expect(r.code).toBe(1)
    expect(errorLine(r)).toBe(`Error: ${file}: block ${claimed} does not match its hash; nothing was imported from it`)
    expect(await stat()).toMatchObject({ NumObjects: 0, Pins: 0 })
  })

  it('refuses a truncated CAR', async () => {
    const whole = await readFile(join(CARS, 'dir-with-files.car'))
    const file = join(dir, 'truncated.car')
    await writeFile(file, whole.subarray(0, whole.length - 7))
    const r = await dcx(['dag', 'import', file], { repo })
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(/corrupt or truncated/)
    expect(await stat()).toMatchObject({ NumObjects: 0, Pins: 0 })
  })

  it('keeps blocks the repo already had when a later import fails', async () => {
    await importJson('dir-with-files.car')
    const before = await stat()
    const whole = await readFile(join(CARS, 'dir-with-files.car'))
    const file = join(dir, 'truncated.car')
    await writeFile(file, whole.subarray(0, whole.length - 7))
    expect((await dcx(['dag', 'import', file], { repo })).code).toBe(1)
    expect(await stat()).toEqual(before)
    await ok(['pin', 'verify'], { repo })
  })
})

describe('dag export', () => {
  it('round-trips an added tree through a CAR file into a second repo', async () => {
    const root = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo })).stdout.trim()
    const car = join(dir, 'books.car')
    await ok(['dag', 'export', root, '-o', car], { repo })
    const second = await tempRepo()
    try {
      const r = importResult((await ok(['dag', 'import', '--json', car], { repo: second.repo })).stdout)
      expect(r.roots).toEqual([{ cid: root, pinned: true }])
      const text = (await ok(['cat', `${root}/poems/tides.txt`], { repo: second.repo })).stdout
      expect(text).toBe(await readFile(join(FIXTURES, 'books/poems/tides.txt'), 'utf8'))
    } finally {
      await second.cleanup()
    }
  })

  it('fails naming the missing block and leaves no partial file', async () => {
    await dcx(['dag', 'import', join(CARS, 'file-3k-and-3-blocks-missing-block.car')], { repo })
    const out = join(dir, 'partial.car')
    const r = await dcx(['dag', 'export', 'QmYhmPjhFjYFyaoiuNzYv8WGavpSRDwdHWe5B4M5du5Rtk', '-o', out], { repo })
    expect(r.code).toBe(1)
    expect(errorLine(r)).toContain('QmSNLTo6Wv9dfroVaw7MFYjLqf9ho7PKrgsjdzYDtv8h1W')
    const { readdir } = await import('node:fs/promises')
    expect((await readdir(dir)).filter(n => n.includes('partial'))).toEqual([])
  })
})

/**
 * A fuzz pass, fixed-seed and bounded so that it runs in seconds and fails
 * the same way every time: (1) mutated CAR files through `importCar`, (2)
 * well-hashed but structurally hostile dag-pb DAGs through `get`. Every
 * failure must be a `DcxError` (never a TypeError, RangeError or plain
 * Error, which the CLI reports as a bug, exit 70), and what is left behind
 * must be consistent: the repo verifies, nothing is written outside -o.
 *
 * For a longer hunt: DCX_FUZZ_SCALE=20 DCX_FUZZ_SEED=7 npx vitest run test/adversarial/car-fuzz.spec.ts
 */
import { lstat, mkdir, readFile, readdir, readlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as dagCbor from '@ipld/dag-cbor'
import { UnixFS } from 'ipfs-unixfs'
import { LevelDatastore } from 'datastore-level'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { identity } from 'multiformats/hashes/identity'
import { sha256 } from 'multiformats/hashes/sha2'
import { CarBlockIterator } from '@ipld/car/iterator'
import { CarWriter } from '@ipld/car/writer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importCar } from '../../src/data/car/import.js'
import { get } from '../../src/data/get.js'
import { PinStore } from '../../src/data/pins.js'
import { verifyBlocks, verifyPins } from '../../src/data/verify.js'
import { DcxError } from '../../src/errors.js'
import { RepoBlockstore } from '../../src/repo/blockstore.js'
import { FIXTURES, dcx, tempDir, tempRepo } from '../helpers/cli.js'
import { DagBuilder, HOSTILE_NAMES, PROTO_NAME, pbBlock, writeCar } from '../helpers/hostile-dags.js'
import type { Block, BuiltDag, Link } from '../helpers/hostile-dags.js'

/** Multiplies the case counts; the seed changes every case (both fixed by default, so a run is reproducible) */
const SCALE = Number(process.env.DCX_FUZZ_SCALE ?? 1)
const SEED = Number(process.env.DCX_FUZZ_SEED ?? 0)

/** mulberry32: a tiny PRNG, so a failure is reproduced by its case number */
function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

class Rng {
  readonly next: () => number
  constructor (seed: number) { this.next = prng(seed) }
  int (n: number): number { return Math.floor(this.next() * n) }
  pick<T> (items: readonly T[]): T { return items[this.int(items.length)] }
  chance (p: number): boolean { return this.next() < p }
  bytes (n: number): Uint8Array { return Uint8Array.from({ length: n }, () => this.int(256)) }
}

/** Unexpected failures, described; the tests assert this stays empty */
function unexpected (err: unknown): string | undefined {
  if (err instanceof DcxError) return undefined
  const e = err as Error
  return `${e?.name}: ${e?.message}\n${e?.stack?.split('\n').slice(1, 12).join('\n')}`
}

let work: string
let cleanup: () => Promise<void>
let blocks: RepoBlockstore
let datastore: LevelDatastore
let pins: PinStore
beforeAll(async () => {
  ({ path: work, cleanup } = await tempDir())
  blocks = new RepoBlockstore(join(work, 'blocks'))
  await blocks.open()
  datastore = new LevelDatastore(join(work, 'datastore'))
  await datastore.open()
  pins = new PinStore(datastore, blocks)
})
afterAll(async () => {
  await datastore.close()
  await cleanup()
})

async function blockCount (): Promise<number> {
  let n = 0
  for await (const _ of blocks.listMultihashes()) n++
  return n
}

/** What `repo verify` checks: every block hashes right, every pin's DAG is complete */
async function repoProblems (): Promise<string[]> {
  const problems: string[] = []
  for await (const p of verifyBlocks(blocks)) problems.push(`${p.cid}: ${p.problem}`)
  for await (const { pin, problem } of verifyPins(pins, blocks)) if (problem != null) problems.push(`pin ${pin.cid}: ${problem.problem}`)
  return problems
}

describe('fuzz: mutated CAR files through importCar', () => {
  const CASES = SCALE * 400
  const seed = SEED ^ 0xdc5
  const PINNING_ERRORS = ['ERR_UNKNOWN_CODEC', 'ERR_UNDECODABLE_BLOCK']

  /** One mutation of `car`: flip bytes, truncate, splice random bytes, duplicate or drop a section */
  function mutate (car: Uint8Array, rng: Rng): { bytes: Uint8Array, how: string } {
    const at = (): number => rng.int(car.length + 1)
    switch (rng.int(6)) {
      case 0: {
        const out = Uint8Array.from(car)
        const n = 1 + rng.int(8)
        for (let i = 0; i < n && out.length > 0; i++) out[rng.int(out.length)] ^= 1 << rng.int(8)
        return { bytes: out, how: `flip ${n}` }
      }
      case 1: {
        const end = at()
        return { bytes: car.subarray(0, end), how: `truncate at ${end}` }
      }
      case 2: {
        const p = at()
        const junk = rng.bytes(1 + rng.int(64))
        return { bytes: Buffer.concat([car.subarray(0, p), junk, car.subarray(p)]), how: `splice ${junk.length} at ${p}` }
      }
      case 3: {
        const a = at()
        const b = Math.min(car.length, a + rng.int(512))
        const p = at()
        return { bytes: Buffer.concat([car.subarray(0, p), car.subarray(a, b), car.subarray(p)]), how: `duplicate ${a}..${b} at ${p}` }
      }
      case 4: {
        const a = at()
        const b = Math.min(car.length, a + 1 + rng.int(256))
        return { bytes: Buffer.concat([car.subarray(0, a), car.subarray(b)]), how: `drop ${a}..${b}` }
      }
      default: {
        // a varint-sized field made huge: a length prefix that claims gigabytes
        const out = Uint8Array.from(car)
        const p = rng.int(Math.max(1, out.length - 5))
        out.set([0xff, 0xff, 0xff, 0xff, 0x0f].slice(0, out.length - p), p)
        return { bytes: out, how: `huge varint at ${p}` }
      }
    }
  }

  /** The blocks a CAR holds, as far as it parses */
  async function carBlocks (bytes: Uint8Array): Promise<Block[]> {
    const out: Block[] = []
    try {
      const reader = await CarBlockIterator.fromBytes(bytes)
      for await (const block of reader) out.push(block)
    } catch {}
    return out
  }

  /**
   * A well-hashed CAR made from a fixture's blocks, so that no hash check
   * catches it: a CID's codec swapped (the hash does not cover it), blocks
   * dropped, repeated or shuffled, roots that are missing or of another codec.
   */
  async function rewrite (blocks: Block[], rng: Rng): Promise<{ bytes: Uint8Array, how: string }> {
    const codecs = [0x55, 0x70, 0x71, 0x0129, 0x0200, 0x78]
    const recodec = (cid: CID): CID => CID.createV1(rng.pick(codecs), cid.multihash)
    let out = blocks.map(b => ({ ...b }))
    const hows: string[] = []
    for (let n = 1 + rng.int(3); n > 0 && out.length > 0; n--) {
      const i = rng.int(out.length)
      switch (rng.int(4)) {
        case 0: out[i] = { ...out[i], cid: recodec(out[i].cid) }; hows.push(`recodec ${i}`); break
        case 1: out.splice(i, 1); hows.push(`drop ${i}`); break
        case 2: out.splice(rng.int(out.length), 0, out[i]); hows.push(`repeat ${i}`); break
        default: out = out.map(b => ({ b, k: rng.next() })).sort((x, y) => x.k - y.k).map(x => x.b); hows.push('shuffle')
      }
    }
    const first = out[0]?.cid ?? blocks[0]?.cid ?? CID.parse('bafkqaaa')
    const roots = rng.pick([[first], [recodec(first)], [first, recodec(first)], [CID.createV1(0x55, identity.digest(rng.bytes(4)))], []])
    const { writer, out: stream } = CarWriter.create(roots)
    const chunks: Uint8Array[] = []
    const collected = (async () => { for await (const c of stream) chunks.push(c) })()
    for (const b of out) await writer.put(b)
    await writer.close()
    await collected
    return { bytes: Buffer.concat(chunks), how: `${hows.join(', ')}; ${roots.length} roots` }
  }

  it(`${CASES} cases: every failure is a DcxError, a failed import leaves no block, the repo verifies`, async () => {
    const names = (await readdir(join(FIXTURES, 'car'))).filter(f => f.endsWith('.car')).sort()
    const cars = new Map<string, Uint8Array>()
    const parsed = new Map<string, Block[]>()
    for (const f of names) cars.set(f, await readFile(join(FIXTURES, 'car', f)))
    for (const f of names) parsed.set(f, await carBlocks(cars.get(f)!))
    // the big CARs (~1000 blocks) go in once as they are, so that mutating them costs only what changed
    for (const f of names) {
      if (cars.get(f)!.length > 100_000) await importCar(join(FIXTURES, 'car', f), blocks, pins).catch(() => {})
    }
    const rng = new Rng(seed)
    const found: string[] = []
    const file = join(work, 'mutated.car')
    let failed = 0
    for (let i = 0; i < CASES; i++) {
      // small CARs most of the time: their every block is new to the repo
      const pool = rng.chance(0.9) ? names.filter(f => cars.get(f)!.length < 100_000) : names
      const name = rng.pick(pool)
      const { bytes, how } = rng.chance(0.3) ? await rewrite(parsed.get(name)!, rng) : mutate(cars.get(name)!, rng)
      await writeFile(file, bytes)
      const before = await blockCount()
      try {
        await importCar(file, blocks, pins)
      } catch (err) {
        failed++
        const why = unexpected(err)
        if (why !== undefined) found.push(`case ${i} (${name}, ${how}): ${why}`)
        // a root that cannot be walked (its codec unknown, or a block under it not of the codec its CID names) fails
        // the pinning, after every block was checked and stored: those blocks stay, unpinned, for gc
        else if (!PINNING_ERRORS.includes((err as DcxError).code) && await blockCount() !== before) found.push(`case ${i} (${name}, ${how}): ${(err as Error).message}, but blocks were left`)
      }
    }
    expect(found).toEqual([])
    expect(await repoProblems()).toEqual([])
    // the pass means something only if it both failed and passed imports
    expect(failed).toBeGreaterThan(CASES / 4)
    expect(failed).toBeLessThan(CASES)
  })
})

describe('fuzz: hostile dag-pb DAGs through get', () => {
  const CASES = SCALE * 300
  const seed = SEED ^ 0x6e7

  const NAMES = ['a', 'b', 'x', 'x', PROTO_NAME, 'constructor', 'ünï', ...Object.values(HOSTILE_NAMES)]

  /**
   * A random DAG: raw and identity leaves, files whose declared sizes may not
   * add up, symlinks to paths outside (and unusable targets), directories
   * with random (often repeated) names and links to anything built before
   * (so fan-out and sharing), HAMT shards with good and bad prefixes, nodes
   * that are not UnixFS, and links to blocks that are not there.
   */
  async function randomDag (rng: Rng, outside: string): Promise<BuiltDag> {
    const b = new DagBuilder()
    const pool: CID[] = []
    const any = (): CID => rng.pick(pool)
    const missing = CID.createV1(raw.code, await sha256.digest(rng.bytes(8)))
    pool.push(await b.raw(rng.bytes(rng.int(40))))
    const steps = 2 + rng.int(12)
    for (let s = 0; s < steps; s++) {
      const links = (): Link[] => Array.from({ length: rng.int(5) }, () => ({
        name: rng.chance(0.1) ? undefined : rng.chance(0.1) ? `${rng.pick(NAMES)}${rng.int(3)}` : rng.pick(NAMES),
        cid: rng.chance(0.05) ? missing : any(),
        size: rng.int(100)
      }))
      const kind = rng.int(12)
      let cid: CID
      switch (kind) {
        case 0: cid = await b.raw(rng.bytes(rng.int(100))); break
        case 1: cid = CID.createV1(raw.code, identity.digest(rng.bytes(rng.int(20)))); break
        case 2: {
          const chunks = Array.from({ length: rng.int(4) }, () => ({ cid: any(), size: rng.chance(0.5) ? rng.int(50) : 2 ** rng.int(60) }))
          cid = await b.file(chunks, rng.chance(0.5) ? rng.bytes(rng.int(20)) : undefined)
          break
        }
        case 3: cid = await b.symlink(rng.pick([outside, join(outside, 'victim'), '../../../victim', 'a/b', '', 'a\0b', 'x'.repeat(5000)])); break
        case 4:
        case 5:
        case 6: cid = await b.dir(links()); break
        case 7: cid = await b.hamtShard(links().map(l => ({ ...l, name: rng.chance(0.8) ? `${rng.int(256).toString(16).toUpperCase().padStart(2, '0')}${l.name ?? ''}` : l.name })), rng.pick([256, 256, 16, 3, 0])); break
        case 8: cid = b.add({ cid: CID.createV1(0x71, await sha256.digest(dagCbor.encode({ a: 1 }))), bytes: dagCbor.encode({ a: 1 }) }); break
        case 9: cid = await b.pb(links(), new UnixFS({ type: rng.pick(['metadata', 'raw', 'directory', 'file'] as const), data: rng.bytes(rng.int(10)) })); break
        // dag-pb whose Data is not UnixFS, or missing
        case 10: cid = b.add(await pbBlock(links(), rng.chance(0.5) ? rng.bytes(1 + rng.int(20)) : undefined)); break
        default: cid = await b.dir(links().map(l => ({ ...l, cid: pool[pool.length - 1] }))); break
      }
      pool.push(cid)
    }
    // mostly a directory at the root
    const root = rng.chance(0.8) ? await b.dir([{ name: 'top', cid: any() }, { name: 'second', cid: any() }].slice(0, 1 + rng.int(2))) : any()
    return b.build(root)
  }

  /** Every path under `root`, with what it is; never follows a symlink */
  async function tree (root: string): Promise<string[]> {
    const out: string[] = []
    const stack = [root]
    while (stack.length > 0) {
      const p = stack.pop() as string
      const s = await lstat(p)
      if (s.isSymbolicLink()) out.push(`${p} -> ${await readlink(p)}`)
      else if (s.isDirectory()) {
        out.push(`${p}/`)
        for (const n of await readdir(p)) stack.push(join(p, n))
      } else out.push(`${p} ${s.size}`)
    }
    return out.sort()
  }

  it(`${CASES} cases: only DcxErrors, nothing outside -o, nothing at -o after a failure`, async () => {
    const rng = new Rng(seed)
    const outside = join(work, 'outside')
    await mkdir(outside)
    await writeFile(join(outside, 'victim'), 'untouched\n')
    const outsideBefore = await tree(outside)
    const found: string[] = []
    let written = 0
    for (let i = 0; i < CASES; i++) {
      const dag = await randomDag(rng, outside)
      for (const { cid, bytes } of dag.blocks) await blocks.put(cid, bytes)
      const caseDir = join(work, `get-${i}`)
      await mkdir(caseDir)
      const out = join(caseDir, 'out')
      try {
        // now and then a path into the DAG, resolved through whatever it holds
        const segments = rng.chance(0.2) ? ['top', rng.pick(NAMES)].slice(0, 1 + rng.int(2)) : []
        await get({ cid: dag.root, segments, text: [dag.root, ...segments].join('/') }, out, blocks, { maxEntries: rng.pick([10, 1000, 1_000_000]) })
        written++
        expect(await readdir(caseDir)).toEqual(['out'])
      } catch (err) {
        const why = unexpected(err)
        if (why !== undefined) found.push(`case ${i} (${dag.root}): ${why}`)
        else if ((await readdir(caseDir)).length > 0) found.push(`case ${i} (${dag.root}): ${(err as Error).message}, but left ${(await readdir(caseDir)).join(', ')}`)
      }
      expect(await tree(outside)).toEqual(outsideBefore)
    }
    expect(found).toEqual([])
    expect(written).toBeGreaterThan(CASES / 20)
    expect(written).toBeLessThan(CASES)
  })

  it('through the CLI too: exit 0 or 1 with one line, never 70', async () => {
    const rng = new Rng(seed + 1)
    const { repo, dir, cleanup } = await tempRepo()
    try {
      const codes = new Set<number | null>()
      for (let i = 0; i < 6; i++) {
        const dag = await randomDag(rng, join(dir, 'outside'))
        const car = await writeCar(dag, join(dir, `${i}.car`))
        const imported = await dcx(['dag', 'import', car], { repo })
        expect(imported.code, imported.stderr).toBe(0)
        const r = await dcx(['get', dag.root.toString(), '-o', join(dir, `out-${i}`)], { repo })
        codes.add(r.code)
        expect([0, 1], r.stderr).toContain(r.code)
        if (r.code === 1) {
          expect(r.stderr.trim().split('\n')).toHaveLength(1)
          expect(await readdir(dir)).not.toContain(`out-${i}`)
        }
      }
      expect(codes.has(1)).toBe(true)
    } finally {
      await cleanup()
    }
  })
})

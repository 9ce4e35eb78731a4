/**
 * Hostile DAGs, for tests of anything that takes a DAG from a stranger (`get`,
 * job inputs, `dag import`, the gateway...).
 *
 * Every builder returns a `BuiltDag`: its root and all its blocks, in memory,
 * well hashed (each block matches its CID, so nothing upstream of the
 * consumer catches it). Then either
 *
 * - `writeCar(dag, file)` writes it as a CARv1 with one root, to feed the CLI
 *   (`importCar(file, repo)` runs `dcx dag import`; it pins the root only when
 *   every block is there, which every builder here ensures), or
 * - `putDag(dag, blockstore)` stores the blocks directly, for library tests.
 *
 * The shapes (each named after what it attacks):
 *
 * - `repeatedNames(kind, target)`: one directory lists `x` twice: a symlink to
 *   `target` then a file, two files, or a symlink then a directory.
 * - `namedEntry(name)`: a directory holding one file named `name`; see
 *   `HOSTILE_NAMES` (NUL, 300 chars, `..`, `a/b`, empty, `.`) and
 *   `__proto__` (legal: must work).
 * - `fanOut(levels)`: each directory links twice (`a`, `b`) to the one below;
 *   `levels + 1` blocks unfold to `2^(levels+1) - 1` entries.
 * - `deepChain(depth)`: `depth` nested directories, `d/d/d/...`, a file at the bottom.
 * - `lyingFile(levels)`: a 2-byte file whose nodes declare sizes that do not
 *   add up, unfolding to 2^levels nodes for a reader that trusts them.
 * - `wideFile(n)`: one file node with `n` links (a reader that spreads them
 *   into a call overflows the stack).
 * - `wideDirectory(n)`: one flat directory of `n` links (to one shared file),
 *   or with `sharded: true` a real HAMT made by the importer (Kubo's layout).
 * - `DagBuilder.hamtShard(links)`: a HAMT shard built by hand (links named
 *   bucket prefix + name, or a bare prefix for a sub-shard), so a test can
 *   put one name in two shards, or reach one shard twice.
 *
 * The low-level builders (`raw`, `pbBlock`, `dir`, `file`, `symlink`) take
 * any links in any order (`pbBlock` encodes dag-pb itself and does not sort
 * or validate links), for fuzzers that want shapes the builders above do not.
 */
import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import * as dagPb from '@ipld/dag-pb'
import { CarWriter } from '@ipld/car/writer'
import { UnixFS } from 'ipfs-unixfs'
import { importer } from 'ipfs-unixfs-importer'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { identity } from 'multiformats/hashes/identity'
import { sha256 } from 'multiformats/hashes/sha2'
import { ok } from './cli.js'

/** One block: a CID and the bytes it hashes */
export interface Block {
  cid: CID
  bytes: Uint8Array
}

/** A DAG in memory: its root and every block under it */
export interface BuiltDag {
  root: CID
  blocks: Block[]
}

/** One dag-pb link, exactly as written (no sorting, no checks) */
export interface Link {
  name?: string
  cid: CID
  /** Cumulative size of the linked DAG; hostile DAGs may lie here too (default: 0) */
  size?: number
}

/** Names that no directory entry may have, by what is wrong with them */
export const HOSTILE_NAMES = {
  nul: 'a\0b',
  long: 'n'.repeat(300),
  dotdot: '..',
  dot: '.',
  slash: 'a/b',
  empty: ''
} as const

/** A name that looks dangerous to JavaScript but is a fine file name: must be written */
export const PROTO_NAME = '__proto__'

/** Collects blocks by CID, once each */
export class DagBuilder {
  private readonly blocks = new Map<string, Block>()

  /** The DAG under `root`, with every block added so far */
  build (root: CID): BuiltDag {
    return { root, blocks: [...this.blocks.values()] }
  }

  /** Add a block already made */
  add (block: Block): CID {
    this.blocks.set(block.cid.toString(), block)
    return block.cid
  }

  /** A raw block (a file of these bytes) */
  async raw (bytes: Uint8Array | string): Promise<CID> {
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes
    return this.add({ cid: CID.createV1(raw.code, await sha256.digest(data)), bytes: data })
  }

  /** A dag-pb block with these links (in this order) and UnixFS data */
  async pb (links: Link[], unixfs?: UnixFS): Promise<CID> {
    return this.add(await pbBlock(links, unixfs?.marshal()))
  }

  /** A plain UnixFS directory */
  async dir (links: Link[]): Promise<CID> {
    return this.pb(links, new UnixFS({ type: 'directory' }))
  }

  /** A UnixFS symlink to `target` */
  async symlink (target: string | Uint8Array): Promise<CID> {
    return this.pb([], new UnixFS({ type: 'symlink', data: typeof target === 'string' ? new TextEncoder().encode(target) : target }))
  }

  /**
   * A UnixFS file of `chunks` (each a linked CID with the size the file
   * declares for it) and inline `data`. The declared sizes need not match
   * what the chunks hold.
   */
  async file (chunks: Array<{ cid: CID, size: number }>, data?: Uint8Array): Promise<CID> {
    const unixfs = new UnixFS({ type: 'file', data, blockSizes: chunks.map(c => BigInt(c.size)) })
    return this.pb(chunks.map(c => ({ cid: c.cid, size: c.size })), unixfs)
  }

  /** A HAMT shard of `fanout` whose links are `[bucket prefix + name]`, or a bare prefix for a sub-shard */
  async hamtShard (links: Link[], fanout = 256): Promise<CID> {
    return this.pb(links, new UnixFS({ type: 'hamt-sharded-directory', fanout: BigInt(fanout), hashType: 0x22n }))
  }
}

function varint (n: number): Uint8Array {
  const out: number[] = []
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80)
    n = Math.floor(n / 0x80)
  }
  out.push(n)
  return Uint8Array.from(out)
}

/** A length-delimited protobuf field: tag, length, bytes */
function field (tag: number, bytes: Uint8Array): Uint8Array {
  return Buffer.concat([Uint8Array.of(tag), varint(bytes.length), bytes])
}

/**
 * Encode a dag-pb node by hand: links in the order given (dag-pb's own
 * encoder sorts and validates them, and a hostile peer does neither), then
 * data. Decoders accept this; the block hashes like any other.
 */
export async function pbBlock (links: Link[], data?: Uint8Array): Promise<Block> {
  const parts: Uint8Array[] = []
  const encoder = new TextEncoder()
  for (const link of links) {
    const body = [field(0x0a, link.cid.bytes)]
    if (link.name !== undefined) body.push(field(0x12, encoder.encode(link.name)))
    body.push(Uint8Array.of(0x18), varint(link.size ?? 0))
    parts.push(field(0x12, Buffer.concat(body)))
  }
  if (data !== undefined) parts.push(field(0x0a, data))
  const bytes = new Uint8Array(Buffer.concat(parts))
  return { cid: CID.createV1(dagPb.code, await sha256.digest(bytes)), bytes }
}

/** The three ways one name is listed twice */
export type RepeatedKind = 'symlink-then-file' | 'file-then-file' | 'symlink-then-dir'

/**
 * A directory listing `x` twice. `symlink-then-file`: `x` is a symlink to
 * `target` (an absolute path), then a file (a raw block) that a naive writer
 * writes through the link, over `target`. `file-then-file`: two files, the
 * second silently wins. `symlink-then-dir`: a symlink then a directory
 * holding a file `y`, written into the link's target by a writer that
 * follows it.
 */
export async function repeatedNames (kind: RepeatedKind, target = '/tmp/dcx-hostile-target'): Promise<BuiltDag> {
  const b = new DagBuilder()
  const payload = await b.raw('overwritten by a hostile DAG\n')
  let links: Link[]
  switch (kind) {
    case 'symlink-then-file':
      links = [{ name: 'x', cid: await b.symlink(target) }, { name: 'x', cid: payload }]
      break
    case 'file-then-file':
      links = [{ name: 'x', cid: await b.raw('first\n') }, { name: 'x', cid: payload }]
      break
    case 'symlink-then-dir':
      links = [{ name: 'x', cid: await b.symlink(target) }, { name: 'x', cid: await b.dir([{ name: 'y', cid: payload }]) }]
      break
  }
  return b.build(await b.dir(links))
}

/** A directory holding one file named `name` (see `HOSTILE_NAMES`, `PROTO_NAME`) */
export async function namedEntry (name: string, content = 'content\n'): Promise<BuiltDag> {
  const b = new DagBuilder()
  return b.build(await b.dir([{ name, cid: await b.raw(content) }]))
}

/**
 * `levels` directories, each linking twice (`a` and `b`) to the one below;
 * the lowest links twice to one file. `levels + 2` blocks, unfolding to
 * `2^levels` files and `2^levels - 1` directories.
 */
export async function fanOut (levels: number, leaf: Uint8Array | string = 'leaf\n'): Promise<BuiltDag> {
  const b = new DagBuilder()
  let below = await b.raw(leaf)
  for (let i = 0; i < levels; i++) below = await b.dir([{ name: 'a', cid: below }, { name: 'b', cid: below }])
  return b.build(below)
}

/** The entries `fanOut(levels)` unfolds to */
export function fanOutEntries (levels: number): { files: number, directories: number, entries: number } {
  const files = 2 ** levels
  return { files, directories: files - 1, entries: 2 * files - 1 }
}

/** `depth` directories nested in a chain (`name/name/...`), the innermost holding a file `f` */
export async function deepChain (depth: number, name = 'd'): Promise<BuiltDag> {
  const b = new DagBuilder()
  let below = await b.dir([{ name: 'f', cid: await b.raw('bottom\n') }])
  for (let i = 1; i < depth; i++) below = await b.dir([{ name, cid: below }])
  return b.build(below)
}

/**
 * One directory of `n` entries `f0`..`f{n-1}`, all links to one small file.
 * Flat by default (one block, `n` links); `sharded: true` builds a real HAMT
 * with the importer, as Kubo lays it out (then the files are distinct).
 */
export async function wideDirectory (n: number, options: { sharded?: boolean } = {}): Promise<BuiltDag> {
  const b = new DagBuilder()
  if (options.sharded !== true) {
    const file = await b.raw('same\n')
    const links: Link[] = []
    for (let i = 0; i < n; i++) links.push({ name: `f${i}`, cid: file, size: 5 })
    links.sort((x, y) => Buffer.compare(Buffer.from(x.name ?? ''), Buffer.from(y.name ?? '')))
    return b.build(await b.dir(links))
  }
  const store = {
    put: async (cid: CID, bytes: Uint8Array) => { b.add({ cid, bytes }); return cid },
    get: () => { throw new Error('the importer does not read here') },
    has: async () => false
  }
  const files = Array.from({ length: n }, (_, i) => ({ path: `w/f${i}`, content: new TextEncoder().encode(`${i}\n`) }))
  let root: CID | undefined
  for await (const entry of importer(files, store as any, { shardSplitThresholdBytes: 1, cidVersion: 1, rawLeaves: true })) {
    if (entry.path === 'w') root = entry.cid
  }
  if (root === undefined) throw new Error('the importer gave no directory')
  return b.build(root)
}

/**
 * A file whose nodes lie about their sizes: `levels` nodes, each declaring two
 * 1-byte children and linking twice to the one below (which itself declares
 * 2 bytes). A reader that trusts the declarations visits 2^levels nodes for a
 * 2-byte file.
 */
export async function lyingFile (levels: number): Promise<BuiltDag> {
  const b = new DagBuilder()
  let below = await b.file([])
  for (let i = 0; i < levels; i++) below = await b.file([{ cid: below, size: 1 }, { cid: below, size: 1 }])
  return b.build(below)
}

/** A file of `n` bytes in one node with `n` links to 1-byte identity blocks (a block of ~13 n bytes) */
export async function wideFile (n: number): Promise<BuiltDag> {
  const b = new DagBuilder()
  const leaf = CID.createV1(raw.code, identity.digest(Uint8Array.of(0x41)))
  return b.build(await b.file(Array.from({ length: n }, () => ({ cid: leaf, size: 1 }))))
}

/** Store every block of `dag` (for library tests that skip the CAR) */
export async function putDag (dag: BuiltDag, blockstore: { put: (cid: CID, bytes: Uint8Array) => Promise<unknown> }): Promise<CID> {
  for (const { cid, bytes } of dag.blocks) await blockstore.put(cid, bytes)
  return dag.root
}

/** Write `dag` as a CARv1 file with its root as the one root; returns `file` */
export async function writeCar (dag: BuiltDag, file: string): Promise<string> {
  const { writer, out } = CarWriter.create([dag.root])
  const written = pipeline(Readable.from(out), createWriteStream(file))
  for (const block of dag.blocks) await writer.put(block)
  await writer.close()
  await written
  return file
}

/** `dcx dag import <car>` into `repo` (fails the test unless it succeeds); the root is pinned when complete */
export async function importCar (car: string, repo: string): Promise<void> {
  await ok(['dag', 'import', car], { repo })
}

/** Write `dag` as a CAR under `dir` and import it into `repo`; returns the root as text */
export async function importDag (dag: BuiltDag, dir: string, repo: string, name = dag.root.toString()): Promise<string> {
  await importCar(await writeCar(dag, `${dir}/${name}.car`), repo)
  return dag.root.toString()
}

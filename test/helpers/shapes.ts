import { createCipheriv, createHash } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import type { ImporterOptions } from 'ipfs-unixfs-importer'

const MiB = 2 ** 20

/**
 * Deterministic incompressible bytes: an AES-128-CTR keystream keyed by the
 * seed, so two shapes never share a block and a run is reproducible.
 */
export function randomBytes (size: number, seed: number): Buffer {
  const key = Buffer.alloc(16)
  key.writeUInt32BE(seed)
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size))
}

/** One file of a dataset, by its path from the dataset's parent ('dir/sub/a.bin') */
export interface ShapeFile { path: string, bytes: Uint8Array }

/** A dataset and how both sides import it */
export interface Shape {
  title: string
  /** The dataset's name: the file's or the top directory's */
  root: string
  files: ShapeFile[]
  /** `dcx add` flags */
  dcxFlags: string[]
  /** The same settings for `@helia/unixfs` (the importer's own IPIP-499 profiles) */
  heliaOptions: Omit<ImporterOptions, 'onProgress'>
  /** A directory big enough that both importers shard it (HAMT) */
  sharded?: boolean
}

/**
 * A directory of 1200 small files with 200-byte names: past the 256 KiB
 * sharding threshold of either profile (about 280 KB of links by
 * unixfs-v0-2015's estimate, 295 KB of node by unixfs-v1-2025's). With
 * `sharedContents` the files hold 16 contents between them, so a reader that
 * fetches one block at a time (`dcx get`) fetches the directory's shards and
 * not 1200 leaves; without, each file is a block of its own (dcx writes a block
 * that many files of one add share slowly, so its side adds distinct ones).
 */
function shardedFiles (root: string, sharedContents: boolean): ShapeFile[] {
  const filler = 'of-a-directory-with-names-long-enough-to-shard-'.repeat(4).slice(0, 184)
  return Array.from({ length: 1200 }, (_, i) => ({
    path: `${root}/entry-${String(i).padStart(5, '0')}-${filler}.txt`,
    bytes: Buffer.from(`entry ${sharedContents ? i % 16 : i} of ${root}\n`)
  }))
}

/**
 * The datasets of the interop suite: multi-block files in both CID profiles
 * and with 256 KiB chunks, a nested directory, a HAMT-sharded directory in
 * both profiles, and (with `big`) a 100 MiB file. `tag` keeps two suites'
 * random bytes apart.
 */
export function interopShapes (tag: number, options: { big?: boolean, sharedContents?: boolean } = {}): Shape[] {
  const v1 = { profile: 'unixfs-v1-2025' as const }
  // @helia/unixfs lays its own defaults (CIDv1, raw leaves, 1 MiB chunks, 1024
  // links) over the importer's profile, so the legacy profile's settings are
  // spelled out as Kubo documents them
  const v0 = { profile: 'unixfs-v0-2015' as const, cidVersion: 0 as const, rawLeaves: false, chunker: fixedSize({ chunkSize: 262_144 }), layout: balanced({ maxChildrenPerNode: 174 }) }
  const seed = (n: number): number => tag * 100 + n
  const shapes: Shape[] = [
    { title: 'a 3 MiB file, unixfs-v1-2025 (1 MiB chunks, raw leaves)', root: 'file-v1.bin', files: [{ path: 'file-v1.bin', bytes: randomBytes(3 * MiB, seed(1)) }], dcxFlags: [], heliaOptions: v1 },
    { title: 'a 3 MiB file, --cid-version 0 (unixfs-v0-2015)', root: 'file-v0.bin', files: [{ path: 'file-v0.bin', bytes: randomBytes(3 * MiB, seed(2)) }], dcxFlags: ['--cid-version', '0'], heliaOptions: v0 },
    { title: 'a 3 MiB file, --chunker size-262144', root: 'file-256k.bin', files: [{ path: 'file-256k.bin', bytes: randomBytes(3 * MiB, seed(3)) }], dcxFlags: ['--chunker', 'size-262144'], heliaOptions: { ...v1, chunker: fixedSize({ chunkSize: 262_144 }) } },
    {
      title: 'a nested directory of single- and multi-block files',
      root: 'dir',
      files: [
        { path: 'dir/a.bin', bytes: randomBytes(2.5 * MiB, seed(4)) },
        { path: 'dir/notes.txt', bytes: Buffer.from('a small file next to big ones\n') },
        { path: 'dir/sub/b.bin', bytes: randomBytes(1.2 * MiB, seed(5)) },
        { path: 'dir/sub/deeper/c.bin', bytes: randomBytes(300_000, seed(6)) }
      ],
      dcxFlags: [],
      heliaOptions: v1
    },
    { title: 'a HAMT-sharded directory, unixfs-v1-2025', root: 'shard-v1', files: shardedFiles('shard-v1', options.sharedContents === true), dcxFlags: [], heliaOptions: v1, sharded: true },
    { title: 'a HAMT-sharded directory, --cid-version 0', root: 'shard-v0', files: shardedFiles('shard-v0', options.sharedContents === true), dcxFlags: ['--cid-version', '0'], heliaOptions: v0, sharded: true }
  ]
  if (options.big === true) {
    shapes.push({ title: 'a 100 MiB file', root: 'big.bin', files: [{ path: 'big.bin', bytes: randomBytes(100 * MiB, seed(7)) }], dcxFlags: [], heliaOptions: v1 })
  }
  return shapes
}

/** Write a shape's files under `dir`; resolves with the path to add */
export async function writeShape (dir: string, shape: Shape): Promise<string> {
  for (const f of shape.files) {
    await mkdir(dirname(join(dir, f.path)), { recursive: true })
    await writeFile(join(dir, f.path), f.bytes)
  }
  return join(dir, shape.root)
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** path (below the shape's root; '' for a file) -> SHA-256 of the bytes: compared, so a mismatch prints short */
export function shapeDigests (shape: Shape): Record<string, string> {
  const out: Record<string, string> = {}
  for (const f of shape.files) out[f.path === shape.root ? '' : f.path.slice(shape.root.length + 1)] = sha256(f.bytes)
  return out
}

/** The same digests for what is on disk at `path` (a file or a directory tree) */
export async function diskDigests (path: string, below = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  let entries
  try {
    entries = await readdir(path, { withFileTypes: true })
  } catch (err: any) {
    if (err.code !== 'ENOTDIR') throw err
    out[below] = sha256(await readFile(path))
    return out
  }
  for (const e of entries) {
    const rel = below === '' ? e.name : `${below}/${e.name}`
    Object.assign(out, e.isDirectory() ? await diskDigests(join(path, e.name), rel) : { [rel]: sha256(await readFile(join(path, e.name))) })
  }
  return out
}

/** Digests of a chunked stream */
export async function streamDigest (chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const h = createHash('sha256')
  for await (const c of chunks) h.update(c)
  return h.digest('hex')
}

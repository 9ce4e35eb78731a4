import { createCipheriv } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RepoBlockstore } from '../src/repo/blockstore.js'
import { dcx, ok, PROJECT, tempRepo } from './helpers/cli.js'

// A job reads its inputs' bytes from the repo's block files itself (the main
// thread says where they lie); these check that what it reads is the file,
// at any offset and length, whatever shape the file's DAG has, and that a
// damaged block file is an error, never a result.

const SAMPLE = join(PROJECT, 'test/wasm/programs/sample.wasm')
const WORDCOUNT = join(PROJECT, 'wasm-jobs/wordcount.wasm')
const MiB = 2 ** 20

/** Incompressible, deterministic bytes */
function bytesOf (size: number, key: number): Buffer {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, key), Buffer.alloc(16))
  return cipher.update(Buffer.alloc(size))
}

/** What test/wasm/programs/sample.c prints for `bytes` after `reads` reads */
function sample (bytes: Uint8Array, reads: number): string {
  let x = 12345
  const next = (): number => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x }
  const longest = [100, 65536, 3 << 19, 3 << 20]
  const size = bytes.length
  let h = 2166136261
  for (let i = 0; i < reads; i++) {
    const off = next() % (size + 1000)
    const len = 1 + next() % longest[i % 4]
    const n = Math.max(0, Math.min(len, size - off))
    for (let j = off; j < off + n; j++) h = Math.imul(h ^ bytes[j], 16777619) >>> 0
    h = Math.imul(h ^ n, 16777619) >>> 0
  }
  return `${size} ${h}\n`
}

describe('job inputs read from the repo\'s block files', () => {
  let t: Awaited<ReturnType<typeof tempRepo>>
  beforeAll(async () => { t = await tempRepo() })
  afterAll(async () => { await t.cleanup() })

  const runJson = async (args: string[]): Promise<any> => JSON.parse((await ok(['run', '--json', ...args], { repo: t.repo })).stdout)

  it('random reads of any offset and length give the file\'s bytes, whatever the shape of its DAG', async () => {
    const bytes = bytesOf(5 * MiB + 12345, 3)
    const file = join(t.dir, 'sample.bin')
    await writeFile(file, bytes)
    const reads = 120
    const expected = sample(bytes, reads)
    const shapes = [
      [], // raw 1 MiB leaves under one node
      ['--cid-version', '0'], // dag-pb 256 KiB leaves
      ['--chunker', 'size-4096'], // 1300 raw leaves: two levels, and more than one answer of extents
      ['--cid-version', '0', '--chunker', 'size-16384'] // 321 dag-pb leaves under 2 interior nodes: more than one answer too
    ]
    const outputs = new Set<string>()
    for (const shape of shapes) {
      const cid = (await ok(['add', '-Q', ...shape, file], { repo: t.repo })).stdout.trim()
      const r = await runJson([SAMPLE, '--input', cid, '--', '/inputs', String(reads)])
      expect(r.status, `${shape.join(' ')}: ${r.stderr}`).toBe('exit')
      expect(r.stdout, shape.join(' ')).toBe(expected)
      outputs.add(r.output)
    }
    // the same bytes read give the same result, whatever DAG held them
    expect(outputs.size).toBe(1)
  })

  it('a block file damaged on disk fails the run with an error naming the block; nothing is recorded', async () => {
    const bytes = bytesOf(3 * MiB, 4)
    const file = join(t.dir, 'damaged.bin')
    await writeFile(file, bytes)
    const cid = (await ok(['add', '-Q', file], { repo: t.repo })).stdout.trim()
    // the second 1 MiB leaf: same length, one byte changed
    const leaf = CID.createV1(raw.code, await sha256.digest(bytes.subarray(MiB, 2 * MiB)))
    const path = new RepoBlockstore(join(t.repo, 'blocks')).pathOf(leaf)
    const block = await readFile(path)
    block[1000] ^= 0xff
    await writeFile(path, block)
    const r = await dcx(['run', WORDCOUNT, '--input', cid], { repo: t.repo })
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`Error: block ${leaf.toString()} in the repo does not match its hash (its file is damaged): nothing was served or recorded from it; \`dcx repo verify\` lists damaged blocks, remove the file it names and fetch or import the block again\n`)
    expect((await ok(['receipt', 'ls', '--json'], { repo: t.repo })).stdout).not.toContain(cid)
  })

  it('a one-block input whose file was cut short is an error too', async () => {
    const bytes = bytesOf(300_000, 5)
    const file = join(t.dir, 'short.bin')
    await writeFile(file, bytes)
    const cid = (await ok(['add', '-Q', file], { repo: t.repo })).stdout.trim()
    const path = new RepoBlockstore(join(t.repo, 'blocks')).pathOf(CID.parse(cid))
    await writeFile(path, bytes.subarray(0, 200_000))
    const r = await dcx(['run', WORDCOUNT, '--input', cid], { repo: t.repo })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(new RegExp(`^Error: block ${cid} in the repo does not match its hash`))
  })
})

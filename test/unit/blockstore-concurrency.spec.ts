import { spawn } from 'node:child_process'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RepoBlockstore } from '../../src/repo/blockstore.js'
import { PROJECT, tempDir } from '../helpers/cli.js'

/*
 * Many writers of one block, in one process and in several at once, while
 * readers poll the block's file: what the add of two identical files and a
 * job with an empty stdout and stderr do. The writer processes use the built
 * blockstore (dist/), as `dcx` does.
 */

const NODE = join(PROJECT, 'node_modules/node/bin/node')
const BUILT = pathToFileURL(join(PROJECT, 'dist/repo/blockstore.js')).href
const BUILT_CID = pathToFileURL(join(PROJECT, 'dist/data/cid-path.js')).href
const BLOCK_BYTES = 256 * 1024
/** A put that has to wait for nothing but its own write takes milliseconds; the old writer's retries took 100 ms each */
const QUICK_MS = 400

/** The block of round `round`: its own bytes, so every round starts with no file */
async function roundBlock (round: number): Promise<{ cid: CID, bytes: Uint8Array }> {
  const bytes = new Uint8Array(BLOCK_BYTES)
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + round * 7) & 0xff
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

// A writer process: at each round's start time, \`puts\` concurrent puts of that round's block; prints the slowest put
const WRITER = `
import { RepoBlockstore } from ${JSON.stringify(BUILT)}
import { parseCid } from ${JSON.stringify(BUILT_CID)}
const [dir, start, every, puts, size, ...cids] = process.argv.slice(2)
const store = new RepoBlockstore(dir)
await store.open()
let slowest = 0
for (let round = 0; round < cids.length; round++) {
  const bytes = new Uint8Array(Number(size))
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + round * 7) & 0xff
  const cid = parseCid(cids[round])
  const wait = Number(start) + round * Number(every) - Date.now()
  if (wait > 0) await new Promise(r => setTimeout(r, wait))
  await Promise.all(Array.from({ length: Number(puts) }, async () => {
    const t = performance.now()
    await store.put(cid, bytes)
    slowest = Math.max(slowest, performance.now() - t)
  }))
}
console.log(JSON.stringify({ slowest }))
`

async function runWriter (script: string, args: Array<string | number>): Promise<{ slowest: number }> {
  return await new Promise((resolve, reject) => {
    const child = spawn(NODE, [script, ...args.map(String)], { cwd: PROJECT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', d => { out += d })
    child.stderr.on('data', d => { err += d })
    child.on('error', reject)
    child.on('close', code => code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`writer exited ${code}: ${err}`)))
  })
}

/** Read `file` over and over until `until`; every read that finds the file must find the whole block */
async function poll (file: string, expected: Uint8Array, until: number): Promise<{ whole: number, wrong: number }> {
  let whole = 0
  let wrong = 0
  while (Date.now() < until) {
    try {
      const got = await readFile(file)
      if (got.length === expected.length && Buffer.compare(got, expected) === 0) whole++
      else wrong++
    } catch (err: any) {
      if (err.code !== 'ENOENT') throw err
    }
    await new Promise(resolve => setImmediate(resolve))
  }
  return { whole, wrong }
}

/** Files in the block folder's shards that are not blocks (temp files left behind) */
async function leftovers (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const shard of await readdir(dir)) {
    for (const name of await readdir(join(dir, shard))) if (!name.endsWith('.data') || name.startsWith('.')) out.push(`${shard}/${name}`)
  }
  return out
}

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  const t = await tempDir()
  cleanup = t.cleanup
  dir = join(t.path, 'blocks')
})
afterEach(async () => { await cleanup() })

describe('RepoBlockstore under concurrent writers and readers of one block', () => {
  it('in one process: every put succeeds quickly, readers never see part of the block, no temp file is left', async () => {
    const store = new RepoBlockstore(dir)
    await store.open()
    for (let round = 0; round < 10; round++) {
      const { cid, bytes } = await roundBlock(round)
      const file = store.pathOf(cid)
      const times: number[] = []
      const writes = Promise.all(Array.from({ length: 32 }, async () => {
        const t = performance.now()
        await store.put(cid, bytes)
        times.push(performance.now() - t)
      }))
      const readers = Promise.all(Array.from({ length: 4 }, async () => await poll(file, bytes, Date.now() + 30)))
      await writes
      const seen = await readers
      expect(Math.max(...times)).toBeLessThan(QUICK_MS)
      expect(seen.reduce((n, s) => n + s.wrong, 0)).toBe(0)
      expect(Buffer.compare(await readFile(file), bytes)).toBe(0)
      // a put of a block already present is skipped: the file is not replaced
      const before = (await stat(file)).ino
      await store.put(cid, bytes)
      expect((await stat(file)).ino).toBe(before)
    }
    expect(await leftovers(dir)).toEqual([])
  })

  it('in several processes at once: every writer succeeds quickly, readers never see part of the block, no temp file is left', async () => {
    const script = join(dirname(dir), 'writer.mjs')
    await writeFile(script, WRITER)
    const rounds = 12
    const every = 120
    const processes = 4
    const cids = await Promise.all(Array.from({ length: rounds }, async (_, round) => (await roundBlock(round)).cid.toString()))
    {
      // far enough ahead for the writers to start and load the blockstore
      const start = Date.now() + 1500
      const writers = Promise.all(Array.from({ length: processes }, async () => await runWriter(script, [dir, start, every, 8, BLOCK_BYTES, ...cids])))
      // awaited below, after the readers; this keeps a writer's failure from being unhandled meanwhile
      writers.catch(() => {})
      let seen = { whole: 0, wrong: 0 }
      const store = new RepoBlockstore(dir)
      for (let round = 0; round < rounds; round++) {
        const { cid, bytes } = await roundBlock(round)
        const begin = start + round * every
        const wait = begin - Date.now()
        if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait))
        const r = await Promise.all(Array.from({ length: 2 }, async () => await poll(store.pathOf(cid), bytes, begin + every - 10)))
        for (const x of r) seen = { whole: seen.whole + x.whole, wrong: seen.wrong + x.wrong }
      }
      const results = await writers
      expect(seen.wrong).toBe(0)
      // the readers did find the blocks while the writers were at work
      expect(seen.whole).toBeGreaterThan(0)
      for (const r of results) expect(r.slowest).toBeLessThan(QUICK_MS)
      for (let round = 0; round < rounds; round++) {
        const { cid, bytes } = await roundBlock(round)
        expect(Buffer.compare(await readFile(store.pathOf(cid)), bytes)).toBe(0)
      }
      expect(await leftovers(dir)).toEqual([])
    }
  })
})

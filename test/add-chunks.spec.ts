import { createCipheriv } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { importer } from 'ipfs-unixfs-importer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { discardStore } from '../src/data/add.js'
import { chunkSizeOf, importerOptions } from '../src/data/profiles.js'
import type { AddProfileOptions } from '../src/data/profiles.js'
import { ok, tempRepo } from './helpers/cli.js'

// `dcx add` reads files in chunks of its own, hashes large leaves on
// threads of its own and reuses chunk buffers; the CIDs must be the ones
// the importer's own chunker and leaf builder give for the same bytes.

function bytesOf (size: number, key: number): Buffer {
  return createCipheriv('aes-128-ctr', Buffer.alloc(16, key), Buffer.alloc(16)).update(Buffer.alloc(size))
}

/** The CID ipfs-unixfs-importer gives, with its own fixedSize chunker and leaf builder */
async function reference (bytes: Uint8Array, profile: AddProfileOptions): Promise<string> {
  const { bufferImporter, ...options } = importerOptions(profile)
  let cid = ''
  for await (const e of importer([{ path: 'f', content: [bytes] }], discardStore, { ...options, wrapWithDirectory: false })) cid = e.cid.toString()
  return cid
}

describe('dcx add cuts and hashes as the importer does', () => {
  let t: Awaited<ReturnType<typeof tempRepo>>
  beforeAll(async () => { t = await tempRepo() })
  afterAll(async () => { await t.cleanup() })

  for (const [name, profile, flags] of [
    ['unixfs-v1-2025', {}, []],
    ['unixfs-v0-2015', { cidVersion: 0 }, ['--cid-version', '0']],
    ['--chunker size-1000', { chunker: 'size-1000' }, ['--chunker', 'size-1000']]
  ] as Array<[string, AddProfileOptions, string[]]>) {
    it(`files of every size around the chunk size, alone and in a folder large enough to hash on threads (${name})`, async () => {
      const chunk = chunkSizeOf(profile)
      const dir = join(t.dir, name.replace(/\W/g, '_'))
      await mkdir(dir)
      const sizes = [0, 1, chunk - 1, chunk, chunk + 1, 3 * chunk + 5]
      const files = sizes.map((size, i) => ({ name: `f${i}`, bytes: bytesOf(size, i + 1) }))
      // the folder holds more than the 16 MiB from which an add hashes on threads
      files.push({ name: 'large', bytes: bytesOf(17 * 2 ** 20 + 3, 9) })
      for (const f of files) await writeFile(join(dir, f.name), f.bytes)
      const added = (await ok(['add', '-r', '-q', ...flags, dir], { repo: t.repo })).stdout.trim().split('\n')
      // `added` lists the files in name order, then the folder
      const byName = [...files].sort((a, b) => a.name < b.name ? -1 : 1)
      for (const [i, f] of byName.entries()) expect(added[i], `${f.name}, ${f.bytes.length} bytes`).toBe(await reference(f.bytes, profile))
      // one file alone: a small add, hashed on the main thread
      expect((await ok(['add', '-Q', ...flags, join(dir, 'f5')], { repo: t.repo })).stdout.trim()).toBe(await reference(files[5].bytes, profile))
    })
  }
})

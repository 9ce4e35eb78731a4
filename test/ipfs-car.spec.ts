import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { filesFromPaths } from 'files-from-path'
import { CAREncoderStream, createDirectoryEncoderStream } from 'ipfs-car'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURES, ok, tempRepo } from './helpers/cli.js'

let repo: string
let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => { ({ repo, dir, cleanup } = await tempRepo()) })
afterAll(async () => cleanup())

/** The root CID ipfs-car gives for a folder (files-from-path names entries relative to it) */
async function ipfsCarRoot (paths: string[]): Promise<string> {
  const files = await filesFromPaths(paths)
  const car = new CAREncoderStream([])
  await createDirectoryEncoderStream(files).pipeThrough(car).pipeTo(new WritableStream())
  return String(car.finalBlock?.cid)
}

describe('CIDs agree with ipfs-car packing the same tree', () => {
  it('for the fixture dataset', async () => {
    const books = join(FIXTURES, 'books')
    const ours = (await ok(['add', '-r', '-Q', books], { repo })).stdout.trim()
    expect(ours).toBe(await ipfsCarRoot([books]))
  })

  it('for nested folders, an empty file, a unicode name and multi-chunk files', async () => {
    const tree = join(dir, 'tree')
    await mkdir(join(tree, 'x/y'), { recursive: true })
    await writeFile(join(tree, 'empty.txt'), '')
    await writeFile(join(tree, 'x/y/naïve 文字.txt'), 'unicode\n')
    await writeFile(join(tree, 'x/two-chunks.bin'), randomBytes((1 << 20) + 1))
    await writeFile(join(tree, 'x/wide.bin'), randomBytes(5 << 20))
    const ours = (await ok(['add', '-r', '-Q', tree], { repo })).stdout.trim()
    expect(ours).toBe(await ipfsCarRoot([tree]))
  })
})

import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addPaths, discardStore } from '../../src/data/add.js'
import { parseChunker } from '../../src/data/profiles.js'
import { tempDir } from '../helpers/cli.js'
import type { AddOptions } from '../../src/data/add.js'

let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => {
  ({ path: dir, cleanup } = await tempDir())
  await writeFile(join(dir, 'empty'), '')
  await writeFile(join(dir, 'hello'), 'hello world\n')
  await mkdir(join(dir, 'emptydir'))
})
afterAll(async () => cleanup())

async function root (name: string, options: AddOptions = {}): Promise<string> {
  let last = ''
  for await (const a of addPaths([join(dir, name)], discardStore, { recursive: true, ...options })) last = a.cid.toString()
  return last
}

// Published Kubo CIDs (`ipfs add` with default settings, and with --cid-version 1)
describe('Kubo vectors', () => {
  it('empty file', async () => {
    expect(await root('empty', { cidVersion: 0 })).toBe('QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH')
    expect(await root('empty')).toBe('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')
  })

  it('empty directory', async () => {
    expect(await root('emptydir', { cidVersion: 0 })).toBe('QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn')
    expect(await root('emptydir')).toBe('bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354')
  })

  it('"hello world\\n" under both profiles', async () => {
    expect(await root('hello', { cidVersion: 0 })).toBe('QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o')
    expect(await root('hello')).toBe('bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4')
  })

  it('--raw-leaves with CIDv0 keeps a raw leaf, as Kubo does', async () => {
    expect(await root('hello', { cidVersion: 0, rawLeaves: true })).toBe('bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4')
  })
})

describe('chunker spec', () => {
  it('accepts size-N and refuses anything else', () => {
    expect(parseChunker('size-262144')).toBe(262144)
    expect(() => parseChunker('rabin-1-2-3')).toThrow(/unsupported chunker/)
    expect(() => parseChunker('size-0')).toThrow(/out of range/)
    expect(() => parseChunker('size-2000000')).toThrow(/out of range/)
  })
})

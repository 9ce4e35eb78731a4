import { readdir, readFile } from 'node:fs/promises'
import { join, relative, resolve, dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROJECT } from '../helpers/cli.js'

/**
 * The layers of src/, top to bottom (README: Architecture). A file may import
 * its own layer and those below it, never one above: `wasm/` knows nothing of
 * IPFS, `jobs/` nothing of the network, the API nothing of the operations it
 * serves. Files at the top of src/ (errors.ts, version.ts) are below all.
 */
const LAYERS = ['commands', 'cli', 'ops', 'api', 'net', 'jobs', 'wasm', 'data', 'repo', '.']
const SRC = join(PROJECT, 'src')

async function * sources (dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield * sources(path)
    else if (entry.name.endsWith('.ts')) yield path
  }
}

function layerOf (file: string): string {
  const top = relative(SRC, file).split('/')
  return top.length === 1 ? '.' : top[0]
}

describe('layers', () => {
  it('no file in src/ imports a layer above its own (type imports included)', async () => {
    const wrong: string[] = []
    for await (const file of sources(SRC)) {
      const text = await readFile(file, 'utf8')
      for (const m of text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = resolve(dirname(file), m[1])
        if (!target.startsWith(SRC)) continue
        const from = LAYERS.indexOf(layerOf(file))
        const to = LAYERS.indexOf(layerOf(target))
        if (to < from) wrong.push(`${relative(SRC, file)} imports ${relative(SRC, target)}`)
      }
    }
    expect(wrong).toEqual([])
  })
})

import { randomBytes } from 'node:crypto'
import { mkdir, readFile, readdir, readlink, stat, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dcx, errorLine, ok, tempRepo } from './helpers/cli.js'
import { jsonLines } from './helpers/kubo.js'

let repo: string
let dir: string
let cleanup: () => Promise<void>
let tree: string
const big = randomBytes(3 * 1024 * 1024 + 17)

beforeAll(async () => {
  ({ repo, dir, cleanup } = await tempRepo())
  tree = join(dir, 'tree')
  await mkdir(join(tree, 'a/b/c'), { recursive: true })
  await mkdir(join(tree, 'empty-dir'))
  await writeFile(join(tree, 'empty.txt'), '')
  await writeFile(join(tree, 'a/hello.txt'), 'hello world\n')
  await writeFile(join(tree, 'a/b/c/deep.txt'), 'deep\n')
  await writeFile(join(tree, 'ünïcødé 文字 🚀.txt'), 'unicode name\n')
  await writeFile(join(tree, 'big.bin'), big)
  await writeFile(join(tree, '.hidden'), 'secret\n')
  await symlink('a/hello.txt', join(tree, 'link'))
})
afterAll(async () => cleanup())

async function listTree (root: string, prefix = ''): Promise<string[]> {
  const out: string[] = []
  for (const name of (await readdir(root)).sort()) {
    const p = join(root, name)
    const s = await import('node:fs/promises').then(async fs => fs.lstat(p))
    if (s.isSymbolicLink()) out.push(`${prefix}${name} -> ${await readlink(p)}`)
    else if (s.isDirectory()) out.push(`${prefix}${name}/`, ...await listTree(p, `${prefix}${name}/`))
    else out.push(`${prefix}${name} ${(await readFile(p)).toString('base64').slice(0, 40)} ${s.size}`)
  }
  return out
}

describe('add then get', () => {
  it('returns identical bytes for nested dirs, empty files, unicode names, symlinks and a file over 1 MiB', async () => {
    for (const cidVersion of ['0', '1']) {
      const added = await ok(['add', '-r', '-Q', '--cid-version', cidVersion, tree], { repo })
      const root = added.stdout.trim()
      const out = join(dir, `out-v${cidVersion}`)
      await ok(['get', root, '-o', out], { repo })
      const expected = (await listTree(tree)).filter(l => !l.startsWith('.hidden'))
      expect(await listTree(out)).toEqual(expected)
      expect(await readFile(join(out, 'big.bin'))).toEqual(big)
    }
  })

  it('prints added <cid> <name> for every file and folder, root last', async () => {
    const r = await ok(['add', '-r', tree], { repo })
    const lines = r.stdout.trim().split('\n')
    expect(lines.every(l => /^added \S+ tree(\/.*)?$/.test(l))).toBe(true)
    expect(lines.at(-1)).toMatch(/^added \S+ tree$/)
    expect(lines.some(l => l.endsWith(' tree/a/b/c/deep.txt'))).toBe(true)
    expect(lines.some(l => l.endsWith(' tree/empty-dir'))).toBe(true)
    expect(lines.some(l => l.includes('.hidden'))).toBe(false)
  })

  it('-H includes hidden files and changes the root', async () => {
    const plain = (await ok(['add', '-r', '-Q', tree], { repo })).stdout.trim()
    const hidden = (await ok(['add', '-r', '-Q', '-H', tree], { repo })).stdout.trim()
    expect(hidden).not.toBe(plain)
    expect((await ok(['cat', `${hidden}/.hidden`], { repo })).stdout).toBe('secret\n')
  })

  it('-w wraps files in a directory named by their basenames', async () => {
    const r = await ok(['add', '-w', join(tree, 'a/hello.txt'), join(tree, 'empty.txt')], { repo })
    const lines = r.stdout.trim().split('\n')
    expect(lines).toHaveLength(3)
    const root = lines.at(-1)?.split(' ')[1]
    expect((await ok(['cat', `${root}/hello.txt`], { repo })).stdout).toBe('hello world\n')
    const ls = await ok(['ls', root as string], { repo })
    expect(ls.stdout.trim().split('\n').map(l => l.split(' ')[2])).toEqual(['empty.txt', 'hello.txt'])
  })

  it('-q prints one CID per line and -Q only the root', async () => {
    const q = await ok(['add', '-r', '-q', tree], { repo })
    const Q = await ok(['add', '-r', '-Q', tree], { repo })
    expect(q.stdout.trim().split('\n').every(l => /^b[a-z2-7]+$/.test(l))).toBe(true)
    expect(Q.stdout.trim()).toBe(q.stdout.trim().split('\n').at(-1))
  })

  it('cat reads a byte range across chunk boundaries', async () => {
    const root = (await ok(['add', '-Q', '--chunker', 'size-1000', join(tree, 'big.bin')], { repo })).stdout.trim()
    const r = await ok(['cat', root, '--offset', '999', '--length', '2003'], { repo })
    expect(r.stdoutBytes).toEqual(big.subarray(999, 999 + 2003))
  })

  it('--json gives one object per added item', async () => {
    const r = await ok(['add', '-r', '--json', join(tree, 'a')], { repo })
    const items = jsonLines(r.stdout)
    expect(items.at(-1).Name).toBe('a')
    expect(items.map(i => i.Name)).toContain('a/b/c/deep.txt')
  })

  it('-n computes the same CIDs without writing a block', async () => {
    const f = join(dir, 'only-hash.txt')
    await writeFile(f, 'never stored\n')
    const n = (await ok(['add', '-n', '-Q', f], { repo })).stdout.trim()
    const r = await dcx(['cat', n], { repo })
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(/is not in the repo and no daemon is running/)
    const real = (await ok(['add', '-Q', f], { repo })).stdout.trim()
    expect(real).toBe(n)
  })

  it('get refuses to overwrite an existing path', async () => {
    const root = (await ok(['add', '-Q', join(tree, 'a/hello.txt')], { repo })).stdout.trim()
    const out = join(dir, 'exists.txt')
    await writeFile(out, 'mine')
    const r = await dcx(['get', root, '-o', out], { repo })
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(/already exists/)
    expect(await readFile(out, 'utf8')).toBe('mine')
  })

  it('a directory needs -r', async () => {
    const r = await dcx(['add', tree], { repo })
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(/is a directory: use -r/)
    expect((await stat(tree)).isDirectory()).toBe(true)
  })
})

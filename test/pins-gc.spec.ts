import { randomBytes } from 'node:crypto'
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dcx, errorLine, ok, tempRepo } from './helpers/cli.js'
import { gcRemoved, lsLinks } from './helpers/kubo.js'

let repo: string
let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => { ({ repo, dir, cleanup } = await tempRepo()) })
afterEach(async () => cleanup())

const add = async (...args: string[]): Promise<string> => (await ok(['add', '-Q', ...args], { repo })).stdout.trim()
const blocks = async (): Promise<number> => JSON.parse((await ok(['repo', 'stat', '--json'], { repo })).stdout).NumObjects

describe('pins and gc', () => {
  it('gc removes unpinned blocks and keeps blocks another pin still needs', async () => {
    const shared = randomBytes(300_000)
    await mkdir(join(dir, 'one'))
    await mkdir(join(dir, 'two'))
    await writeFile(join(dir, 'one/shared.bin'), shared)
    await writeFile(join(dir, 'one/only-one.txt'), 'one\n')
    await writeFile(join(dir, 'two/shared.bin'), shared)
    await writeFile(join(dir, 'two/only-two.txt'), 'two\n')
    const one = await add('-r', '--chunker', 'size-100000', join(dir, 'one'))
    const two = await add('-r', '--chunker', 'size-100000', join(dir, 'two'))
    const entries = lsLinks((await ok(['ls', one, '--json'], { repo })).stdout)
    const onlyOne = entries.find((e: any) => e.name === 'only-one.txt').cid
    const sharedCid = entries.find((e: any) => e.name === 'shared.bin').cid
    await ok(['repo', 'gc'], { repo })
    const before = await blocks()

    await ok(['pin', 'rm', one], { repo })
    const gc = await ok(['repo', 'gc', '--json'], { repo })
    const removed = gcRemoved(gc.stdout)
    // one's directory node and only-one.txt go; the shared file's blocks stay for two
    expect(removed).toContain(onlyOne)
    expect(removed).not.toContain(sharedCid)
    expect(removed).toHaveLength(2)
    expect(await blocks()).toBe(before - 2)
    expect(gcRemoved((await ok(['repo', 'gc', '--json'], { repo })).stdout)).toEqual([])
    expect((await ok(['cat', `${two}/shared.bin`], { repo })).stdoutBytes).toEqual(shared)
    await ok(['pin', 'verify'], { repo })
    const r = await dcx(['cat', `${one}/only-one.txt`], { repo })
    expect(errorLine(r)).toMatch(/is not in the repo/)
  })

  it('rm then re-add pins again and gc keeps everything', async () => {
    const f = join(dir, 'f.txt')
    await writeFile(f, 'again\n')
    const cid = await add(f)
    await ok(['pin', 'rm', cid], { repo })
    expect((await ok(['pin', 'ls', '-q'], { repo })).stdout.trim()).toBe('')
    expect(await add(f)).toBe(cid)
    await ok(['repo', 'gc'], { repo })
    expect((await ok(['cat', cid], { repo })).stdout).toBe('again\n')
    expect((await ok(['pin', 'ls'], { repo })).stdout.trim()).toBe(`${cid} recursive`)
  })

  it('overlapping pins: a subtree pinned on its own survives removal of the parent pin', async () => {
    await mkdir(join(dir, 'p/sub'), { recursive: true })
    await writeFile(join(dir, 'p/sub/x.txt'), 'x\n')
    await writeFile(join(dir, 'p/y.txt'), 'y\n')
    const root = await add('-r', join(dir, 'p'))
    const sub = lsLinks((await ok(['ls', root, '--json'], { repo })).stdout).find(e => e.name === 'sub')!.cid
    await ok(['pin', 'add', sub], { repo })
    await ok(['pin', 'rm', root], { repo })
    await ok(['repo', 'gc'], { repo })
    expect((await ok(['cat', `${sub}/x.txt`], { repo })).stdout).toBe('x\n')
    expect((await dcx(['ls', root], { repo })).code).toBe(1)
  })

  it('a direct pin keeps one block, not its children', async () => {
    await mkdir(join(dir, 'd'))
    await writeFile(join(dir, 'd/z.txt'), 'z\n')
    const root = await add('-r', join(dir, 'd'), '--pin=false')
    const z = lsLinks((await ok(['ls', root, '--json'], { repo })).stdout)[0].cid
    expect((await ok(['pin', 'ls', '-q'], { repo })).stdout.trim()).toBe('')
    await ok(['pin', 'add', '--no-recursive', root], { repo })
    const removed = gcRemoved((await ok(['repo', 'gc', '--json'], { repo })).stdout)
    expect(removed).toContain(z)
    expect(await blocks()).toBe(1)
    const ls = await dcx(['ls', root], { repo })
    expect(errorLine(ls)).toContain(`block ${z} is not in the repo`)
    expect((await ok(['pin', 'ls'], { repo })).stdout.trim()).toBe(`${root} direct`)
  })

  it('pin add refuses a DAG that is not complete in the repo, and writes no pin', async () => {
    const r = await dcx(['pin', 'add', 'bafybeihchr7vmgjaasntayyatmp5sv6xza57iy2h4xj7g46bpjij6yhrmy'], { repo })
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(/block bafybeihchr7vmgjaasntayyatmp5sv6xza57iy2h4xj7g46bpjij6yhrmy is not in the repo/)
    expect((await ok(['pin', 'ls', '-q'], { repo })).stdout.trim()).toBe('')
  })

  it('gc removes partial block files a crash left, but not one being written now', async () => {
    const shard = join(repo, 'blocks', 'ZZ')
    await mkdir(shard, { recursive: true })
    const old = join(shard, '.CIQOLDPARTIALBLOCK.data.tmp')
    const fresh = join(shard, '.CIQFRESHPARTIALBLOCK.data.tmp')
    await writeFile(old, randomBytes(1000))
    await writeFile(fresh, randomBytes(1000))
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000)
    await utimes(old, twoHoursAgo, twoHoursAgo)
    await ok(['repo', 'gc'], { repo })
    expect(await readdir(shard)).toEqual(['.CIQFRESHPARTIALBLOCK.data.tmp'])
  })

  it('pin rm of something not pinned says so', async () => {
    const r = await dcx(['pin', 'rm', 'bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4'], { repo })
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(/is not pinned/)
  })
})

describe('repo verify and pin verify', () => {
  it('find a corrupted block and name it', async () => {
    const f = join(dir, 'f.txt')
    await writeFile(f, 'precious\n')
    const cid = await add(f)
    await ok(['repo', 'verify'], { repo })
    const { readdir } = await import('node:fs/promises')
    const shards = await readdir(join(repo, 'blocks'))
    const shard = shards[0]
    const file = (await readdir(join(repo, 'blocks', shard)))[0]
    await writeFile(join(repo, 'blocks', shard, file), 'tampered\n')
    const v = await dcx(['repo', 'verify'], { repo })
    expect(v.code).toBe(1)
    expect(v.stdout).toMatch(/corrupt block/)
    const p = await dcx(['pin', 'verify'], { repo })
    expect(p.code).toBe(1)
    expect(p.stdout).toContain(`${cid} broken: block ${cid} is corrupt`)
  })
})

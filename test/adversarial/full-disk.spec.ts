import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { PROJECT, dcx, errorLine, ok, tempDir } from '../helpers/cli.js'

/**
 * A disk that fills up must cost the user a clear error and nothing else:
 * no lock left behind, no "not a repo", no half-written file. These run on a
 * real full file system: a 16 MiB tmpfs mounted for the test.
 */

const run = promisify(execFile)
const NODE = join(PROJECT, 'node_modules/node/bin/node')
const SIZE = 16 << 20

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c() })

async function dir (): Promise<string> {
  const t = await tempDir()
  cleanups.push(t.cleanup)
  return t.path
}

/** A fresh tmpfs of `SIZE` bytes, unmounted after the test */
async function tmpfs (): Promise<string> {
  const mnt = await dir()
  await run('mount', ['-t', 'tmpfs', '-o', `size=${SIZE},mode=0700`, 'tmpfs', mnt])
  cleanups.push(async () => { await run('umount', ['-l', mnt]).catch(() => {}) })
  return mnt
}

/** Why a tmpfs cannot be mounted here (not root, no mount(8), a container without CAP_SYS_ADMIN), or undefined */
const cannotMount: string | undefined = await (async () => {
  const t = await tempDir('dcx-mount-probe-')
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', t.path])
    await run('umount', [t.path])
    return undefined
  } catch (err: any) {
    return `needs a tmpfs mount, which is not permitted here: ${String(err.stderr ?? err.message).trim().split('\n')[0]}`
  } finally {
    await t.cleanup()
  }
})()

/** Write a file of random bytes (random, so nothing deduplicates) */
async function randomFile (path: string, bytes: number): Promise<string> {
  const h = await open(path, 'w')
  for (let left = bytes; left > 0; left -= 1 << 20) await h.write(randomBytes(Math.min(left, 1 << 20)))
  await h.close()
  return path
}

/** Fill the rest of a file system with one file, until the OS says ENOSPC */
async function fill (path: string): Promise<void> {
  const h = await open(path, 'w')
  try {
    for (;;) await h.write(Buffer.alloc(1 << 16, 1))
  } catch (err: any) {
    if (err.code !== 'ENOSPC') throw err
  } finally {
    await h.close()
  }
}

/** Every file under `root`, as relative paths */
async function files (root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true, withFileTypes: true })).filter(e => e.isFile()).map(e => join(e.parentPath, e.name).slice(root.length + 1))
}

/** The one error line, checked to be our full-disk message and not an internal error */
function noSpaceLine (r: Awaited<ReturnType<typeof dcx>>, where: string): string {
  expect(r.code).toBe(1)
  const line = errorLine(r)
  expect(line).toMatch(/^Error: no space left on the device holding \S+: free space.* and retry$/)
  expect(line).toContain(where)
  expect(line).not.toMatch(/unexpected|not a dcx repo|dcx init/)
  return line
}

describe('a full disk', () => {
  it('fails an add in one line, and leaves a repo that lists, verifies, collects and adds again', async (ctx) => {
    if (cannotMount !== undefined) ctx.skip(cannotMount)
    const mnt = await tmpfs()
    const src = await dir()
    const repo = join(mnt, 'repo')
    await ok(['init', '--repo', repo])
    const small = (await ok(['add', '-Q', await randomFile(join(src, 'small.bin'), 1000), '--repo', repo])).stdout.trim()

    const r = await dcx(['add', await randomFile(join(src, 'big.bin'), SIZE + (8 << 20)), '--repo', repo])
    noSpaceLine(r, repo)
    expect(r.stderr).toContain('dcx repo gc')
    // Nothing half-written: no partial block files, no lock, no lock temp files
    expect((await files(join(repo, 'blocks'))).filter(f => !f.endsWith('.data'))).toEqual([])
    expect((await readdir(repo)).filter(n => n.includes('repo.lock'))).toEqual([])

    // Now fill it to the last byte, as another program might: even the lock file cannot be written
    await fill(join(mnt, 'filler'))
    const again = await dcx(['add', join(src, 'small.bin'), '--repo', repo])
    noSpaceLine(again, repo)
    expect((await readdir(repo)).filter(n => n.includes('repo.lock'))).toEqual([])

    // The commands that read and free space still work (on the repo's reserve)
    expect((await ok(['pin', 'ls', '--repo', repo])).stdout).toContain(`${small} recursive`)
    expect((await ok(['repo', 'verify', '--repo', repo])).stdout).toContain('verified repo integrity')
    const gc = await ok(['repo', 'gc', '--repo', repo])
    expect(gc.stdout).toMatch(/^removed /m) // the failed add's blocks
    await ok(['pin', 'verify', '--repo', repo])

    // With space freed, adding works and pins
    await rm(join(mnt, 'filler'))
    const added = (await ok(['add', '-Q', await randomFile(join(src, 'small2.bin'), 2000), '--repo', repo])).stdout.trim()
    const pins = (await ok(['pin', 'ls', '-q', '--repo', repo])).stdout.split('\n')
    expect(pins).toContain(small)
    expect(pins).toContain(added)
    expect((await stat(join(repo, 'reserve'))).size).toBe(1 << 20) // taken back for next time
  })

  it('a datastore write that fails for space loses nothing written before it', async (ctx) => {
    if (cannotMount !== undefined) ctx.skip(cannotMount)
    const mnt = await tmpfs()
    const repo = join(mnt, 'repo')
    await ok(['init', '--repo', repo])
    const src = await dir()
    const pinned = (await ok(['add', '-Q', await randomFile(join(src, 'a.bin'), 5000), '--repo', repo])).stdout.trim()
    // One process holds the repo open while the disk fills, then writes to LevelDB
    const script = `
      const { openRepo } = await import(${JSON.stringify(join(PROJECT, 'dist/repo/repo.js'))})
      const { Key } = await import(${JSON.stringify(join(PROJECT, 'node_modules/interface-datastore/dist/src/index.js'))})
      const { writeFile } = await import('node:fs/promises')
      const repo = await openRepo(${JSON.stringify(repo)}, { command: 'test' })
      await writeFile(${JSON.stringify(join(mnt, 'filler'))}, Buffer.alloc(${SIZE})).catch(() => {})
      const out = {}
      try { await repo.datastore.put(new Key('/test/big'), new Uint8Array(1 << 16)) } catch (err) { out.put = err.code; out.message = err.message }
      await repo.close()
      console.log(JSON.stringify(out))
    `
    const child = spawn(NODE, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    expect(await new Promise(resolve => child.on('exit', resolve))).toBe(0)
    expect(stderr).toBe('')
    const out = JSON.parse(stdout)
    expect(out.put).toBe('ERR_NO_SPACE')
    expect(out.message).toContain(join(repo, 'datastore'))
    // still full: the reserve lets a listing open the datastore, and the pin is there
    expect((await ok(['pin', 'ls', '-q', '--repo', repo])).stdout.split('\n')).toContain(pinned)
    await rm(join(mnt, 'filler'))
    await ok(['pin', 'add', pinned, '--repo', repo])
    await ok(['repo', 'verify', '--repo', repo])
  })

  it('fails get -o, dag export -o and key gen without leaving a partial file', async (ctx) => {
    if (cannotMount !== undefined) ctx.skip(cannotMount)
    const mnt = await tmpfs()
    const src = await dir()
    const repo = join(await dir(), 'repo') // the repo has room; the output's disk has none
    await ok(['init', '--repo', repo])
    const cid = (await ok(['add', '-Q', await randomFile(join(src, 'data.bin'), 4 << 20), '--repo', repo])).stdout.trim()
    await fill(join(mnt, 'filler'))

    // get counts what it will write first, and refuses before writing a byte
    const got = await dcx(['get', cid, '-o', join(mnt, 'out.bin'), '--repo', repo])
    expect(got.code).toBe(1)
    expect(errorLine(got)).toMatch(/holds 4194304 bytes in 1 entries, more than the \d+ bytes free at .*: nothing was written/)
    noSpaceLine(await dcx(['dag', 'export', cid, '-o', join(mnt, 'out.car'), '--repo', repo]), join(mnt, 'out.car'))
    expect(await readdir(mnt)).toEqual(['filler'])

    // Keys live in the repo: put one on the full disk
    const full = join(mnt, 'keys')
    await rm(join(mnt, 'filler'))
    await ok(['init', '--repo', full])
    await fill(join(mnt, 'filler'))
    noSpaceLine(await dcx(['key', 'gen', 'k1', '--repo', full]), full)
    expect(await readdir(join(full, 'keystore')).catch(() => [])).toEqual([])
    await rm(join(mnt, 'filler'))
    await ok(['key', 'gen', 'k1', '--repo', full])
  })

  it('fails an init in one line and leaves the folder free for the next init', async (ctx) => {
    if (cannotMount !== undefined) ctx.skip(cannotMount)
    const mnt = await tmpfs()
    await mkdir(join(mnt, 'repo'))
    await fill(join(mnt, 'filler'))
    noSpaceLine(await dcx(['init', '--repo', join(mnt, 'repo')]), join(mnt, 'repo'))
    expect(await readdir(join(mnt, 'repo'))).toEqual([])
    await rm(join(mnt, 'filler'))
    await ok(['init', '--repo', join(mnt, 'repo')])
  })

  it('says a repo on a read-only file system is on one', async (ctx) => {
    if (cannotMount !== undefined) ctx.skip(cannotMount)
    const mnt = await tmpfs()
    const repo = join(mnt, 'repo')
    await ok(['init', '--repo', repo])
    await run('mount', ['-o', 'remount,ro', mnt])
    try {
      for (const args of [['add', join(PROJECT, 'package.json')], ['pin', 'ls'], ['repo', 'gc']]) {
        const r = await dcx([...args, '--repo', repo])
        expect(r.code).toBe(1)
        const line = errorLine(r)
        expect(line).toMatch(/the file system holding \S+ is read-only: remount it read-write/)
        expect(line).not.toMatch(/not a dcx repo|unexpected/)
      }
    } finally {
      await run('mount', ['-o', 'remount,rw', mnt])
    }
    expect(JSON.parse(await readFile(join(repo, 'config.json'), 'utf8')).version).toBe(1)
    await ok(['pin', 'ls', '--repo', repo])
  })
})

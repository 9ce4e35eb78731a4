import { spawn } from 'node:child_process'
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { PROJECT, dcx, errorLine, ok, tempDir } from './helpers/cli.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const c of cleanups.splice(0)) await c() })

async function dir (): Promise<string> {
  const t = await tempDir()
  cleanups.push(t.cleanup)
  return t.path
}

describe('dcx init', () => {
  it('creates config, a 0600 Ed25519 identity key, blockstore and datastore', async () => {
    const repo = join(await dir(), 'r')
    const r = await ok(['init', '--repo', repo, '--json'])
    const out = JSON.parse(r.stdout)
    expect(out.peerId).toMatch(/^12D3KooW/)
    const key = await stat(join(repo, 'identity.key'))
    expect(key.mode & 0o777).toBe(0o600)
    expect((await stat(join(repo, 'blocks'))).isDirectory()).toBe(true)
    expect((await stat(join(repo, 'datastore'))).isDirectory()).toBe(true)
    const config = JSON.parse(await readFile(join(repo, 'config.json'), 'utf8'))
    expect(config.peerId).toBe(out.peerId)
    // a port picked once, so the daemon is at the same address at every start
    expect(config.listen).toEqual([expect.stringMatching(/^\/ip4\/127\.0\.0\.1\/tcp\/[1-9]\d*$/)])
    expect(config.bootstrap).toEqual([])
    expect(config.mdns).toBe(false)
  })

  it('uses DCX_PATH when --repo is not given, and id prints the same peer ID', async () => {
    const repo = join(await dir(), 'r')
    const init = JSON.parse((await ok(['init', '--json'], { env: { DCX_PATH: repo } })).stdout)
    const id = JSON.parse((await ok(['id', '--json'], { env: { DCX_PATH: repo } })).stdout)
    expect(id.ID).toBe(init.peerId)
    expect(Buffer.from(id.PublicKey, 'base64').length).toBe(36)
  })

  it('the server profile listens on all interfaces', async () => {
    const repo = join(await dir(), 'r')
    await ok(['init', '--repo', repo, '--profile', 'server'])
    const config = JSON.parse(await readFile(join(repo, 'config.json'), 'utf8'))
    expect(config.profile).toBe('server')
    expect(config.listen[0]).toMatch(/^\/ip4\/0\.0\.0\.0\//)
  })

  it('refuses to init over an existing repo', async () => {
    const repo = join(await dir(), 'r')
    await ok(['init', '--repo', repo])
    const r = await dcx(['init', '--repo', repo])
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(/already exists/)
  })

  it('refuses to init into a folder holding other files', async () => {
    const d = await dir()
    await writeFile(join(d, 'precious.txt'), 'keep me')
    const r = await dcx(['init', '--repo', d])
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(/not empty/)
    expect(await readFile(join(d, 'precious.txt'), 'utf8')).toBe('keep me')
  })
})

describe('commands on a missing or foreign repo', () => {
  it('says how to init when there is no repo', async () => {
    const r = await dcx(['pin', 'ls', '--repo', join(await dir(), 'nothing')])
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(/no dcx repo at .*run `dcx init`/)
  })

  it('names a folder that is not a repo', async () => {
    const d = await dir()
    await mkdir(join(d, 'stuff'))
    const r = await dcx(['cat', 'bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4', '--repo', d])
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(/is not a dcx repo \(no config\.json\)/)
  })

  it('names a repo whose config is damaged', async () => {
    const repo = join(await dir(), 'r')
    await ok(['init', '--repo', repo])
    await writeFile(join(repo, 'config.json'), '{ not json')
    const r = await dcx(['pin', 'ls', '--repo', repo])
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(/not a dcx repo \(config\.json is not valid JSON\)/)
  })
})

describe('the repo lock', () => {
  it('makes a second process wait briefly, then fail naming the holder', async () => {
    const repo = join(await dir(), 'r')
    await ok(['init', '--repo', repo])
    // A real second process holds the repo open, as a long add would
    const holder = spawn(join(PROJECT, 'node_modules/node/bin/node'), ['--input-type=module', '-e', `
      const { openRepo } = await import(${JSON.stringify(join(PROJECT, 'dist/repo/repo.js'))})
      const repo = await openRepo(${JSON.stringify(repo)}, { command: 'add big.iso' })
      console.log('held')
      process.stdin.once('data', async () => { await repo.close(); process.exit(0) })
    `], { stdio: ['pipe', 'pipe', 'inherit'] })
    await new Promise(resolve => holder.stdout.once('data', resolve))
    const started = Date.now()
    const r = await dcx(['pin', 'ls', '--repo', repo])
    expect(Date.now() - started).toBeGreaterThan(1500)
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(new RegExp(`in use by \`dcx add big.iso\` \\(pid ${holder.pid},`))
    holder.stdin.write('go\n')
    await new Promise(resolve => holder.on('exit', resolve))
    await ok(['pin', 'ls', '--repo', repo])
  })

  it('takes over the lock of a process that died', async () => {
    const repo = join(await dir(), 'r')
    await ok(['init', '--repo', repo])
    const holder = spawn(join(PROJECT, 'node_modules/node/bin/node'), ['--input-type=module', '-e', `
      const { openRepo } = await import(${JSON.stringify(join(PROJECT, 'dist/repo/repo.js'))})
      await openRepo(${JSON.stringify(repo)}, { command: 'add' })
      console.log('held')
      setInterval(() => {}, 1000)
    `], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise(resolve => holder.stdout.once('data', resolve))
    holder.kill('SIGKILL')
    await new Promise(resolve => holder.on('exit', resolve))
    await ok(['pin', 'ls', '--repo', repo])
    await ok(['repo', 'verify', '--repo', repo])
  })
})

describe('a stale repo.lock', () => {
  // Each names no live process, so the next writer takes it over at once instead of waiting
  const stale: Array<[string, () => Promise<string>]> = [
    ['an empty lock file', async () => ''],
    ['a lock file of garbage', async () => '\u0000\u0000{"pid": nope'],
    ['a lock file naming a dead pid', async () => {
      const child = spawn(join(PROJECT, 'node_modules/node/bin/node'), ['-e', ''], { stdio: 'ignore' })
      await new Promise(resolve => child.on('exit', resolve))
      return JSON.stringify({ pid: child.pid, command: 'add', since: new Date().toISOString() })
    }]
  ]
  for (const [what, text] of stale) {
    it(`takes over ${what}`, async () => {
      const repo = join(await dir(), 'r')
      await ok(['init', '--repo', repo])
      await writeFile(join(repo, 'repo.lock'), await text())
      const started = Date.now()
      const r = await ok(['add', '-Q', join(PROJECT, 'package.json'), '--repo', repo])
      expect(Date.now() - started).toBeLessThan(1500) // no 2 s wait for a holder
      const cid = r.stdout.trim()
      expect((await ok(['pin', 'ls', '-q', '--repo', repo])).stdout.split('\n')).toContain(cid)
      await expect(stat(join(repo, 'repo.lock'))).rejects.toMatchObject({ code: 'ENOENT' })
      expect((await readdir(repo)).filter(n => n.includes('repo.lock'))).toEqual([])
    })
  }

  it('still waits for a live holder, names it, and leaves its lock alone', async () => {
    const repo = join(await dir(), 'r')
    await ok(['init', '--repo', repo])
    // this test's own process is alive for sure
    const lock = JSON.stringify({ pid: process.pid, command: 'add big.iso', since: '2025-01-01T00:00:00.000Z' })
    await writeFile(join(repo, 'repo.lock'), lock)
    const r = await dcx(['pin', 'ls', '--repo', repo])
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(new RegExp(`in use by \`dcx add big.iso\` \\(pid ${process.pid}, since 2025-01-01`))
    expect(await readFile(join(repo, 'repo.lock'), 'utf8')).toBe(lock)
  })
})

describe('a repo whose datastore cannot be opened is still called a repo', () => {
  it('names another process holding LevelDB\'s LOCK', async () => {
    const repo = join(await dir(), 'r')
    await ok(['init', '--repo', repo])
    // A process that ignores repo.lock (an older dcx, say) holds the LevelDB open
    const holder = spawn(join(PROJECT, 'node_modules/node/bin/node'), ['--input-type=module', '-e', `
      const { ClassicLevel } = await import(${JSON.stringify(join(PROJECT, 'node_modules/classic-level/index.js'))})
      const db = new ClassicLevel(${JSON.stringify(join(repo, 'datastore'))})
      await db.open()
      console.log('held')
      process.stdin.once('data', async () => { await db.close(); process.exit(0) })
    `], { stdio: ['pipe', 'pipe', 'inherit'] })
    await new Promise(resolve => holder.stdout.once('data', resolve))
    try {
      const r = await dcx(['pin', 'ls', '--repo', repo])
      expect(r.code).toBe(1)
      const line = errorLine(r)
      expect(line).toMatch(/datastore .* cannot be opened .*another process holds its LevelDB LOCK/)
      expect(line).not.toMatch(/not a dcx repo|dcx init/)
      // and repo.lock was released: the next command after the holder goes works
    } finally {
      holder.stdin.write('go\n')
      await new Promise(resolve => holder.on('exit', resolve))
    }
    await ok(['pin', 'ls', '--repo', repo])
  })

  it('says a damaged datastore is damaged, and what to do, not "run dcx init"', async () => {
    const repo = join(await dir(), 'r')
    await ok(['init', '--repo', repo])
    await writeFile(join(repo, 'datastore', 'CURRENT'), 'MANIFEST-999999\n')
    const r = await dcx(['repo', 'gc', '--repo', repo])
    expect(r.code).toBe(1)
    const line = errorLine(r)
    expect(line).toMatch(/datastore .* cannot be opened .*back up the whole repo folder/)
    expect(line).not.toMatch(/not a dcx repo|dcx init/)
  })

  it('says a missing datastore is missing', async () => {
    const repo = join(await dir(), 'r')
    await ok(['init', '--repo', repo])
    await rm(join(repo, 'datastore'), { recursive: true })
    const r = await dcx(['pin', 'ls', '--repo', repo])
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(/datastore .* cannot be opened \(no such folder\): restore it from a backup/)
  })

  it('calls a missing identity key damage, not "not a repo"', async () => {
    const repo = join(await dir(), 'r')
    await ok(['init', '--repo', repo])
    await rm(join(repo, 'identity.key'))
    const r = await dcx(['id', '--repo', repo])
    expect(r.code).toBe(1)
    const line = errorLine(r)
    expect(line).toMatch(/repo at .* is damaged \(identity\.key is missing\)/)
    expect(line).not.toMatch(/not a dcx repo/)
  })
})

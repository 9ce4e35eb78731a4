import { spawnSync } from 'node:child_process'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dcx, errorLine, FIXTURES, ok, tempRepo } from './helpers/cli.js'
import { startDaemon, type RunningDaemon } from './helpers/daemon.js'
import { gcRemoved } from './helpers/kubo.js'

describe('dcx daemon', () => {
  let a: Awaited<ReturnType<typeof tempRepo>>
  let b: Awaited<ReturnType<typeof tempRepo>>
  let da: RunningDaemon
  let db: RunningDaemon
  let books: string

  beforeAll(async () => {
    a = await tempRepo()
    b = await tempRepo()
    books = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: a.repo })).stdout.trim()
    da = await startDaemon(a.repo)
    db = await startDaemon(b.repo)
  })
  afterAll(async () => {
    await da?.stop()
    await db?.stop()
    await a.cleanup()
    await b.cleanup()
  })

  it('prints its peer ID, loopback listen addresses with OS-chosen ports, and ready', async () => {
    const id = (await ok(['id', '--json'], { repo: a.repo })).stdout
    expect(da.peerId).toBe(JSON.parse(id).ID)
    expect(da.addrs.length).toBeGreaterThan(0)
    for (const addr of da.addrs) expect(addr).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${da.peerId}$`))
    expect(JSON.parse(id).Addresses).toEqual(da.addrs)
  })

  it('serves its control API on a socket in the repo that only the owner can use (mode 0600)', async () => {
    const s = await stat(join(a.repo, 'api.sock'))
    expect(s.isSocket()).toBe(true)
    expect(s.mode & 0o777).toBe(0o600)
  })

  // only root can act as another user; CI runs as root
  it.skipIf(process.getuid?.() !== 0)('refuses a client that is not the repo\'s owner', async () => {
    const probe = `require('net').connect(${JSON.stringify(join(a.repo, 'api.sock'))}).on('connect', () => { console.log('connected'); process.exit(0) }).on('error', e => { console.log(e.code); process.exit(0) })`
    const r = spawnSync(process.execPath, ['-e', probe], { uid: 65534, gid: 65534, encoding: 'utf8' })
    expect(r.stdout.trim()).toBe('EACCES')
    // and the owner can
    const mine = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' })
    expect(mine.stdout.trim()).toBe('connected')
  })

  it('connects to a peer, lists it, and fetches a file the repo lacks from it over bitswap', async () => {
    await ok(['peers', 'connect', da.addrs[0]], { repo: b.repo })
    const peers = (await ok(['peers', 'ls'], { repo: b.repo })).stdout
    expect(peers).toContain(da.peerId)
    const text = (await ok(['cat', `${books}/poems/tides.txt`], { repo: b.repo })).stdout
    expect(text).toBe((await ok(['cat', `${books}/poems/tides.txt`], { repo: a.repo })).stdout)
    expect(text.length).toBeGreaterThan(10)
  })

  it('ls and get what the repo lacks by fetching from peers, with the same output as offline', async () => {
    const lsHere = (await ok(['ls', `${books}/poems`], { repo: a.repo })).stdout
    expect((await ok(['ls', `${books}/poems`], { repo: b.repo })).stdout).toBe(lsHere)
    const out = join(b.dir, 'got-books')
    const got = await ok(['get', books, '-o', out], { repo: b.repo })
    expect(got.stdout).toMatch(new RegExp(`^saved ${books} to .*got-books \\(\\d+ files, \\d+ bytes\\)\n$`))
    expect((await ok(['add', '-r', '-Q', '-n', out], { repo: b.repo })).stdout.trim()).toBe(books)
  })

  it('disconnects from a peer', async () => {
    expect((await ok(['peers', 'disconnect', da.peerId], { repo: b.repo })).stdout).toBe(`disconnected from ${da.peerId}\n`)
    // B's connection is closed and B does not dial again; A may (the DHT keeps
    // its neighbours connected), as a Kubo peer may after `swarm disconnect`
    const left = JSON.parse((await ok(['peers', 'ls', '--json', '--direction'], { repo: b.repo })).stdout).Peers
    expect(left.filter((c: any) => c.Peer === da.peerId && c.Direction === 2)).toEqual([])
  })

  it('takes adds, pins and gc through its API while it holds the repo', async () => {
    const added = (await ok(['add', '-Q', join(FIXTURES, 'sales.csv')], { repo: a.repo })).stdout.trim()
    expect((await ok(['pin', 'ls', '-q'], { repo: a.repo })).stdout).toContain(added)
    await ok(['pin', 'rm', added], { repo: a.repo })
    const gc = gcRemoved((await ok(['repo', 'gc', '--json'], { repo: a.repo })).stdout)
    expect(gc).toContain(added)
  })

  it('pins a DAG it lacks by fetching it from a peer', async () => {
    await ok(['peers', 'connect', da.addrs[0]], { repo: b.repo })
    const r = await ok(['pin', 'add', books], { repo: b.repo })
    expect(r.stdout).toBe(`pinned ${books} recursively\n`)
  })

  it('takes dag import, repo stat, repo verify and pin verify through its API while it holds the repo', async () => {
    const r = await ok(['dag', 'import', join(FIXTURES, 'car', 'dir-with-files.car')], { repo: a.repo })
    const root = /^pinned root (\S+)$/m.exec(r.stdout)![1]
    expect((await ok(['pin', 'ls', '-q'], { repo: a.repo })).stdout).toContain(root)
    expect((await ok(['repo', 'verify'], { repo: a.repo })).stdout).toBe('verified repo integrity\n')
    expect((await ok(['pin', 'verify'], { repo: a.repo })).stdout).toContain(`${root} ok`)
    expect((await ok(['pin', 'ls', '-q'], { repo: a.repo })).stdout.trim().split('\n').length).toBeGreaterThanOrEqual(2)
    const missing = await dcx(['dag', 'import', join(FIXTURES, 'no-such.car')], { repo: a.repo })
    expect(missing.code).toBe(1)
    expect(errorLine(missing)).toMatch(/no-such\.car: no such file/)
  })

  it('stops cleanly on SIGTERM: socket removed, the fetched blocks kept, the repo intact', async () => {
    expect(await db.stop()).toBe(0)
    expect(db.output()).toMatch(/stopped\n?$/)
    await expect(stat(join(b.repo, 'api.sock'))).rejects.toMatchObject({ code: 'ENOENT' })
    // offline now: the file came over the network and stays in b's repo
    const text = await ok(['cat', `${books}/poems/tides.txt`], { repo: b.repo })
    expect(text.stdout.length).toBeGreaterThan(10)
    await ok(['repo', 'verify'], { repo: b.repo })
  })
})

describe('commands that need a daemon', () => {
  it('say so in one line when none runs', async () => {
    const t = await tempRepo()
    try {
      const r = await dcx(['peers', 'ls'], { repo: t.repo })
      expect(r.code).toBe(1)
      expect(errorLine(r)).toMatch(/needs a running daemon .*: start `dcx daemon` first/)
    } finally {
      await t.cleanup()
    }
  })
})

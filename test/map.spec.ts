import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dcx, errorLine, ok, PROJECT, tempDir, tempRepo } from './helpers/cli.js'
import { lsLinks } from './helpers/kubo.js'
import { startDaemon, type RunningDaemon } from './helpers/daemon.js'
import { startForger } from './helpers/forger.js'

// Map runs across real daemons on 127.0.0.1. Four holders P0..P3 hold two
// shards each of an eight-shard dataset, and two shards (0 and 4) are held
// twice, placed there with `pin add --on`; a fifth peer E runs the map and
// the reduce; a sixth, F, that saw nothing, verifies. A second, two-shard
// dataset held by P2 and P3 serves the forger and the kill.

const HOOK_MS = 180_000
const JOBS = join(PROJECT, 'wasm-jobs')
const SPIN = join(PROJECT, 'test', 'wasm', 'wat', 'spin.wasm')
const WCMAP = join(JOBS, 'wcmap.wasm')
const WCREDUCE = join(JOBS, 'wcreduce.wasm')
/** Each shard's size: far more than a shard's result, so a peer that fetched one would show */
const SHARD_BYTES = 200_000
/** What running one shard may add to a peer besides the module: its result directory, spec and receipt */
const PER_SHARD_ALLOWANCE = 16 * 1024

/** Deterministic text from a small vocabulary (so the word tables stay small) */
function text (seed: number, bytes: number): string {
  const vocabulary = 'the river light house keeper rain fall over stone and a of to in North sea wind 42 x-ray it\'s HARBOUR night ship'.split(' ')
  let x = seed * 2654435761 % 2 ** 32
  const next = (): number => { x = (x * 1664525 + 1013904223) % 2 ** 32; return x }
  const lines: string[] = []
  let size = 0
  while (size < bytes) {
    const line = Array.from({ length: next() % 12 }, () => vocabulary[next() % vocabulary.length]).join(next() % 7 === 0 ? '  ' : ' ')
    lines.push(line)
    size += line.length + 1
  }
  return lines.join('\n') + '\n'
}

/** coreutils `wc` over every file under a folder: "lines words bytes total" */
function coreutilsWc (dir: string): string {
  const files = execFileSync('find', [dir, '-type', 'f'], { encoding: 'utf8' }).trim().split('\n')
  const [lines, words, bytes] = execFileSync('wc', files, { encoding: 'utf8' }).trim().split('\n').pop()!.trim().split(/\s+/)
  return `${lines} ${words} ${bytes} total\n`
}

describe('run --map across peers: shards run where they are held', () => {
  const repos: Array<Awaited<ReturnType<typeof tempRepo>>> = []
  const daemons: RunningDaemon[] = []
  let scratch: Awaited<ReturnType<typeof tempDir>>
  let forger: Awaited<ReturnType<typeof startForger>>
  const started = Date.now()
  /** The dataset on disk, its CID, and each entry's CID */
  const data = { dir: '', root: '', entries: new Map<string, string>() }
  const small = { dir: '', root: '', entries: new Map<string, string>() }
  /** Shard name → peers (indexes into daemons) that hold it */
  const holders = new Map<string, number[]>()
  let first: any
  const E = 4
  const F = 5
  const repo = (i: number): string => repos[i].repo
  const size = async (i: number): Promise<number> => JSON.parse((await ok(['repo', 'stat', '--json'], { repo: repo(i) })).stdout).RepoSize
  const entries = async (i: number, root: string): Promise<Map<string, string>> =>
    new Map(lsLinks((await ok(['ls', root, '--json'], { repo: repo(i) })).stdout).map(e => [e.name, e.cid]))
  /** Keep only the directory's own block and these entries of it on a peer */
  const holdOnly = async (i: number, dir: string, names: string[]): Promise<{ root: string, all: Map<string, string> }> => {
    const root = (await ok(['add', '-r', '-Q', dir], { repo: repo(i) })).stdout.trim()
    const all = await entries(i, root)
    await ok(['pin', 'rm', root], { repo: repo(i) })
    await ok(['pin', 'add', '--no-recursive', root], { repo: repo(i) })
    for (const name of names) await ok(['pin', 'add', all.get(name)!], { repo: repo(i) })
    await ok(['repo', 'gc', '-q'], { repo: repo(i) })
    return { root, all }
  }
  const holds = (name: string, ...peers: number[]): void => { holders.set(name, [...(holders.get(name) ?? []), ...peers]) }

  beforeAll(async () => {
    for (let i = 0; i < 6; i++) repos.push(await tempRepo())
    scratch = await tempDir()
    data.dir = join(scratch.path, 'data')
    small.dir = join(scratch.path, 'small')
    mkdirSync(data.dir)
    mkdirSync(small.dir)
    for (let s = 0; s < 8; s++) writeFileSync(join(data.dir, `part-${s}.txt`), text(s + 1, SHARD_BYTES))
    for (let s = 0; s < 2; s++) writeFileSync(join(small.dir, `f-${s}.txt`), text(100 + s, 2000))
    const ids = await Promise.all(repos.map(async r => JSON.parse((await ok(['id', '--json'], { repo: r.repo })).stdout).ID as string))
    // P1 pins what P0 asks of it, P3 what P2 asks: the policy's allowlist
    for (const [i, from] of [[1, 0], [3, 2]]) {
      const file = join(repo(i), 'config.json')
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), pinning: { enabled: true, allow: [ids[from]], maxBytes: 10 * SHARD_BYTES } }))
    }
    await Promise.all([0, 1, 2, 3].map(async p => {
      const names = [`part-${2 * p}.txt`, `part-${2 * p + 1}.txt`]
      ;({ root: data.root, all: data.entries } = await holdOnly(p, data.dir, names))
      for (const n of names) holds(n, p)
      if (p >= 2) small.root = (await ok(['add', '-r', '-Q', small.dir], { repo: repo(p) })).stdout.trim()
    }))
    small.entries = await entries(2, small.root)
    daemons.push(...await Promise.all(repos.map(async r => await startDaemon(r.repo, 60_000))))
    forger = await startForger(join(scratch.path, 'forger'), CID.parse(small.entries.get('f-0.txt')!))
    const connect = async (i: number, j: number): Promise<void> => { await ok(['peers', 'connect', daemons[j].addrs[0]], { repo: repo(i) }) }
    await connect(0, 1)
    await connect(2, 3)
    for (const p of [0, 1, 2, 3]) await connect(E, p)
    await ok(['peers', 'connect', `${forger.node.libp2p.getMultiaddrs()[0]}`], { repo: repo(E) })
    // the second holders of shards 0 and 4, placed by their first
    await ok(['pin', 'add', data.entries.get('part-0.txt')!, '--on', daemons[1].peerId], { repo: repo(0) })
    holds('part-0.txt', 1)
    await ok(['pin', 'add', data.entries.get('part-4.txt')!, '--on', daemons[3].peerId], { repo: repo(2) })
    holds('part-4.txt', 3)
    console.log(`map.spec: set-up ${((Date.now() - started) / 1000).toFixed(1)} s`)
  }, HOOK_MS)
  afterAll(async () => {
    if (process.env.MAP_DEBUG !== undefined) daemons.forEach((d, i) => console.log(`daemon ${i} exit ${d.child.exitCode}:\n${d.output()}`))
    await forger?.node.stop()
    await Promise.all(daemons.map(async d => await d.stop()))
    for (const r of repos) await r.cleanup()
    await scratch?.cleanup()
    console.log(`map.spec: ${((Date.now() - started) / 1000).toFixed(1)} s in all`)
  }, HOOK_MS)

  it('pin add --on: a peer whose policy does not allow it refuses with its reason; nothing is pinned', async () => {
    const r = await dcx(['pin', 'add', data.entries.get('part-1.txt')!, '--on', daemons[2].peerId], { repo: repo(0) })
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(new RegExp(`^Error: peer ${daemons[2].peerId} did not pin it: `))
    expect((await ok(['pin', 'ls'], { repo: repo(2) })).stdout).not.toContain(data.entries.get('part-1.txt')!)
    // the ones that were allowed hold the shard in full now
    expect((await ok(['pin', 'ls'], { repo: repo(1) })).stdout).toContain(data.entries.get('part-0.txt')!)
  })

  it('an input directory no peer has: one line within --timeout, not a wait forever', async () => {
    // a directory's CID computed and never stored (--only-hash): no peer has it
    const dir = await tempDir()
    writeFileSync(join(dir.path, 'shard.txt'), `held by nobody ${Date.now()}\n`)
    const nobody = (await ok(['add', '-r', '-w', '-n', '-Q', join(dir.path, 'shard.txt')], { repo: repo(E) })).stdout.trim()
    await dir.cleanup()
    const started = Date.now()
    const r = await dcx(['run', WCMAP, '--input', nobody, '--map', '--timeout', '2s'], { repo: repo(E) })
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(new RegExp(`^Error: block ${nobody} did not arrive within 2 s`))
    expect(Date.now() - started).toBeLessThan(30_000)
  })

  it('word count from a fifth peer: equals coreutils wc, every shard ran on a holder, no peer fetched a shard', async () => {
    const before = await Promise.all(repos.map(async (_, i) => await size(i)))
    const r = await dcx(['run', WCMAP, '--input', data.root, '--map', '--reduce', WCREDUCE, '--json'], { repo: repo(E) })
    expect(r.code, r.stdout + r.stderr).toBe(0)
    first = JSON.parse(r.stdout)
    expect(first.reduce.stdout).toBe(coreutilsWc(data.dir))
    expect(first).toMatchObject({ status: 'exit', failed: [], cached: false, attempts: [] })
    expect(first.shards).toHaveLength(8)
    for (const s of first.shards) {
      expect(s.cached).toBe(false)
      expect(holders.get(s.name)!.map(p => daemons[p].peerId), s.name).toContain(s.executor)
    }
    const after = await Promise.all(repos.map(async (_, i) => await size(i)))
    for (const p of [0, 1, 2, 3]) {
      const ran = first.shards.filter((s: any) => s.executor === daemons[p].peerId).length
      expect(after[p] - before[p], `P${p} ran ${ran}`).toBeLessThanOrEqual(readFileSync(WCMAP).length + ran * PER_SHARD_ALLOWANCE)
    }
    const modules = readFileSync(WCMAP).length + readFileSync(WCREDUCE).length
    expect(after[E] - before[E]).toBeLessThanOrEqual(modules + 9 * PER_SHARD_ALLOWANCE)
    expect(PER_SHARD_ALLOWANCE * 4).toBeLessThan(SHARD_BYTES)
  })

  it('verify --sample 2 on a peer that saw nothing: every receipt checked, two shards and the reduce re-run', async () => {
    for (const p of [0, 1, 2, 3, E]) await ok(['peers', 'connect', daemons[p].addrs[0]], { repo: repo(F) })
    const v = await ok(['verify', first.receipt, '--sample', '2', '--json'], { repo: repo(F) })
    const json = JSON.parse(v.stdout)
    expect(json).toMatchObject({ verified: true, requester: daemons[E].peerId })
    expect(json.shards).toHaveLength(8)
    expect(json.shards.filter((s: any) => s.reran)).toHaveLength(2)
    expect(json.shards.every((s: any) => s.ok)).toBe(true)
    expect(json.reduce).toMatchObject({ reran: true, ok: true })
  })

  it('one file added: the next run executes one shard and the reduce', async () => {
    writeFileSync(join(data.dir, 'part-8.txt'), text(9, SHARD_BYTES / 4))
    const { root } = await holdOnly(0, data.dir, ['part-8.txt'])
    const r = JSON.parse((await ok(['run', WCMAP, '--input', root, '--map', '--reduce', WCREDUCE, '--json'], { repo: repo(E) })).stdout)
    expect(r.reduce.stdout).toBe(coreutilsWc(data.dir))
    expect(r.shards.filter((s: any) => !s.cached)).toMatchObject([{ name: 'part-8.txt', executor: daemons[0].peerId }])
    expect(r.shards.filter((s: any) => s.cached)).toHaveLength(8)
    expect(r.reduce.job).not.toBe(first.reduce.job)
    expect(r.cached).toBe(false)
  })

  it('a forging executor of one shard: caught by verify, and named by --replicas 2', async () => {
    const r = await ok(['run', WCMAP, '--input', small.root, '--map', '--reduce', WCREDUCE, '--json'], { repo: repo(E) })
    const run = JSON.parse(r.stdout)
    expect(run.shards.find((s: any) => s.name === 'f-0.txt').executor).toBe(forger.peerId)
    const v = await dcx(['verify', run.receipt, '--json'], { repo: repo(E) })
    expect(v.code, v.stderr).toBe(1)
    const verdict = JSON.parse(v.stdout)
    expect(verdict.verified).toBe(false)
    expect(verdict.shards.find((s: any) => s.name === 'f-0.txt')).toMatchObject({ reran: true, ok: false })
    expect(verdict.shards.find((s: any) => s.name === 'f-1.txt')).toMatchObject({ reran: true, ok: true })

    // a new run (another env: other shard jobs), each shard on two peers
    const rep = await dcx(['run', WCMAP, '--input', small.root, '--map', '--reduce', WCREDUCE, '--replicas', '2', '--env', 'TRY=2', '--json'], { repo: repo(E) })
    expect(rep.code, rep.stderr).toBe(8)
    const json = JSON.parse(rep.stdout)
    // the forger is named for the shard it claimed (and for any other a busy holder left to it)
    expect(json.disagreements).toContainEqual({ shard: 'f-0.txt', dissenters: [forger.peerId] })
    for (const d of json.disagreements) expect(d.dissenters).toEqual([forger.peerId])
    expect(json.shards.find((s: any) => s.name === 'f-0.txt').output).not.toBe(forger.forged.toString())
    expect(json.reduce.stdout).toBe(coreutilsWc(small.dir))
  })

  it('a holder killed mid-run: its shards finish on the other holder', async () => {
    await forger.node.stop()
    const marks = [2, 3].map(p => daemons[p].output().length)
    let killed: number | undefined
    const run = dcx(['run', SPIN, '--input', small.root, '--map', '--fuel', '10000000000', '--json'], { repo: repo(E) })
    const deadline = Date.now() + 60_000
    while (killed === undefined && Date.now() < deadline) {
      for (const [k, p] of [2, 3].entries()) {
        if (/: running$/m.test(daemons[p].output().slice(marks[k]))) { killed = p; break }
      }
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    expect(killed).toBeDefined()
    daemons[killed!].child.kill('SIGKILL')
    const r = await run
    const survivor = daemons[killed === 2 ? 3 : 2].peerId
    expect(r.code, r.stdout + r.stderr).toBe(9)
    const json = JSON.parse(r.stdout)
    // elsewhere: on the other holder, or (the last resort) here, fetched from it
    for (const s of json.shards) {
      expect(s.status).toBe('out-of-fuel')
      expect([survivor, daemons[E].peerId], JSON.stringify(json.attempts)).toContain(s.executor)
    }
    expect(json.attempts.map((a: any) => a.peer)).toContain(daemons[killed!].peerId)
    expect(json.failed).toEqual(['f-0.txt', 'f-1.txt'])
  })
})

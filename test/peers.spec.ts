import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dcx, errorLine, FIXTURES, ok, PROJECT, tempRepo } from './helpers/cli.js'
import { startDaemon, type RunningDaemon } from './helpers/daemon.js'

const WORDCOUNT = join(PROJECT, 'wasm-jobs', 'wordcount.wasm')

describe('compute moves to the data: three peers on 127.0.0.1', () => {
  const repos: Array<Awaited<ReturnType<typeof tempRepo>>> = []
  const daemons: RunningDaemon[] = []
  let books: string
  let result: any

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) repos.push(await tempRepo())
    const [a, b, c] = repos
    books = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: a.repo })).stdout.trim()
    for (const r of repos) daemons.push(await startDaemon(r.repo))
    await ok(['peers', 'connect', daemons[0].addrs[0]], { repo: b.repo })
    await ok(['peers', 'connect', daemons[0].addrs[0]], { repo: c.repo })
    result = JSON.parse((await ok(['run', WORDCOUNT, '--input', books, '--on', 'auto', '--json'], { repo: c.repo })).stdout)
  })
  afterAll(async () => {
    for (const d of daemons) await d.stop()
    for (const r of repos) await r.cleanup()
  })

  it('C runs a job --on auto: it runs on A, which holds the data, and the receipt names A', async () => {
    expect(result).toMatchObject({ status: 'exit', exitCode: 0, executor: daemons[0].peerId })
    const receipt = JSON.parse((await ok(['receipt', 'show', result.receipt, '--json'], { repo: repos[2].repo })).stdout)
    expect(receipt.executor).toBe(daemons[0].peerId)
  })

  it('gives the same output CID as a local run would', async () => {
    const local = await tempRepo()
    try {
      const cid = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: local.repo })).stdout.trim()
      const mine = JSON.parse((await ok(['run', WORDCOUNT, '--input', cid, '--json'], { repo: local.repo })).stdout)
      expect([mine.job, mine.output, mine.fuel]).toEqual([result.job, result.output, result.fuel])
    } finally {
      await local.cleanup()
    }
  })

  it('B, which has none of it, verifies the receipt by CID over the network', async () => {
    const r = await dcx(['verify', result.receipt, '--json'], { repo: repos[1].repo })
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ verified: true, executor: daemons[0].peerId })
  })

  it('C received the output but none of the input\'s blocks', async () => {
    await daemons[2].stop()
    const [, , c] = repos
    expect((await ok(['cat', `${result.output}/stdout`], { repo: c.repo })).stdout).toBe(result.stdout)
    const input = await dcx(['cat', `${books}/river.txt`], { repo: c.repo })
    expect(input.code).toBe(1)
    expect(errorLine(input)).toMatch(/is not in the repo/)
    await ok(['repo', 'verify'], { repo: c.repo })
  })

  it('a job over the executor\'s limits is refused with a clear line', async () => {
    const r = await dcx(['run', WORDCOUNT, '--input', books, '--on', daemons[0].peerId, '--fuel', '50000000000000'], { repo: repos[1].repo })
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(/refused the job: fuel 50000000000000 is over its limit/)
  })
})

describe('--on auto prefers the peer holding the most input bytes', () => {
  const repos: Array<Awaited<ReturnType<typeof tempRepo>>> = []
  const daemons: RunningDaemon[] = []
  const cids: Record<string, string> = {}

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) repos.push(await tempRepo())
    const [a, b] = repos
    cids.books = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: a.repo })).stdout.trim() // 9 kB
    cids.points = (await ok(['add', '-Q', join(FIXTURES, 'points.csv')], { repo: a.repo })).stdout.trim() // 45 kB
    cids.sales = (await ok(['add', '-Q', join(FIXTURES, 'sales.csv')], { repo: b.repo })).stdout.trim() // 111 kB
    for (const r of [a, b]) {
      // both will run jobs whose inputs they hold only in part, fetching the rest
      const file = join(r.repo, 'config.json')
      const config = JSON.parse(await readFile(file, 'utf8'))
      await writeFile(file, JSON.stringify({ ...config, executor: { runWithoutInputs: true } }))
    }
    for (const r of repos) daemons.push(await startDaemon(r.repo))
    for (const d of daemons.slice(0, 2)) await ok(['peers', 'connect', d.addrs[0]], { repo: repos[2].repo })
    await ok(['peers', 'connect', daemons[0].addrs[0]], { repo: b.repo })
  })
  afterAll(async () => {
    for (const d of daemons) await d.stop()
    for (const r of repos) await r.cleanup()
  })

  it('books + sales runs on B (111 kB held) rather than A (9 kB); books + points on A, which holds both', async () => {
    const sha = join(PROJECT, 'wasm-jobs', 'sha256sum.wasm')
    const c = repos[2].repo
    const one = JSON.parse((await ok(['run', sha, '--input', `${cids.books}:/inputs/books`, '--input', `${cids.sales}:/inputs/sales.csv`, '--on', 'auto', '--json'], { repo: c })).stdout)
    expect(one.executor).toBe(daemons[1].peerId)
    const two = JSON.parse((await ok(['run', sha, '--input', `${cids.books}:/inputs/books`, '--input', `${cids.points}:/inputs/points.csv`, '--on', 'auto', '--json'], { repo: c })).stdout)
    expect(two.executor).toBe(daemons[0].peerId)
  })

  it('a wrong executor setting in config.json stops the daemon at start with one line', async () => {
    const t = await tempRepo()
    try {
      const file = join(t.repo, 'config.json')
      await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, 'utf8')), executor: { maxFuel: 'lots' } }))
      const r = await dcx(['daemon'], { repo: t.repo })
      expect(r.code).toBe(1)
      expect(errorLine(r)).toBe('Error: config.json: executor.maxFuel must be a number >= 0, not "lots"')
      await ok(['repo', 'verify'], { repo: t.repo })
    } finally {
      await t.cleanup()
    }
  })
})

import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dcx, errorLine, FIXTURES, ok, PROJECT, tempRepo } from './helpers/cli.js'
import { lsLinks } from './helpers/kubo.js'

// `dcx run --map` without a daemon: every shard here, in parallel. The
// examples are checked against independent computations over the whole
// dataset; bad input leaves the repo as it was.

const JOBS = join(PROJECT, 'wasm-jobs')
const WAT = join(PROJECT, 'test', 'wasm', 'wat')
const BOOKS = join(FIXTURES, 'books')

/** `wc`'s "lines words bytes" total over the files under a folder */
function coreutilsWc (dir: string): string {
  const files = execFileSync('find', [dir, '-type', 'f'], { encoding: 'utf8' }).trim().split('\n')
  const last = execFileSync('wc', files, { encoding: 'utf8' }).trim().split('\n').pop()!
  const [lines, words, bytes] = last.trim().split(/\s+/)
  return `${lines} ${words} ${bytes} total`
}

describe('run --map here (no daemon)', () => {
  let t: Awaited<ReturnType<typeof tempRepo>>
  let books: string
  const add = async (path: string): Promise<string> => (await ok(['add', '-r', '-Q', path], { repo: t.repo })).stdout.trim()
  // what a failed run must leave as it was: blocks, pins, receipts
  const state = async (): Promise<string> => (await Promise.all([['repo', 'stat', '--json'], ['pin', 'ls'], ['receipt', 'ls']].map(async a => (await ok(a, { repo: t.repo })).stdout))).join('\n')

  beforeAll(async () => {
    t = await tempRepo()
    books = await add(BOOKS)
  })
  afterAll(async () => { await t?.cleanup() })

  it('word count over the shards of fixtures/books equals coreutils wc over it; a re-run is cached', async () => {
    const r = await ok(['run', join(JOBS, 'wcmap.wasm'), '--input', books, '--map', '--reduce', join(JOBS, 'wcreduce.wasm'), '--json'], { repo: t.repo })
    const json = JSON.parse(r.stdout)
    expect(json.reduce.stdout).toBe(coreutilsWc(BOOKS) + '\n')
    expect(json.shards.map((s: any) => s.name)).toEqual(readdirSync(BOOKS).sort())
    expect(json).toMatchObject({ status: 'exit', failed: [], cached: false })
    expect(json.output).toBe(json.reduce.output)
    expect((await ok(['cat', `${json.output}/outputs/wc.txt`], { repo: t.repo })).stdout).toBe(json.reduce.stdout)
    // each shard's result is an entry of the map's directory, named as the input's
    const mapDir = lsLinks((await ok(['ls', `${json.shards[0].output}`, '--json'], { repo: t.repo })).stdout).map(e => e.name)
    expect(mapDir).toEqual(expect.arrayContaining(['outputs', 'stdout', 'stderr', 'exitCode']))
    expect((await ok(['cat', `${json.shards[0].output}/stdout`], { repo: t.repo })).stdout).toMatch(new RegExp(` ${json.shards[0].name}\n$`))
    const again = JSON.parse((await ok(['run', join(JOBS, 'wcmap.wasm'), '--input', books, '--map', '--reduce', join(JOBS, 'wcreduce.wasm'), '--json'], { repo: t.repo })).stdout)
    expect(again).toMatchObject({ cached: true, receipt: json.receipt, output: json.output })
    const v = await ok(['verify', json.receipt, '--json'], { repo: t.repo })
    expect(JSON.parse(v.stdout)).toMatchObject({ verified: true })
  })

  it('group-by: per-shard partial aggregates merged by the reduce equal one pass over the whole CSV', async () => {
    const [header, ...rows] = readFileSync(join(FIXTURES, 'sales.csv'), 'utf8').trim().split('\n')
    const dir = join(t.dir, 'sales')
    mkdirSync(dir)
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, `part-${i}.csv`), [header, ...rows.filter((_, j) => j % 4 === i)].join('\n') + '\n')
    const input = await add(dir)
    const r = await ok(['run', join(JOBS, 'gbmap.wasm'), '--input', input, '--map', '--reduce', join(JOBS, 'gbreduce.wasm'), '--reduce-arg', 'region', '--json', '--', 'region', 'amount'], { repo: t.repo })
    const json = JSON.parse(r.stdout)
    const groups = new Map<string, number[]>()
    for (const row of rows.map(l => l.split(','))) groups.set(row[0], [...(groups.get(row[0]) ?? []), Math.round(Number(row[3]) * 100)])
    const money = (c: number): string => `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`
    const table = ['region,count,sum,min,max,mean']
    for (const key of [...groups.keys()].sort()) {
      const v = groups.get(key)!
      const sum = v.reduce((a, b) => a + b, 0)
      table.push(`${key},${v.length},${money(sum)},${money(Math.min(...v))},${money(Math.max(...v))},${money(Math.floor((2 * sum + v.length) / (2 * v.length)))}`)
    }
    expect(json.shards).toHaveLength(4)
    expect(json.reduce.stdout).toBe(table.join('\n') + '\n')
  })

  it('a shard that traps or runs out of fuel is a result: exit 9, --json lists the failed shards, no reduce', async () => {
    const trap = await dcx(['run', join(WAT, 'divzero.wasm'), '--input', books, '--map', '--reduce', join(JOBS, 'wcreduce.wasm'), '--json'], { repo: t.repo })
    expect(trap.code, trap.stderr).toBe(9)
    const json = JSON.parse(trap.stdout)
    expect(json).toMatchObject({ status: 'shards-failed', reduce: null })
    expect(json.failed).toHaveLength(4)
    expect(json.shards.every((s: any) => s.status === 'trap')).toBe(true)
    const fuel = await dcx(['run', join(WAT, 'spin.wasm'), '--input', books, '--map', '--fuel', '100000'], { repo: t.repo })
    expect(fuel.code).toBe(9)
    expect(fuel.stdout).toMatch(/^failed {3}.*\(out-of-fuel\)/m)
    expect(fuel.stderr).toMatch(/did not exit 0/)
  })

  it('bad input: one line, exit 1, nothing written', async () => {
    const before = await state()
    const file = lsLinks((await ok(['ls', books, '--json'], { repo: t.repo })).stdout).find(e => e.type !== 1)!.cid
    mkdirSync(join(t.dir, 'empty'))
    const empty = (await ok(['add', '-r', '-Q', '--only-hash', join(t.dir, 'empty')], { repo: t.repo })).stdout.trim()
    // an empty directory is one block: put it here without a pin
    await ok(['add', '-r', '-Q', join(t.dir, 'empty')], { repo: t.repo })
    await ok(['pin', 'rm', empty], { repo: t.repo })
    const base = await state()
    const cases: Array<[string[], RegExp]> = [
      [['--input', file], /--map needs a directory as its input.*is a file/],
      [['--input', empty], /is an empty directory: a map run needs at least one shard/],
      [['--input', books, '--reduce', join(WAT, 'env-import.wasm')], /^Error: module rejected: env.foo is not available to jobs/],
      [['--input', books, '--input', books], /--map takes exactly one --input/],
      [['--input', `${books}:/data`], /--map takes exactly one --input/]
    ]
    for (const [args, message] of cases) {
      const r = await dcx(['run', join(JOBS, 'wcmap.wasm'), '--map', ...args], { repo: t.repo })
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1)
      expect(errorLine(r)).toMatch(message)
      expect(await state()).toBe(base)
    }
    expect(before).not.toBe('')
  })
})

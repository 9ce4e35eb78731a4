import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { dcx, errorLine, ok, tempRepo } from '../helpers/cli.js'
import { DagBuilder, HOSTILE_NAMES, PROTO_NAME, deepChain, fanOut, fanOutEntries, importDag, lyingFile, namedEntry, repeatedNames, wideFile } from '../helpers/hostile-dags.js'
import type { BuiltDag, RepeatedKind } from '../helpers/hostile-dags.js'
import type { RunResult } from '../helpers/cli.js'

let repo: string
let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => {
  ({ repo, dir, cleanup } = await tempRepo())
})
afterAll(async () => cleanup())
afterEach(async () => {
  expect((await ok(['repo', 'verify'], { repo })).stdout).toBe('verified repo integrity\n')
}, 60_000)

/** A fresh, empty folder to get into: after a refusal it must still be empty (no -o, no temporary tree) */
async function caseDir (): Promise<string> {
  return mkdtemp(join(dir, 'case-'))
}

async function getInto (dag: BuiltDag, extra: string[] = [], env?: NodeJS.ProcessEnv, into = repo): Promise<{ r: RunResult, parent: string, out: string, ms: number }> {
  const root = await importDag(dag, dir, into)
  const parent = await caseDir()
  const out = join(parent, 'out')
  const started = Date.now()
  const r = await dcx(['get', root, '-o', out, ...extra], { repo: into, env })
  return { r, parent, out, ms: Date.now() - started }
}

/** Exit 1, one line matching `pattern`, nothing left next to -o */
async function refused (got: { r: RunResult, parent: string }, pattern: RegExp): Promise<void> {
  expect(got.r.code, got.r.stderr).toBe(1)
  expect(errorLine(got.r)).toMatch(pattern)
  expect(got.r.stdout).toBe('')
  expect(await readdir(got.parent)).toEqual([])
}

describe('get refuses a directory that lists one name twice', () => {
  const kinds: RepeatedKind[] = ['symlink-then-file', 'file-then-file', 'symlink-then-dir']
  for (const kind of kinds) {
    it(`${kind}: exit 1 naming the entry, the link's target untouched, nothing at -o`, async () => {
      const sentinelDir = join(dir, `sentinel-${kind}`)
      await mkdir(sentinelDir)
      const sentinel = join(sentinelDir, 'precious.txt')
      await writeFile(sentinel, 'precious\n')
      // the symlink points at the sentinel file, or for a directory after it, at the folder holding it
      const target = kind === 'symlink-then-dir' ? sentinelDir : sentinel
      const got = await getInto(await repeatedNames(kind, target))
      await refused(got, /^Error: directory \S+ lists the name "x" twice: the DAG is malformed or hostile/)
      expect(await readFile(sentinel, 'utf8')).toBe('precious\n')
      expect(await readdir(sentinelDir)).toEqual(['precious.txt'])
    })
  }

  it('across the shards of one HAMT directory', async () => {
    const b = new DagBuilder()
    const one = await b.raw('one\n')
    const shard = await b.hamtShard([{ name: '05x', cid: await b.raw('two\n') }])
    const root = await b.hamtShard([{ name: '00x', cid: one }, { name: '01', cid: shard }])
    await refused(await getInto(b.build(root)), /lists the name "x" twice/)
  })

  it('a HAMT that reaches one shard twice (an empty one, so no name repeats)', async () => {
    const b = new DagBuilder()
    const empty = await b.hamtShard([])
    const root = await b.hamtShard([{ name: '00', cid: empty }, { name: '01', cid: empty }, { name: '02f', cid: await b.raw('f\n') }])
    await refused(await getInto(b.build(root)), /reaches the shard \S+ twice/)
  })
})

describe('get refuses names no file system can hold safely', () => {
  for (const [what, name] of Object.entries(HOSTILE_NAMES)) {
    it(`a name that is ${what} (${JSON.stringify(name.slice(0, 20))}): exit 1, one line naming it, no trace`, async () => {
      const got = await getInto(await namedEntry(name))
      await refused(got, /^Error: directory \S+ holds an entry named ".*", which .*: the DAG is malformed or hostile/)
      expect(errorLine(got.r)).toContain(JSON.stringify(name))
    })
  }

  it('the same names inside a HAMT shard', async () => {
    const b = new DagBuilder()
    const root = await b.hamtShard([{ name: '00..', cid: await b.raw('up\n') }])
    await refused(await getInto(b.build(root)), /holds an entry named "\.\.", which refers to a directory itself/)
  })

  it(`${PROTO_NAME} is a name like any other and is written`, async () => {
    const got = await getInto(await namedEntry(PROTO_NAME, 'proto\n'))
    expect(got.r.code, got.r.stderr).toBe(0)
    expect(await readFile(join(got.out, PROTO_NAME), 'utf8')).toBe('proto\n')
  })
})

describe('get counts the tree first, by distinct blocks', () => {
  it('refuses 41 blocks that unfold to 2^41 - 1 entries in well under 5 s, in a 32 MiB heap, before writing anything', async () => {
    const got = await getInto(await fanOut(40), [], { NODE_OPTIONS: '--max-old-space-size=32' })
    await refused(got, new RegExp(`holds ${fanOutEntries(40).entries} entries .*more than the limit of 1000000: nothing was written; .*--max-entries`))
    expect(got.ms).toBeLessThan(5000)
  })

  it('writes a 2^10 fan-out below the limit in full, with the right count', async () => {
    const got = await getInto(await fanOut(10, 'leaf\n'))
    expect(got.r.code, got.r.stderr).toBe(0)
    const { files } = fanOutEntries(10)
    expect(got.r.stdout).toMatch(new RegExp(`^saved \\S+ to \\S+ \\(${files} files, ${files * 5} bytes\\)\n$`))
    let found = 0
    let dirs = 0
    const stack = [got.out]
    while (stack.length > 0) {
      const p = stack.pop() as string
      if ((await lstat(p)).isDirectory()) {
        dirs++
        expect((await readdir(p)).sort()).toEqual(['a', 'b'])
        for (const n of await readdir(p)) stack.push(join(p, n))
      } else {
        found++
        expect(await readFile(p, 'utf8')).toBe('leaf\n')
      }
    }
    expect(found).toBe(files)
    expect(dirs).toBe(fanOutEntries(10).directories)
  })

  it('--max-entries lowers and raises the limit', async () => {
    const dag = await fanOut(6)
    await refused(await getInto(dag, ['--max-entries', '100']), /holds 127 entries .*more than the limit of 100/)
    const got = await getInto(dag, ['--max-entries', '127'])
    expect(got.r.code, got.r.stderr).toBe(0)
  })

  it('refuses a tree with more bytes than the target file system has free', async () => {
    // 2^30 names for one 1 MiB file: a pebibyte, in 31 blocks
    const got = await getInto(await fanOut(30, new Uint8Array(1024 * 1024)), ['--max-entries', '3000000000'])
    await refused(got, /holds 1125899906842624 bytes in 2147483647 entries, more than the \d+ bytes free at /)
  })

  it('refuses a file whose nodes declare sizes they do not hold (2^40 nodes for 2 bytes) at once', async () => {
    const got = await getInto(await lyingFile(40))
    await refused(got, /is a file whose blocks do not hold the sizes it declares/)
    expect(got.ms).toBeLessThan(5000)
  })

  it('reads a file node with 200000 links without overflowing the stack', async () => {
    const got = await getInto(await wideFile(200_000))
    expect(got.r.code, got.r.stderr).toBe(0)
    expect(await readFile(got.out, 'utf8')).toBe('A'.repeat(200_000))
  })

  it('writes a chain that fits', async () => {
    const got = await getInto(await deepChain(200))
    expect(got.r.code, got.r.stderr).toBe(0)
    expect(await readFile(join(got.out, ...Array(199).fill('d'), 'f'), 'utf8')).toBe('bottom\n')
  })

  it('refuses a 20000-deep chain with a clear message, never 70, no stack overflow', async () => {
    // a repo of its own: its 20000 blocks would slow every later repo verify
    const own = await tempRepo()
    try {
      const got = await getInto(await deepChain(20000), [], undefined, own.repo)
      await refused(got, /is nested too deeply to save: its paths would reach at least \d+ bytes, and the OS allows 4095/)
      expect(got.r.stderr).not.toMatch(/call stack|unexpected error/)
      expect((await ok(['repo', 'verify'], { repo: own.repo })).stdout).toBe('verified repo integrity\n')
    } finally {
      await own.cleanup()
    }
  })
})

describe('get turns OS errors into one line, never 70', () => {
  it('-o below a file', async () => {
    const parent = await caseDir()
    await writeFile(join(parent, 'file'), 'a file\n')
    const root = await importDag(await namedEntry('a'), dir, repo)
    const r = await dcx(['get', root, '-o', join(parent, 'file', 'out')], { repo })
    expect(r.code, r.stderr).toBe(1)
    expect(errorLine(r)).toMatch(/^Error: cannot write \S+\/file\/out: a part of the path is not a directory \(ENOTDIR\)/)
  })

  it.skipIf(process.getuid?.() === 0)('-o in a folder that cannot be written', async () => {
    const parent = await caseDir()
    await chmod(parent, 0o555)
    const root = await importDag(await namedEntry('a'), dir, repo)
    const r = await dcx(['get', root, '-o', join(parent, 'out')], { repo })
    await chmod(parent, 0o755)
    expect(r.code, r.stderr).toBe(1)
    expect(errorLine(r)).toMatch(/cannot write \S+: permission denied \(EACCES\)/)
    expect(await readdir(parent)).toEqual([])
  })
})

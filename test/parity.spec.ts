import { cp, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dcx, FIXTURES, ok, PROJECT, tempDir } from './helpers/cli.js'
import { startDaemon } from './helpers/daemon.js'
import type { RunningDaemon } from './helpers/daemon.js'
import type { RunResult } from './helpers/cli.js'

/*
 * One set of CLI cases, run twice: on a repo opened directly, and on a copy
 * of it (same identity) through a running daemon. Every case must print the
 * same stdout and stderr, the same --json and exit with the same code; only
 * what differs by nature is masked: the repo's path, times, and receipt CIDs
 * and signatures (a receipt signs the time it was made). Left out, because
 * they differ by design: a CID no peer has (offline it fails at once; through
 * the daemon it is searched for) and `id` (the daemon adds its addresses).
 */

const JOBS = join(PROJECT, 'wasm-jobs')
const WAT = join(PROJECT, 'test', 'wasm', 'wat')
const BOOKS = 'bafybeigmete7wwhc4ws3dennxak77prt6qpztzsubdou57rr2kajpdpzmi'
const RIVER = 'bafkreiaqndiconrnjv3r3w5kwkdnyslansswgsowmdzlmsswpnowz7bgky'
const WC_JOB = 'job-of-wordcount'

interface Case {
  name: string
  args: string[]
  /** Run in the mode's own scratch folder (outputs written relative to it) */
  inScratch?: boolean
  /**
   * Compare the lines in sorted order: the list is in CID order, and receipt
   * CIDs (masked) differ by nature, so their places in it do too
   */
  sortLines?: boolean
}

/** The cases, in order: later ones use what earlier ones made */
const CASES: Case[] = [
  { name: 'add -r', args: ['add', '-r', join(FIXTURES, 'books')] },
  { name: 'add --json', args: ['add', '--json', join(FIXTURES, 'sales.csv')] },
  { name: 'add -Q --cid-version 0', args: ['add', '-Q', '--cid-version', '0', join(FIXTURES, 'books', 'river.txt')] },
  { name: 'add -n (nothing written)', args: ['add', '-n', '-r', join(FIXTURES, 'books')] },
  { name: 'cat', args: ['cat', `${BOOKS}/river.txt`] },
  { name: 'cat --offset --length', args: ['cat', `${BOOKS}/river.txt`, '--offset', '5', '--length', '20'] },
  { name: 'cat --json', args: ['cat', RIVER, '--json'] },
  { name: 'ls', args: ['ls', BOOKS] },
  { name: 'ls --json', args: ['ls', `${BOOKS}/poems`, '--json'] },
  { name: 'get', args: ['get', BOOKS, '-o', 'books-copy'], inScratch: true },
  { name: 'get --json of a file', args: ['get', `${BOOKS}/river.txt`, '-o', 'river.txt', '--json'], inScratch: true },
  { name: 'pin add --no-recursive', args: ['pin', 'add', '--no-recursive', RIVER] },
  { name: 'pin ls', args: ['pin', 'ls'] },
  { name: 'pin ls --json', args: ['pin', 'ls', '--type', 'recursive', '--json'] },
  { name: 'pin rm', args: ['pin', 'rm', RIVER] },
  { name: 'pin verify', args: ['pin', 'verify'] },
  { name: 'dag export -o', args: ['dag', 'export', BOOKS, '-o', 'books.car'], inScratch: true },
  { name: 'dag import', args: ['dag', 'import', join(FIXTURES, 'car', 'dir-with-files.car')] },
  { name: 'dag put', args: ['dag', 'put', join(FIXTURES, 'dag-node.json')] },
  { name: 'dag put --store-codec dag-json --pin --json', args: ['dag', 'put', '--store-codec', 'dag-json', '--pin', '--json', join(FIXTURES, 'dag-node.json')] },
  { name: 'block put', args: ['block', 'put', join(FIXTURES, 'points.csv')] },
  { name: 'block put --cid-codec dag-json --json', args: ['block', 'put', '--cid-codec', 'dag-json', '--json', join(FIXTURES, 'dag-node.json')] },
  { name: 'bad: block put of bytes that are not dag-cbor', args: ['block', 'put', '--cid-codec', 'dag-cbor', join(FIXTURES, 'points.csv')] },
  { name: 'bad: dag put of a file that is not dag-json', args: ['dag', 'put', join(FIXTURES, 'points.csv')] },
  { name: 'dag import of an incomplete DAG', args: ['dag', 'import', join(FIXTURES, 'car', 'file-3k-and-3-blocks-missing-block.car')] },
  { name: 'dag import --json', args: ['dag', 'import', '--json', join(FIXTURES, 'car', 'symlink.car')] },
  { name: 'run', args: ['run', join(JOBS, 'wordcount.wasm'), '--input', BOOKS, '--json'] },
  { name: 'run again: a cache hit', args: ['run', join(JOBS, 'wordcount.wasm'), '--input', BOOKS] },
  { name: 'run --force', args: ['run', join(JOBS, 'wordcount.wasm'), '--input', BOOKS, '--force', '--json'] },
  { name: 'run: the job exits non-zero (3)', args: ['run', join(JOBS, 'grep.wasm'), '--input', BOOKS, '--', 'no such words here'] },
  { name: 'run: out of fuel (4)', args: ['run', join(JOBS, 'wordcount.wasm'), '--input', BOOKS, '--fuel', '100000', '--json'] },
  { name: 'run: call stack exhausted (5)', args: ['run', join(WAT, 'recurse.wasm'), '--json'] },
  { name: 'run: a trap (6)', args: ['run', join(WAT, 'divzero.wasm'), '--json'] },
  { name: 'run: the wall-clock timeout (7)', args: ['run', join(WAT, 'spin.wasm'), '--timeout', '1s'] },
  { name: 'run --map --reduce (every shard here)', args: ['run', join(JOBS, 'wcmap.wasm'), '--input', BOOKS, '--map', '--on', 'local', '--reduce', join(JOBS, 'wcreduce.wasm'), '--json'] },
  { name: 'job show of a map run', args: ['job', 'show', 'map-run:job'] },
  { name: 'job show --json of a map run\'s receipt', args: ['job', 'show', 'map-run:receipt', '--json'] },
  { name: 'run --map: shards that trap (9)', args: ['run', join(WAT, 'divzero.wasm'), '--input', BOOKS, '--map', '--on', 'local', '--json'] },
  { name: 'bad: run --map over a file', args: ['run', join(JOBS, 'wcmap.wasm'), '--input', RIVER, '--map', '--on', 'local'] },
  { name: 'verify a receipt', args: ['verify', `${WC_JOB}:receipt`] },
  { name: 'verify --json', args: ['verify', `${WC_JOB}:receipt`, '--json'] },
  { name: 'verify an output against its job', args: ['verify', `${WC_JOB}:output`, '--job', `${WC_JOB}:job`] },
  { name: 'receipt ls', args: ['receipt', 'ls'] },
  { name: 'receipt show', args: ['receipt', 'show', `${WC_JOB}:receipt`] },
  { name: 'receipt export', args: ['receipt', 'export', `${WC_JOB}:receipt`, '-o', 'bundle.car'], inScratch: true },
  { name: 'verify a bundle', args: ['verify', 'bundle.car'], inScratch: true },
  { name: 'job show', args: ['job', 'show', `${WC_JOB}:job`] },
  { name: 'job show --json of a receipt', args: ['job', 'show', `${WC_JOB}:receipt`, '--json'] },
  { name: 'job show --file', args: ['job', 'show', `${WC_JOB}:job`, '--file'] },
  { name: 'job ls', args: ['job', 'ls'] },
  { name: 'job ls --json --status failed', args: ['job', 'ls', '--json', '--status', 'failed'] },
  { name: 'dag get of a job spec', args: ['dag', 'get', `${WC_JOB}:job`] },
  { name: 'dag get of a directory', args: ['dag', 'get', BOOKS] },
  { name: 'bad: cat of a job spec', args: ['cat', `${WC_JOB}:job`] },
  { name: 'bad: ls of a receipt', args: ['ls', `${WC_JOB}:receipt`] },
  { name: 'pin add --name', args: ['pin', 'add', '--name', 'the books', BOOKS] },
  { name: 'pin ls with names', args: ['pin', 'ls'], sortLines: true },
  { name: 'pin ls --size', args: ['pin', 'ls', '--size'], sortLines: true },
  { name: 'pin ls --size --json', args: ['pin', 'ls', '--size', '--name', 'the books', '--json'] },
  { name: 'job rm', args: ['job', 'rm', `${WC_JOB}:job`], sortLines: true },
  { name: 'repo stat', args: ['repo', 'stat'] },
  { name: 'repo verify', args: ['repo', 'verify'] },
  { name: 'repo gc', args: ['repo', 'gc', '--json'], sortLines: true },
  { name: 'config get', args: ['config', 'mdns'] },
  { name: 'config get --json', args: ['config', 'Peering', '--json'] },
  { name: 'config set', args: ['config', 'Gateway.RetrievalTimeout', '40s'] },
  { name: 'config set --json', args: ['config', '--json', 'bootstrap', '[]'] },
  { name: 'config show', args: ['config', 'show'] },
  { name: 'bad: config of a key not set', args: ['config', 'Gateway.Nope'] },
  { name: 'bad: config of the private key', args: ['config', 'Identity.PrivKey'] },
  { name: 'bad: config of a value the key does not take', args: ['config', '--bool', 'mdns', 'maybe'] },
  // the bad inputs of test/bad-input.spec.ts
  { name: 'bad: a wrong CID to cat', args: ['cat', 'bafyNOTACID'] },
  { name: 'bad: a wrong CID to pin add', args: ['pin', 'add', 'hello'] },
  { name: 'bad: a wrong CID to dag export', args: ['dag', 'export', 'x'] },
  { name: 'bad: a missing local path', args: ['add', '/nonexistent/dcx/nope.txt'] },
  { name: 'bad: a path not inside a CID', args: ['cat', `${BOOKS}/no/such/file.txt`] },
  { name: 'bad: a path below a file', args: ['ls', `${BOOKS}/river.txt/deeper`] },
  { name: 'bad: cat of a directory', args: ['cat', BOOKS] },
  { name: 'bad: a CAR file that does not exist', args: ['dag', 'import', '/nonexistent/dcx/missing.car'] },
  { name: 'bad: an unknown flag', args: ['add', '--frobnicate', 'x'] },
  { name: 'bad: an unsupported chunker', args: ['add', '--chunker', 'rabin', join(FIXTURES, 'books', 'river.txt')] },
  { name: 'bad: a flag value out of range', args: ['add', '--cid-version', '7', join(FIXTURES, 'books', 'river.txt')] },
  { name: 'bad: --json errors', args: ['pin', 'add', 'nope', '--json'] },
  { name: 'bad: a module that is not one', args: ['run', join(WAT, 'env-import.wasm')] },
  { name: 'bad: a receipt CID that is not a receipt', args: ['verify', BOOKS] },
  { name: 'bad: dag export --json without -o', args: ['dag', 'export', BOOKS, '--json'] },
  { name: 'bad: unpin what is not pinned', args: ['pin', 'rm', RIVER] }
]

interface Mode {
  name: string
  repo: string
  scratch: string
  results: Map<string, RunResult>
  /** Receipt CIDs in the order they appeared, for masking */
  receipts: string[]
  wordcount?: { job: string, output: string, receipt: string }
  map?: { job: string, receipt: string }
}

/** `job-of-wordcount:receipt` and the like, replaced by what the mode's first word-count run gave (`map-run:`: its map run) */
function substitute (args: string[], mode: Mode): string[] {
  return args.map(a => {
    const map = /^map-run:(job|receipt)$/.exec(a)
    if (map !== null) return mode.map![map[1] as 'job' | 'receipt']
    const m = /^job-of-wordcount:(job|output|receipt)$/.exec(a)
    return m === null ? a : mode.wordcount![m[1] as 'job' | 'output' | 'receipt']
  })
}

/** Output with what differs by nature masked */
function normalize (text: string, mode: Mode, sortLines = false): string {
  let out = text.replaceAll(mode.repo, '<repo>').replaceAll(mode.scratch, '<scratch>')
  mode.receipts.forEach((cid, i) => {
    // gc names removed blocks by multihash, as raw CIDs
    out = out.replaceAll(cid, `<receipt ${i}>`).replaceAll(CID.createV1(0x55, CID.parse(cid).multihash).toString(), `<receipt ${i}>`)
  })
  if (sortLines) out = out.split('\n').map(l => l.replace(/,$/, '')).sort().join('\n')
  return out
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/^time {5}\d+\.\d\d s$/gm, 'time     <seconds>')
    .replace(/"durationMs": [\d.]+/g, '"durationMs": <ms>')
    .replace(/ {2}\d+\.\d\ds {2}/g, '  <seconds>  ')
    // a receipt signs its time: the signature differs with it
    .replace(/^signature [\w+/=]+$/gm, 'signature <signature>')
    .replace(/"signature": "[\w+/=]+"/g, '"signature": "<signature>"')
}

async function runAll (mode: Mode): Promise<void> {
  for (const c of CASES) {
    const r = await dcx(substitute(c.args, mode), { repo: mode.repo, cwd: c.inScratch === true ? mode.scratch : undefined })
    mode.results.set(c.name, r)
    for (const m of r.stdout.matchAll(/"receipt": "(\w+)"|^receipt {2}(\w+)$/gm)) {
      const cid = m[1] ?? m[2]
      if (!mode.receipts.includes(cid)) mode.receipts.push(cid)
    }
    if (c.name === 'run') {
      const j = JSON.parse(r.stdout)
      mode.wordcount = { job: j.job, output: j.output, receipt: j.receipt }
    }
    if (c.name === 'run --map --reduce (every shard here)') {
      const j = JSON.parse(r.stdout)
      mode.map = { job: j.job, receipt: j.receipt }
    }
  }
}

describe('every command gives the same output, --json and exit code with a daemon as without', () => {
  let cleanup: () => Promise<void>
  let daemon: RunningDaemon
  const modes: Mode[] = []

  beforeAll(async () => {
    const t = await tempDir()
    cleanup = t.cleanup
    const offline = join(t.path, 'offline')
    const online = join(t.path, 'online')
    await ok(['init', '--repo', offline])
    // the same repo, identity included: only the daemon differs
    await cp(offline, online, { recursive: true })
    for (const [name, repo] of [['offline', offline], ['online', online]]) {
      const scratch = join(t.path, `${name}-scratch`)
      await mkdir(scratch)
      modes.push({ name, repo, scratch, results: new Map(), receipts: [] })
    }
    daemon = await startDaemon(online)
    await Promise.all(modes.map(runAll))
  }, 600_000)

  afterAll(async () => {
    await daemon?.stop()
    await cleanup?.()
  })

  for (const c of CASES) {
    it(c.name, () => {
      const [a, b] = modes.map(m => m.results.get(c.name)!)
      expect({ code: b.code, stdout: normalize(b.stdout, modes[1], c.sortLines), stderr: normalize(b.stderr, modes[1]) })
        .toEqual({ code: a.code, stdout: normalize(a.stdout, modes[0], c.sortLines), stderr: normalize(a.stderr, modes[0]) })
    })
  }

  it('ran every case through the daemon, not beside it', () => {
    expect(daemon.output()).toMatch(/^ready$/m)
    // the daemon's repo has a receipt for the word count: it ran it
    expect(modes[1].wordcount?.receipt).toMatch(/^bafyrei/)
  })
})

import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as dagCbor from '@ipld/dag-cbor'
import { CarWriter } from '@ipld/car/writer'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dcx, errorLine, FIXTURES, ok, PROJECT, tempRepo } from './helpers/cli.js'

const JOBS = join(PROJECT, 'wasm-jobs')
const json = (s: string): any => JSON.parse(s)

/** A CAR holding one dag-cbor block, as a user with a forged record would make */
async function carWith (path: string, value: unknown): Promise<CID> {
  const bytes = dagCbor.encode(value)
  const cid = CID.createV1(dagCbor.code, await sha256.digest(bytes))
  const { writer, out } = CarWriter.create([cid])
  const chunks: Uint8Array[] = []
  const collecting = (async () => { for await (const c of out) chunks.push(c) })()
  await writer.put({ cid, bytes })
  await writer.close()
  await collecting
  await writeFile(path, Buffer.concat(chunks))
  return cid
}

describe('dcx run and dcx verify', () => {
  let a: Awaited<ReturnType<typeof tempRepo>>
  let b: Awaited<ReturnType<typeof tempRepo>>
  let books: string
  let first: any

  beforeAll(async () => {
    a = await tempRepo()
    b = await tempRepo()
    books = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: a.repo })).stdout.trim()
    first = json((await ok(['run', join(JOBS, 'wordcount.wasm'), '--input', books, '--json'], { repo: a.repo })).stdout)
  })
  afterAll(async () => { await a.cleanup(); await b.cleanup() })

  it('runs a job: job, output and receipt CIDs, status, fuel; the output holds outputs/, stdout, stderr, exitCode', async () => {
    expect(first).toMatchObject({ status: 'exit', exitCode: 0, cached: false })
    expect(first.fuel).toBeGreaterThan(0)
    for (const k of ['job', 'output', 'receipt']) expect(() => CID.parse(first[k])).not.toThrow()
    const ls = (await ok(['ls', first.output], { repo: a.repo })).stdout
    expect(ls.split('\n').map(l => l.split(/\s+/).at(-1)).filter(Boolean)).toEqual(['exitCode', 'outputs/', 'stderr', 'stdout'])
    expect((await ok(['cat', `${first.output}/exitCode`], { repo: a.repo })).stdout).toBe('0\n')
    expect((await ok(['cat', `${first.output}/stdout`], { repo: a.repo })).stdout).toBe(first.stdout)
    const pins = (await ok(['pin', 'ls'], { repo: a.repo })).stdout
    for (const cid of [first.job, first.output, first.receipt]) expect(pins).toContain(cid)
  })

  it('prints job, status, fuel, time, output and receipt, then the job\'s stdout', async () => {
    const r = await ok(['run', join(JOBS, 'wordcount.wasm'), '--input', books, '--force'], { repo: a.repo })
    const lines = r.stdout.split('\n')
    expect(lines.slice(0, 6).map(l => l.split(/\s+/)[0])).toEqual(['job', 'status', 'fuel', 'time', 'output', 'receipt'])
    expect(lines[1]).toBe('status   exit 0')
    expect(r.stdout.endsWith(first.stdout)).toBe(true)
  })

  it('returns the stored receipt for the same job at once, and says so', async () => {
    const again = json((await ok(['run', join(JOBS, 'wordcount.wasm'), '--input', books, '--json'], { repo: a.repo })).stdout)
    expect(again).toMatchObject({ cached: true, job: first.job, output: first.output, fuel: first.fuel, stdout: first.stdout })
    const human = await ok(['run', join(JOBS, 'wordcount.wasm'), '--input', books], { repo: a.repo })
    expect(human.stdout).toMatch(/^time {5}cached: ran .* \(--force re-runs\)$/m)
  })

  it('--force re-runs and gets the same output CID and fuel', async () => {
    const forced = json((await ok(['run', join(JOBS, 'wordcount.wasm'), '--input', books, '--force', '--json'], { repo: a.repo })).stdout)
    expect(forced.cached).toBe(false)
    expect([forced.job, forced.output, forced.fuel]).toEqual([first.job, first.output, first.fuel])
    expect(forced.receipt).not.toBe(first.receipt) // a new time and signature
  })

  it('a different seed, env or argument is a different job', async () => {
    const seeded = json((await ok(['run', join(JOBS, 'wordcount.wasm'), '--input', books, '--seed', '01', '--json'], { repo: a.repo })).stdout)
    expect(seeded.job).not.toBe(first.job)
    expect(seeded.output).toBe(first.output) // wordcount does not read random bytes
  })

  it('verifies a receipt by re-running it, and in a second repo through an exported bundle', async () => {
    const v = await ok(['verify', first.receipt, '--json'], { repo: a.repo })
    expect(json(v.stdout)).toMatchObject({ verified: true, job: first.job, receipt: first.receipt, differences: [] })
    const bundle = join(a.dir, 'bundle.car')
    await ok(['receipt', 'export', first.receipt, '-o', bundle], { repo: a.repo })
    const offline = await dcx(['verify', bundle], { repo: b.repo })
    expect(offline.code).toBe(0)
    expect(offline.stdout).toMatch(/^verified: re-run matches/)
  })

  it('rejects a receipt whose output CID was changed (bad signature), exit 1', async () => {
    const receipt = json((await ok(['receipt', 'show', first.receipt, '--json'], { repo: a.repo })).stdout)
    const other = json((await ok(['run', join(JOBS, 'sha256sum.wasm'), '--input', books, '--json'], { repo: a.repo })).stdout)
    const forged = {
      type: 'dcx/receipt', version: 1, job: CID.parse(receipt.job), output: CID.parse(other.output), status: 'exit', exitCode: 0, trap: null,
      fuel: receipt.fuel, runtime: receipt.runtime, executor: receipt.executor, time: receipt.time, signature: Buffer.from(receipt.signature, 'base64')
    }
    const cid = await carWith(join(a.dir, 'forged.car'), forged)
    await ok(['dag', 'import', join(a.dir, 'forged.car')], { repo: a.repo })
    const r = await dcx(['verify', cid.toString(), '--json'], { repo: a.repo })
    expect(r.code).toBe(1)
    expect(json(r.stdout)).toMatchObject({ verified: false })
    expect(json(r.stdout).reason).toMatch(/^bad signature/)
  })

  it('rejects a validly signed receipt by another key over a false result, naming the files that differ', async () => {
    const receipt = json((await ok(['receipt', 'show', first.receipt, '--json'], { repo: a.repo })).stdout)
    const other = json((await ok(['run', join(JOBS, 'sha256sum.wasm'), '--input', books, '--json'], { repo: a.repo })).stdout)
    const key = await generateKeyPair('Ed25519')
    const unsigned = {
      type: 'dcx/receipt', version: 1, job: CID.parse(receipt.job), output: CID.parse(other.output), status: 'exit', exitCode: 0, trap: null,
      fuel: receipt.fuel, runtime: receipt.runtime, executor: peerIdFromPrivateKey(key).toString(), time: receipt.time
    }
    const signature = await key.sign(dagCbor.encode(unsigned))
    const cid = await carWith(join(a.dir, 'lie.car'), { ...unsigned, signature })
    await ok(['dag', 'import', join(a.dir, 'lie.car')], { repo: a.repo })
    const r = await dcx(['verify', cid.toString()], { repo: a.repo })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^NOT verified: output differs: claimed /)
    expect(r.stdout).toContain('differs  outputs/SHA256SUMS')
    expect(r.stdout).toContain('differs  outputs/wc.txt')
    expect(r.stdout).toContain('differs  stdout')
  })

  it('a forged output that is not a result directory at all differs at the root, named "/"', async () => {
    const receipt = json((await ok(['receipt', 'show', first.receipt, '--json'], { repo: a.repo })).stdout)
    const key = await generateKeyPair('Ed25519')
    const file = CID.parse((await ok(['add', '-Q', join(JOBS, 'README.md')], { repo: a.repo })).stdout.trim())
    const unsigned = {
      type: 'dcx/receipt', version: 1, job: CID.parse(receipt.job), output: file, status: 'exit', exitCode: 0, trap: null,
      fuel: receipt.fuel, runtime: receipt.runtime, executor: peerIdFromPrivateKey(key).toString(), time: receipt.time
    }
    const cid = await carWith(join(a.dir, 'lie-file.car'), { ...unsigned, signature: await key.sign(dagCbor.encode(unsigned)) })
    await ok(['dag', 'import', join(a.dir, 'lie-file.car')], { repo: a.repo })
    const r = await dcx(['verify', cid.toString()], { repo: a.repo })
    expect(r.code).toBe(1)
    expect(r.stdout.split('\n').filter(l => l.startsWith('differs'))).toEqual(['differs  /'])
  })

  it('checks an output CID against a job without a receipt', async () => {
    expect((await dcx(['verify', first.output, '--job', first.job], { repo: a.repo })).code).toBe(0)
    const wrong = await dcx(['verify', first.job, '--job', first.job, '--json'], { repo: a.repo })
    expect(wrong.code).toBe(1)
  })

  it('lists receipts', async () => {
    const ls = json((await ok(['receipt', 'ls', '--json'], { repo: a.repo })).stdout)
    expect(ls.map((r: any) => r.job)).toContain(first.job)
  })

  it('records deterministic failures as results: out-of-fuel gives an output, a receipt and exit code 4', async () => {
    const r = await dcx(['run', join(JOBS, 'wordcount.wasm'), '--input', books, '--fuel', '100000', '--json'], { repo: a.repo })
    expect(r.code).toBe(4)
    const j = json(r.stdout)
    expect(j).toMatchObject({ status: 'out-of-fuel', fuel: 100000, exitCode: null })
    expect((await ok(['cat', `${j.output}/exitCode`], { repo: a.repo })).stdout).toBe('out-of-fuel\n')
    expect((await dcx(['verify', j.receipt], { repo: a.repo })).code).toBe(0)
  })

  it('a non-zero job exit is exit code 3, with a receipt', async () => {
    const r = await dcx(['run', join(JOBS, 'grep.wasm'), '--input', books, '--json', '--', 'no such words here'], { repo: a.repo })
    expect(r.code).toBe(3)
    expect(json(r.stdout)).toMatchObject({ status: 'exit', exitCode: 1 })
    expect(json(r.stdout).receipt).not.toBeNull()
  })

  it('a timeout is not a result: no receipt, exit code 7', async () => {
    const spin = join(PROJECT, 'test', 'wasm', 'wat', 'spin.wasm')
    const r = await dcx(['run', spin, '--timeout', '300ms', '--fuel', '1000000000000', '--json'], { repo: a.repo })
    expect(r.code).toBe(7)
    expect(json(r.stdout)).toMatchObject({ status: 'timeout', receipt: null, output: null })
    expect((await ok(['receipt', 'ls'], { repo: a.repo })).stdout).not.toContain(json(r.stdout).job)
  })
})

describe('dcx run and verify: bad input', () => {
  let t: Awaited<ReturnType<typeof tempRepo>>
  let books: string
  beforeAll(async () => {
    t = await tempRepo()
    books = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: t.repo })).stdout.trim()
  })
  afterAll(async () => { await t.cleanup() })

  const cases: Array<[string, () => string[], RegExp, number]> = [
    ['a module that fails validation', () => ['run', join(PROJECT, 'test/wasm/wat/env-import.wasm')], /module rejected: env\.foo is not available to jobs/, 1],
    ['an input CID not in the repo', () => ['run', join(JOBS, 'wordcount.wasm'), '--input', 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'], /is not in the repo/, 1],
    ['a mount path inside /outputs', () => ['run', join(JOBS, 'wordcount.wasm'), '--input', `${books}:/outputs/x`], /is inside \/outputs, which the job writes/, 1],
    ['two inputs on one path', () => ['run', join(JOBS, 'wordcount.wasm'), '--input', `${books}:/inputs/a`, '--input', `${books}:/inputs/a`], /two inputs mount at \/inputs\/a/, 1],
    ['a malformed --memory', () => ['run', join(JOBS, 'wordcount.wasm'), '--input', books, '--memory', '12 parsecs'], /--memory '12 parsecs' is not a size: use bytes or a number with KiB, MiB, GiB or TiB/, 2], // a bad flag value: usage (2)
    ['a module that is neither a file nor a CID', () => ['run', 'nope.wasm'], /no such file, and not a CID either/, 1],
    ['a receipt CID that is not a receipt', () => ['verify', books], /is not a dcx receipt/, 2]
  ]
  for (const [name, args, message, code] of cases) {
    it(`${name}: one line, exit ${code}, nothing recorded`, async () => {
      const before = (await ok(['pin', 'ls'], { repo: t.repo })).stdout
      const r = await dcx(args(), { repo: t.repo })
      expect(r.code).toBe(code)
      expect(errorLine(r)).toMatch(message)
      expect((await ok(['pin', 'ls'], { repo: t.repo })).stdout).toBe(before)
    })
  }

  it('a bundle with a missing block cannot be verified: exit 2', async () => {
    const other = await tempRepo()
    try {
      const run = json((await ok(['run', join(JOBS, 'wordcount.wasm'), '--input', books, '--json'], { repo: t.repo })).stdout)
      // a CAR with only the receipt block: everything it links to is missing
      const receipt = json((await ok(['receipt', 'show', run.receipt, '--json'], { repo: t.repo })).stdout)
      const partial = join(other.dir, 'partial.car')
      await carWith(partial, {
        type: 'dcx/receipt', version: 1, job: CID.parse(receipt.job), output: CID.parse(receipt.output), status: receipt.status,
        exitCode: receipt.exitCode, trap: receipt.trap, fuel: receipt.fuel, runtime: receipt.runtime, executor: receipt.executor,
        time: receipt.time, signature: Buffer.from(receipt.signature, 'base64')
      })
      const r = await dcx(['verify', partial], { repo: other.repo })
      expect(r.code).toBe(2)
      expect(errorLine(r)).toMatch(/the bundle lacks block/)
    } finally {
      await other.cleanup()
    }
  })
})

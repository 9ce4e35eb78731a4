import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dcx, errorLine, FIXTURES, ok, PROJECT, tempRepo } from './helpers/cli.js'
import { startDaemon } from './helpers/daemon.js'

/*
 * Everyday use of jobs, as a user runs the CLI: a failing job says why,
 * --json stays bounded, jobs can be seen, listed, written to a file, run
 * from one and removed, inputs come from local paths and mount anywhere
 * but /outputs and /tmp, and pins have names.
 */

const JOBS = join(PROJECT, 'wasm-jobs')
const WAT = join(PROJECT, 'test', 'wasm', 'wat')
const PROGRAMS = join(PROJECT, 'test', 'wasm', 'programs')
const json = (s: string): any => JSON.parse(s)

type Repo = Awaited<ReturnType<typeof tempRepo>>

describe('a failing job says why', () => {
  let t: Repo
  let sales: string
  beforeAll(async () => {
    t = await tempRepo()
    sales = (await ok(['add', '-Q', join(FIXTURES, 'sales.csv')], { repo: t.repo })).stdout.trim()
  })
  afterAll(async () => { await t.cleanup() })

  it('a job that exits non-zero prints the end of its stderr on dcx\'s stderr, even without a TTY', async () => {
    const r = await dcx(['run', join(JOBS, 'groupby.wasm'), '--input', sales, '--', 'regoin', 'amount'], { repo: t.repo })
    expect(r.code).toBe(3)
    expect(r.stdout).toMatch(/^status {3}exit 2$/m)
    expect(r.stderr).toContain("groupby: no column named 'regoin'")
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('so does the same job answered from its receipt', async () => {
    const r = await dcx(['run', join(JOBS, 'groupby.wasm'), '--input', sales, '--', 'regoin', 'amount'], { repo: t.repo })
    expect(r.stdout).toMatch(/cached/)
    expect(r.stderr).toContain("groupby: no column named 'regoin'")
  })

  it('--json has the stderr, bounded like the stdout, and a job that exits 0 prints no tail', async () => {
    const failed = json((await dcx(['run', join(JOBS, 'groupby.wasm'), '--input', sales, '--json', '--', 'regoin', 'amount'], { repo: t.repo })).stdout)
    expect(failed).toMatchObject({ status: 'exit', exitCode: 2, stderrTruncated: false, stdoutTruncated: false })
    expect(failed.stderr).toContain("no column named 'regoin'")
    expect(failed.stderrTail).toBe(failed.stderr.trimEnd())
    const good = await ok(['run', join(JOBS, 'groupby.wasm'), '--input', sales, '--', 'region', 'amount'], { repo: t.repo })
    expect(good.stderr).toBe('')
  })

  it('a job that writes more than its 16 MiB stdout capture: --json holds its first 64 KiB and says it was cut; the plain output is the whole capture', async () => {
    // flood writes 64 KiB per call until its fuel runs out: 5e7 fuel is past 16 MiB of writes (the capture that used to crash --json)
    const r = await dcx(['run', join(WAT, 'flood.wasm'), '--fuel', '50000000', '--json'], { repo: t.repo })
    expect(r.code).toBe(4)
    expect(r.stderr).not.toMatch(/RangeError|\n\s+at /)
    const j = json(r.stdout)
    expect(j.stdoutTruncated).toBe(true)
    expect(Buffer.byteLength(j.stdout)).toBeLessThanOrEqual(64 * 1024)
    expect(Buffer.byteLength(j.stdout)).toBeGreaterThan(60 * 1024)
    // the same job: answered from its receipt, the stdout read back from the output
    const plain = await dcx(['run', join(WAT, 'flood.wasm'), '--fuel', '50000000'], { repo: t.repo })
    expect(plain.code).toBe(4)
    // the summary, a blank line, then the 16 MiB the job's stdout capture keeps
    expect(plain.stdoutBytes.length).toBeGreaterThan(16 * 2 ** 20)
    expect(plain.stdoutBytes.length).toBeLessThan(16 * 2 ** 20 + 1024)
  })

  it('out of fuel says how much was used and how to raise it', async () => {
    const r = await dcx(['run', join(JOBS, 'groupby.wasm'), '--input', sales, '--fuel', '1000', '--', 'region', 'amount'], { repo: t.repo })
    expect(r.code).toBe(4)
    expect(r.stderr).toMatch(/^warning: the job ran out of fuel: it used all 1000 units its --fuel allowed \(default 1000000000000, .*\); raise it, e\.g\. --fuel 10000$/m)
  })

  it('the default fuel is 1e12, written into the spec', async () => {
    const run = json((await ok(['run', join(JOBS, 'groupby.wasm'), '--input', sales, '--json', '--', 'region', 'amount'], { repo: t.repo })).stdout)
    const shown = json((await ok(['job', 'show', run.job, '--json'], { repo: t.repo })).stdout)
    expect(shown.limits.fuel).toBe(1e12)
  })

  it('a job that asks for more memory than --memory allows: the limit is recorded in the receipt and --json, and said on stderr', async () => {
    const r = await dcx(['run', join(PROGRAMS, 'hungry.wasm'), '--memory', '48MiB', '--json'], { repo: t.repo })
    expect(r.code).toBe(0)
    const j = json(r.stdout)
    expect(j.limitsHit).toEqual(['memory'])
    expect(j.stdout).toMatch(/^allocated 4\d MiB before malloc failed/)
    expect(r.stderr).toMatch(/^warning: the job hit its memory limit: .*raise it with --memory/m)
    const receipt = json((await ok(['receipt', 'show', j.receipt, '--json'], { repo: t.repo })).stdout)
    expect(receipt.limitsHit).toEqual(['memory'])
    expect((await dcx(['verify', j.receipt], { repo: t.repo })).code).toBe(0)
    // a job that stays within its memory hits nothing
    const calm = json((await ok(['run', join(JOBS, 'groupby.wasm'), '--input', sales, '--json', '--', 'region', 'amount'], { repo: t.repo })).stdout)
    expect(calm.limitsHit).toEqual([])
  })

  it('--on is checked before the receipt cache: a bad value is a usage error, exit 2, with or without --force', async () => {
    await ok(['run', join(JOBS, 'groupby.wasm'), '--input', sales, '--', 'region', 'amount'], { repo: t.repo })
    for (const extra of [[], ['--force']]) {
      const r = await dcx(['run', join(JOBS, 'groupby.wasm'), '--input', sales, '--on', 'remote', ...extra, '--', 'region', 'amount'], { repo: t.repo })
      expect(r.code).toBe(2)
      expect(errorLine(r)).toBe("Error: --on 'remote' is not local, auto or a peer ID (see `dcx peers ls`)")
      expect(r.stdout).toBe('')
    }
  })
})

describe('--on with a daemon', () => {
  let t: Repo
  let daemon: Awaited<ReturnType<typeof startDaemon>>
  let books: string
  beforeAll(async () => {
    t = await tempRepo()
    books = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: t.repo })).stdout.trim()
    await ok(['run', join(JOBS, 'wordcount.wasm'), '--input', books], { repo: t.repo })
    daemon = await startDaemon(t.repo)
  })
  afterAll(async () => { await daemon?.stop(); await t.cleanup() })

  it('--on auto with no peer says to connect one', async () => {
    const r = await dcx(['run', join(JOBS, 'wordcount.wasm'), '--input', books, '--on', 'auto', '--force'], { repo: t.repo })
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(/no peer would run the job: .*connect to one with `dcx peers connect <multiaddr>`/)
  })

  it('--on <peer ID> is not answered by a receipt another peer made', async () => {
    const stranger = '12D3KooWBDNoRQ61t1yyFXTkDyGpiKHftsjZYj6ZxrcP1zv9kkWV'
    const r = await dcx(['run', join(JOBS, 'wordcount.wasm'), '--input', books, '--on', stranger], { repo: t.repo })
    expect(r.code).toBe(1)
    expect(r.stdout).not.toMatch(/cached/)
    expect(errorLine(r)).toMatch(new RegExp(`^Error: .*${stranger}`))
  })

  it('a bad --on is a usage error through the daemon too', async () => {
    const r = await dcx(['run', join(JOBS, 'wordcount.wasm'), '--input', books, '--on', 'remote', '--force'], { repo: t.repo })
    expect(r.code).toBe(2)
    expect(errorLine(r)).not.toMatch(/multibase/)
  })
})

describe('seeing, listing, repeating and removing jobs', () => {
  let t: Repo
  let books: string
  let sales: string
  let wc: any
  let grouped: any
  beforeAll(async () => {
    t = await tempRepo()
    books = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: t.repo })).stdout.trim()
    sales = (await ok(['add', '-Q', join(FIXTURES, 'sales.csv')], { repo: t.repo })).stdout.trim()
    wc = json((await ok(['run', join(JOBS, 'wordcount.wasm'), '--input', books, '--json'], { repo: t.repo })).stdout)
    grouped = json((await ok(['run', join(JOBS, 'groupby.wasm'), '--input', `${sales}:/inputs/sales.csv`, '--env', 'MODE=x', '--seed', '00ff', '--json', '--', 'region', 'amount', '/inputs/sales.csv'], { repo: t.repo })).stdout)
    await dcx(['run', join(JOBS, 'groupby.wasm'), '--input', sales, '--', 'regoin', 'amount'], { repo: t.repo })
    await ok(['run', join(JOBS, 'wordcount.wasm'), '--input', books], { repo: t.repo })
  })
  afterAll(async () => { await t.cleanup() })

  it('job show prints the spec and the receipt\'s result; --json has every field', async () => {
    const text = (await ok(['job', 'show', grouped.job], { repo: t.repo })).stdout
    expect(text).toContain(`job      ${grouped.job}`)
    expect(text).toMatch(/^module {3}bafkrei\w+ \(groupby\)$/m)
    expect(text).toContain(`input    ${sales} at /inputs/sales.csv`)
    expect(text).toContain('args     ["region","amount","/inputs/sales.csv"]')
    expect(text).toContain('env      MODE=x')
    expect(text).toMatch(/^limits {3}fuel 1000000000000, memory 256MiB, .*outputEntries 10000/m)
    expect(text).toContain('seed     00ff')
    expect(text).toContain('runtime  ABI 2')
    expect(text).toContain(`receipt  ${grouped.receipt}`)
    expect(text).toContain('status   exit 0')
    expect(text).toContain(`output   ${grouped.output}`)
    const j = json((await ok(['job', 'show', grouped.job, '--json'], { repo: t.repo })).stdout)
    expect(j).toMatchObject({ job: grouped.job, name: 'groupby', inputs: [{ cid: sales, path: '/inputs/sales.csv' }], args: ['region', 'amount', '/inputs/sales.csv'], env: [['MODE', 'x']], seed: '00ff', runtime: { abi: 2 } })
    expect(j.receipt).toMatchObject({ receipt: grouped.receipt, status: 'exit', exitCode: 0, output: grouped.output, fuel: grouped.fuel })
  })

  it('job show of a receipt CID shows that receipt and its job', async () => {
    const j = json((await ok(['job', 'show', wc.receipt, '--json'], { repo: t.repo })).stdout)
    expect(j.job).toBe(wc.job)
    expect(j.receipt.receipt).toBe(wc.receipt)
  })

  it('job show of something that is not a job: one line, exit 2', async () => {
    const r = await dcx(['job', 'show', books], { repo: t.repo })
    expect(r.code).toBe(2)
    expect(errorLine(r)).toMatch(/is not a dcx job spec or receipt/)
    const missing = await dcx(['job', 'show', 'bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'], { repo: t.repo })
    expect(missing.code).toBe(1)
    expect(errorLine(missing)).toMatch(/not in the repo/)
  })

  it('cat and ls of a job spec or a receipt say what it is and which command shows it', async () => {
    for (const [verb, cid, kind] of [['cat', grouped.job, 'job spec'], ['ls', grouped.job, 'job spec'], ['cat', grouped.receipt, 'receipt'], ['ls', grouped.receipt, 'receipt']]) {
      const r = await dcx([verb, cid], { repo: t.repo })
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      expect(errorLine(r)).toBe(`Error: ${cid} is a dcx ${kind}, not a file or directory: \`dcx job show ${cid}\` shows it (\`dcx dag get ${cid}\` its fields as dag-json)`)
    }
  })

  it('dag get prints a job spec, a receipt and a UnixFS directory as dag-json, as Kubo does', async () => {
    const spec = json((await ok(['dag', 'get', grouped.job], { repo: t.repo })).stdout)
    expect(spec).toMatchObject({ type: 'dcx/job', name: 'groupby', args: ['region', 'amount', '/inputs/sales.csv'], inputs: [{ cid: { '/': sales }, path: '/inputs/sales.csv' }], seed: { '/': { bytes: 'AP8' } } })
    expect(json((await ok(['dag', 'get', grouped.receipt], { repo: t.repo })).stdout)).toMatchObject({ type: 'dcx/receipt', job: { '/': grouped.job } })
    const dir = (await ok(['dag', 'get', grouped.output], { repo: t.repo })).stdout
    expect(dir).toMatch(/^\{"Data":\{"\/":\{"bytes":"CAE"\}\},"Links":\[\{"Hash":\{"\/":"bafkrei\w+"\},"Name":"exitCode","Tsize":\d+\},/)
    const raw = json((await ok(['dag', 'get', sales], { repo: t.repo })).stdout)
    expect(Buffer.from(raw['/'].bytes, 'base64').toString()).toMatch(/^region,product,units,amount\n/)
    // a path walks the node's fields and links, as Kubo's does
    expect(json((await ok(['dag', 'get', `${grouped.job}/name`], { repo: t.repo })).stdout)).toBe('groupby')
  })

  it('job ls lists runs newest first, with time, job, module, status, executor, duration and inputs', async () => {
    const lines = (await ok(['job', 'ls'], { repo: t.repo })).stdout.trim().split('\n')
    expect(lines).toHaveLength(4)
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ  ${wc.job}  wordcount  exit 0  here  cached  ${books}:/inputs$`))
    expect(lines[1]).toMatch(/ {2}groupby {2}exit 2 {2}here {2}\d+\.\d\ds {2}/)
    expect(lines[2]).toContain(`${grouped.job}  groupby  exit 0  here`)
    expect(lines[3]).toContain(`${wc.job}  wordcount  exit 0  here`)
    const all = json((await ok(['job', 'ls', '--json'], { repo: t.repo })).stdout)
    expect(all.map((r: any) => r.via)).toEqual(['cached', 'local', 'local', 'local'])
    expect(all[3]).toMatchObject({ job: wc.job, receipt: wc.receipt, output: wc.output, status: 'exit', exitCode: 0, name: 'wordcount' })
    expect(all[3].durationMs).toBeGreaterThan(0)
  })

  it('job ls filters by status, module (name or CID), input, and count', async () => {
    const ls = async (...args: string[]): Promise<any[]> => json((await ok(['job', 'ls', '--json', ...args], { repo: t.repo })).stdout)
    expect((await ls('--status', 'failed')).map(r => r.exitCode)).toEqual([2])
    expect(await ls('--status', 'ok')).toHaveLength(3)
    expect((await ls('--module', 'groupby')).every(r => r.name === 'groupby')).toBe(true)
    const module = (await ls('--module', 'groupby'))[0].module
    expect(await ls('--module', module)).toHaveLength(2)
    expect((await ls('--input', sales))).toHaveLength(2)
    expect(await ls('-n', '1')).toHaveLength(1)
    const bad = await dcx(['job', 'ls', '--status', 'sideways'], { repo: t.repo })
    expect(bad.code).toBe(2)
    expect(errorLine(bad)).toMatch(/sideways/)
  })

  it('job show --file prints a job file that runs as the same job CID (YAML and JSON)', async () => {
    const file = join(t.dir, 'grouped.yaml')
    await writeFile(file, (await ok(['job', 'show', grouped.job, '--file'], { repo: t.repo })).stdout)
    const again = json((await ok(['run', '-f', file, '--json'], { repo: t.repo })).stdout)
    expect(again).toMatchObject({ job: grouped.job, cached: true, output: grouped.output })
    const asJson = join(t.dir, 'grouped.json')
    await writeFile(asJson, JSON.stringify({
      module: join(JOBS, 'groupby.wasm'),
      inputs: [{ cid: sales, path: '/inputs/sales.csv' }],
      args: ['region', 'amount', '/inputs/sales.csv'],
      env: ['MODE=x'],
      seed: '00ff'
    }))
    expect(json((await ok(['run', '-f', asJson, '--json'], { repo: t.repo })).stdout).job).toBe(grouped.job)
  })

  it('a job file names its module and local inputs relative to itself', async () => {
    const dir = join(t.dir, 'project')
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'job.yaml'), `module: ${join(JOBS, 'groupby.wasm')}\ninputs:\n  - file: ../../../${join(FIXTURES, 'sales.csv').slice(1)}\nargs: [region, amount]\nlimits:\n  memory: 64MiB\n  fuel: 100000000\n`)
    const r = await ok(['run', '-f', join(dir, 'job.yaml'), '--json'], { repo: t.repo })
    expect(r.stderr).toContain(`added ${sales} `)
    const j = json(r.stdout)
    const shown = json((await ok(['job', 'show', j.job, '--json'], { repo: t.repo })).stdout)
    expect(shown).toMatchObject({ inputs: [{ cid: sales, path: '/inputs' }], limits: { memory: 64 * 2 ** 20, fuel: 1e8 } })
  })

  const badFiles: Array<[string, string, RegExp, number]> = [
    ['an unknown key', 'module: x.wasm\nimage: ubuntu\n', /unknown key 'image'/, 1],
    ['no module', 'args: [a]\n', /module must name a \.wasm file or a module CID/, 1],
    ['a number among the args', `module: ${join(JOBS, 'grep.wasm')}\nargs: [-n, 10]\n`, /args\[1\] is 10, not a string: quote it/, 1],
    ['a limit that is not one', `module: ${join(JOBS, 'grep.wasm')}\nlimits: { speed: 3 }\n`, /'speed' is not a job limit/, 1],
    ['a bad memory size', `module: ${join(JOBS, 'grep.wasm')}\nlimits: { memory: lots }\n`, /limits\.memory is "lots"/, 1],
    ['an unquoted seed', `module: ${join(JOBS, 'grep.wasm')}\nseed: 12\n`, /seed must be hex in quotes/, 1],
    ['not YAML', 'module: [\n', /is not YAML or JSON/, 1],
    ['an input that is neither', `module: ${join(JOBS, 'grep.wasm')}\ninputs: [no-such-thing.csv]\n`, /inputs\[0\] 'no-such-thing\.csv' is neither a CID nor a file or folder here/, 1]
  ]
  it(`a bad job file (${badFiles.map(([name]) => name).join(', ')}): one line naming the problem, exit 1, nothing recorded`, async () => {
    const before = (await ok(['pin', 'ls'], { repo: t.repo })).stdout
    for (const [name, text, message, code] of badFiles) {
      const file = join(t.dir, 'bad.yaml')
      await writeFile(file, text)
      const r = await dcx(['run', '-f', file], { repo: t.repo })
      expect({ name, code: r.code, error: errorLine(r) }).toMatchObject({ name, code, error: expect.stringMatching(message) })
    }
    expect((await ok(['pin', 'ls'], { repo: t.repo })).stdout).toBe(before)
  })

  it('-f with flags that define the job, or a missing file, is refused', async () => {
    const file = join(t.dir, 'grouped.yaml')
    const clash = await dcx(['run', '-f', file, '--input', books], { repo: t.repo })
    expect(clash.code).toBe(2)
    expect(errorLine(clash)).toMatch(/--input belong in the file/)
    const missing = await dcx(['run', '-f', join(t.dir, 'nope.yaml')], { repo: t.repo })
    expect(missing.code).toBe(1)
    expect(errorLine(missing)).toMatch(/cannot read .*nope\.yaml: no such file/)
  })

  it('job rm unpins what only that job pinned, keeps what another job uses (renamed for it), and gc reclaims the rest', async () => {
    const job = json((await ok(['run', join(JOBS, 'groupby.wasm'), '--input', sales, '--json', '--', 'product', 'units'], { repo: t.repo })).stdout)
    const pins = (await ok(['pin', 'ls'], { repo: t.repo })).stdout
    expect(pins).toContain(`${job.job} recursive job ${job.job} spec`)
    expect(pins).toContain(`${job.output} recursive job ${job.job} output`)
    expect(pins).toContain(`${job.receipt} recursive job ${job.job} receipt`)
    const r = await ok(['job', 'rm', job.job, '--json'], { repo: t.repo })
    const done = json(r.stdout)
    const byRole = Object.fromEntries(done.artifacts.map((a: any) => [a.role, a]))
    expect(byRole.spec).toMatchObject({ cid: job.job, action: 'unpinned' })
    expect(byRole.output).toMatchObject({ cid: job.output, action: 'unpinned' })
    expect(byRole.receipt).toMatchObject({ cid: job.receipt, action: 'unpinned' })
    // the module: the first groupby job pinned it, and still uses it
    expect(byRole.module).toMatchObject({ action: 'kept', why: `job ${grouped.job} uses it` })
    const after = (await ok(['pin', 'ls'], { repo: t.repo })).stdout
    expect(after).not.toContain(job.job)
    expect(after).toContain(grouped.job)
    const gc = (await ok(['repo', 'gc'], { repo: t.repo })).stdout
    expect(gc).toContain('removed')
    expect((await dcx(['job', 'show', job.job], { repo: t.repo })).code).toBe(1)
    expect((await ok(['job', 'ls', '--json'], { repo: t.repo })).stdout).not.toContain(job.job)
    // run again: it runs, not answered from a receipt that is gone
    expect(json((await ok(['run', join(JOBS, 'groupby.wasm'), '--input', sales, '--json', '--', 'product', 'units'], { repo: t.repo })).stdout).cached).toBe(false)
  })

  it('job rm of the job that named a shared module hands it to the job still using it; a pin the user named stays', async () => {
    await ok(['pin', 'add', '--name', 'keep me', grouped.output], { repo: t.repo })
    const done = json((await ok(['job', 'rm', grouped.job, '--json'], { repo: t.repo })).stdout)
    const byRole = Object.fromEntries(done.artifacts.map((a: any) => [a.role, a]))
    expect(byRole.output).toMatchObject({ action: 'kept', why: "pinned as 'keep me'" })
    expect(byRole.module.action).toBe('kept')
    const pins = (await ok(['pin', 'ls', '--json'], { repo: t.repo })).stdout
    const moduleName = json(pins).Keys[byRole.module.cid].Name
    expect(moduleName).toMatch(/^job bafyrei\w+ module$/)
    expect(moduleName).not.toContain(grouped.job)
  })

  it('job rm of what is not a job here: one line', async () => {
    const r = await dcx(['job', 'rm', 'bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'], { repo: t.repo })
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(/no job bafyrei\w+ in this repo/)
    const receipt = await dcx(['job', 'rm', wc.receipt], { repo: t.repo })
    expect(errorLine(receipt)).toBe(`Error: ${wc.receipt} is a receipt: give its job, ${wc.job}`)
  })
})

describe('pin names', () => {
  let t: Repo
  let river: string
  beforeAll(async () => {
    t = await tempRepo()
    river = (await ok(['add', '-Q', join(FIXTURES, 'books', 'river.txt')], { repo: t.repo })).stdout.trim()
  })
  afterAll(async () => { await t.cleanup() })

  it('pin add --name names a pin (renaming an existing one); pin ls shows it, --json too, --name filters', async () => {
    expect((await ok(['pin', 'ls'], { repo: t.repo })).stdout).toBe(`${river} recursive\n`)
    await ok(['pin', 'add', '--name', 'river text', river], { repo: t.repo })
    expect((await ok(['pin', 'ls'], { repo: t.repo })).stdout).toBe(`${river} recursive river text\n`)
    expect(json((await ok(['pin', 'ls', '--json'], { repo: t.repo })).stdout)).toEqual({ Keys: { [river]: { Type: 'recursive', Name: 'river text' } } })
    // pinning again without a name keeps the name
    await ok(['pin', 'add', river], { repo: t.repo })
    expect((await ok(['pin', 'ls', '--name', 'river'], { repo: t.repo })).stdout).toBe(`${river} recursive river text\n`)
    expect((await ok(['pin', 'ls', '--name', 'lake'], { repo: t.repo })).stdout).toBe('')
  })
})

describe('inputs from local paths, and at any path', () => {
  let t: Repo
  let river: string
  beforeAll(async () => {
    t = await tempRepo()
    river = (await ok(['add', '-Q', join(FIXTURES, 'books', 'river.txt')], { repo: t.repo })).stdout.trim()
  })
  afterAll(async () => { await t.cleanup() })

  it('--input ./file adds it as dcx add would, says so on stderr, and runs on its CID', async () => {
    const sales = (await ok(['add', '-n', '-Q', join(FIXTURES, 'sales.csv')], { repo: t.repo })).stdout.trim()
    const r = await ok(['run', join(JOBS, 'groupby.wasm'), '--input', './fixtures/sales.csv', '--json', '--', 'region', 'amount'], { repo: t.repo })
    expect(r.stderr).toBe(`added ${sales} ./fixtures/sales.csv\n`)
    const shown = json((await ok(['job', 'show', json(r.stdout).job, '--json'], { repo: t.repo })).stdout)
    expect(shown.inputs).toEqual([{ cid: sales, path: '/inputs' }])
    expect((await ok(['pin', 'ls'], { repo: t.repo })).stdout).toContain(`${sales} recursive\n`)
  })

  it('a folder, with a mount path', async () => {
    const books = (await ok(['add', '-n', '-r', '-Q', join(FIXTURES, 'books')], { repo: t.repo })).stdout.trim()
    const r = await ok(['run', join(JOBS, 'wordcount.wasm'), '--input', `${join(FIXTURES, 'books')}:/inputs/books`, '--json'], { repo: t.repo })
    expect(r.stderr).toBe(`added ${books} ${join(FIXTURES, 'books')}\n`)
  })

  it('neither a CID nor a path: one line, exit 1, nothing added', async () => {
    const before = (await ok(['pin', 'ls'], { repo: t.repo })).stdout
    const r = await dcx(['run', join(JOBS, 'wordcount.wasm'), '--input', './no/such.csv'], { repo: t.repo })
    expect(r.code).toBe(1)
    expect(errorLine(r)).toBe("Error: --input './no/such.csv' is neither a CID nor a file or folder here: give a CID from `dcx add`, or a path to add")
    expect((await ok(['pin', 'ls'], { repo: t.repo })).stdout).toBe(before)
  })

  it('a program that reads a compiled-in /share path runs with an input mounted there', async () => {
    const dir = join(t.dir, 'share')
    await mkdir(dir)
    await writeFile(join(dir, 'greeting.txt'), 'hello from /share\n')
    const share = (await ok(['add', '-r', '-Q', dir], { repo: t.repo })).stdout.trim()
    const r = await ok(['run', join(PROGRAMS, 'share.wasm'), '--input', `${share}:/share`, '--json'], { repo: t.repo })
    expect(json(r.stdout)).toMatchObject({ status: 'exit', exitCode: 0, stdout: 'hello from /share\n' })
    // beside another input at /inputs, and without it the program says why
    const both = await ok(['run', join(PROGRAMS, 'share.wasm'), '--input', `${share}:/share`, '--input', `${share}:/inputs/x`, '--json'], { repo: t.repo })
    expect(json(both.stdout).stdout).toBe('hello from /share\n')
    const without = await dcx(['run', join(PROGRAMS, 'share.wasm')], { repo: t.repo })
    expect(without.code).toBe(3)
    expect(without.stderr).toContain('/share/greeting.txt: No such file or directory')
  })

  const badMounts: Array<[string, string, RegExp]> = [
    ['/outputs', ':/outputs', /is inside \/outputs, which the job writes/],
    ['below /tmp', ':/tmp/x', /is inside \/tmp, which the job writes/],
    ['/', ':/', /cannot mount at \//],
    ['a relative path', ':share', /is not absolute/],
    ['..', ':/share/../outputs', /must not contain '\.' or '\.\.'/]
  ]
  it(`a mount ${badMounts.map(([name]) => `at ${name}`).join(', ')} is refused: one line, exit 1`, async () => {
    for (const [name, suffix, message] of badMounts) {
      const r = await dcx(['run', join(JOBS, 'wordcount.wasm'), '--input', `${river}${suffix}`], { repo: t.repo })
      expect({ name, code: r.code, error: errorLine(r) }).toMatchObject({ name, code: 1, error: expect.stringMatching(message) })
    }
  })

  it('two mounts on one path, or one inside another, are refused', async () => {
    const same = await dcx(['run', join(JOBS, 'wordcount.wasm'), '--input', `${river}:/share/a`, '--input', `${river}:/share/a/`], { repo: t.repo })
    expect(errorLine(same)).toMatch(/two inputs mount at \/share\/a/)
    const inside = await dcx(['run', join(JOBS, 'wordcount.wasm'), '--input', `${river}:/share`, '--input', `${river}:/share/x`], { repo: t.repo })
    expect(errorLine(inside)).toMatch(/inside one another/)
  })
})

import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DCX, dcx, errorLine, FIXTURES, ok, PROJECT, tempRepo } from './helpers/cli.js'
import { startDaemon } from './helpers/daemon.js'
import { jsonLines } from './helpers/kubo.js'
import type { RunResult } from './helpers/cli.js'
import type { RunningDaemon } from './helpers/daemon.js'

/*
 * What a person meets at the terminal (issue 12, the CLI half): help and
 * standard forms, closed pipes, sizes and one usage-error rule, the JSON
 * casing rule, `dcx config`, ports kept from init, Peering.Peers, --timeout
 * on a CID nobody has, daemon log timestamps, and progress on a TTY only.
 */

const SHA = join(PROJECT, 'wasm-jobs', 'sha256sum.wasm')
const GREP = join(PROJECT, 'wasm-jobs', 'grep.wasm')
const BOOKS = 'bafybeigmete7wwhc4ws3dennxak77prt6qpztzsubdou57rr2kajpdpzmi'
/** The CID of "nobody has this\n": in no repo here */
const NOBODY = 'bafkreie7ohywtosou76tasm7j63yigtzxe7d5zqus4zu3j6oltvgtibeom'
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /

/** dcx on a pseudo-terminal (util-linux `script`), 200 columns wide: what a person at a terminal sees, stdout and stderr together */
async function tty (args: string[], repo: string): Promise<{ code: number | null, out: string }> {
  const quoted = [DCX, ...args].map(a => `'${a.replaceAll("'", "'\\''")}'`).join(' ')
  return await new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', `stty cols 200; ${quoted}`, '/dev/null'], { cwd: PROJECT, env: { ...process.env, DCX_PATH: repo, DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', d => { out += d })
    child.on('error', reject)
    child.on('close', code => resolve({ code, out }))
  })
}

/** `command` (dcx piped into `head`) in bash: dcx's exit status and what it wrote to stderr */
async function piped (command: string, repo: string): Promise<{ status: string, stderr: string }> {
  return await new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `{ ${command} >/dev/null; echo \${PIPESTATUS[0]}; } 3>&2`], { cwd: PROJECT, env: { ...process.env, DCX_PATH: repo, DCX, DEBUG: '' } })
    let status = ''
    let stderr = ''
    child.stdout.on('data', d => { status += d })
    child.stderr.on('data', d => { stderr += d })
    child.on('error', reject)
    child.on('close', () => resolve({ status: status.trim(), stderr }))
  })
}

/** Retry `check` until it is true (a daemon acting in the background), at most `ms` */
async function eventually (check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms
  while (!await check()) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

function usageError (r: RunResult, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2)
  expect(errorLine(r)).toMatch(pattern)
}

describe('standard CLI forms, pipes, sizes and the JSON casing rule', () => {
  let r: Awaited<ReturnType<typeof tempRepo>>
  let big: string
  beforeAll(async () => {
    r = await tempRepo()
    await ok(['add', '-r', join(FIXTURES, 'books')], { repo: r.repo })
    // 2 MiB: many leaves, so a closed pipe comes before the end
    const file = join(r.dir, 'big.bin')
    await writeFile(file, Buffer.alloc(2 * 1024 * 1024, 'dcx closed pipes\n'))
    big = (await ok(['add', '-Q', file], { repo: r.repo })).stdout.trim()
  })
  afterAll(async () => await r?.cleanup())

  it('dcx help, help run, -h, run -h and version exit 0 with help on stdout', async () => {
    for (const args of [['help'], ['-h'], ['help', 'run'], ['run', '-h'], ['config', '--help']]) {
      const h = await ok(args, { repo: r.repo })
      expect(h.stdout, args.join(' ')).toMatch(/USAGE/)
      expect(h.stderr).toBe('')
    }
    expect((await ok(['version'], { repo: r.repo })).stdout).toMatch(/^dcx\/\d+\.\d+\.\d+ /)
  })

  it('shell completion comes from oclif\'s plugin', async () => {
    const c = await ok(['autocomplete', 'bash'], { repo: r.repo, env: { XDG_CACHE_HOME: join(r.dir, 'cache') } })
    expect(c.stdout).toMatch(/dcx autocomplete/)
  })

  it('global flags go before the command too', async () => {
    const before = await ok(['--repo', r.repo, 'pin', 'ls', '-q'], { env: { DCX_PATH: '/nonexistent/dcx' } })
    expect(before.stdout).toContain(BOOKS)
  })

  it('a typo names the command it resembles (exit 2)', async () => {
    usageError(await dcx(['ad', 'hello.txt'], { repo: r.repo }), /^Error: unknown command 'ad': did you mean 'add'\?/)
  })

  it('run with no module says what is missing in one clean line', async () => {
    usageError(await dcx(['run'], { repo: r.repo }), /^Error: give a module \(a \.wasm file or a module CID\), or a job file with -f$/)
  })

  it('a closed pipe ends cat and run quietly, as cat does (141, nothing on stderr)', async () => {
    const cat = await piped(`"$DCX" cat ${big} 2>&3 | head -c 10`, r.repo)
    expect(cat).toEqual({ status: '141', stderr: '' })
    const run = await piped(`"$DCX" run "${GREP}" --input ${big} -- pipes 2>&3 | head -1`, r.repo)
    expect(run).toEqual({ status: '141', stderr: '' })
  })

  it('sizes: IEC and Docker units, an ambiguous MB or a part page refused; counts in 1e11 and 1_000', async () => {
    const mib = JSON.parse((await ok(['run', SHA, '--input', BOOKS, '--memory', '64MiB', '--fuel', '1e11', '--json'], { repo: r.repo })).stdout)
    const docker = JSON.parse((await ok(['run', SHA, '--input', BOOKS, '--memory', '64m', '--fuel', '100_000_000_000', '--json'], { repo: r.repo })).stdout)
    expect(docker.job).toBe(mib.job)
    usageError(await dcx(['run', SHA, '--memory', '64MB'], { repo: r.repo }), /--memory '64MB' is ambiguous.*64MiB/)
    usageError(await dcx(['run', SHA, '--memory', '100000'], { repo: r.repo }), /--memory/)
    usageError(await dcx(['run', SHA, '--fuel', 'lots'], { repo: r.repo }), /--fuel/)
    usageError(await dcx(['cat', BOOKS, '--timeout', 'soon'], { repo: r.repo }), /^Error: --timeout 'soon' is not a duration/)
  })

  it('Kubo\'s verbs print Kubo\'s JSON; dcx\'s own use camelCase with numbers', async () => {
    const added = jsonLines((await ok(['add', '--json', join(FIXTURES, 'books', 'river.txt')], { repo: r.repo })).stdout)
    expect(added).toEqual([{ Name: 'river.txt', Hash: 'bafkreiaqndiconrnjv3r3w5kwkdnyslansswgsowmdzlmsswpnowz7bgky', Size: '294' }])
    const stat = jsonLines((await ok(['repo', 'stat', '--json'], { repo: r.repo })).stdout)[0]
    expect(Object.keys(stat)).toEqual(['RepoSize', 'StorageMax', 'NumObjects', 'RepoPath', 'Version'])
    const run = JSON.parse((await ok(['run', SHA, '--input', BOOKS, '--json'], { repo: r.repo })).stdout)
    expect(typeof run.fuel).toBe('number')
    expect(typeof run.exitCode).toBe('number')
    for (const key of Object.keys(run)) expect(key).toMatch(/^[a-z][a-zA-Z]*$/)
  })
})

describe('dcx config, as ipfs config', () => {
  let r: Awaited<ReturnType<typeof tempRepo>>
  const config = async (): Promise<any> => JSON.parse(await readFile(join(r.repo, 'config.json'), 'utf8'))
  beforeAll(async () => { r = await tempRepo() })
  afterAll(async () => await r?.cleanup())

  it('dcx init picks a free listen port and gateway port once and writes them down', async () => {
    const c = await config()
    const swarm = /^\/ip4\/127\.0\.0\.1\/tcp\/(\d+)$/.exec(c.listen[0])
    const gateway = /^\/ip4\/127\.0\.0\.1\/tcp\/(\d+)$/.exec(c.Addresses.Gateway)
    expect(Number(swarm?.[1])).toBeGreaterThan(0)
    expect(swarm?.[1]).not.toBe(gateway?.[1])
    expect(c.Peering).toEqual({ Peers: [] })
  })

  it('a listen port taken by another program stops the daemon with one line naming it (exit 1)', async () => {
    const port = Number(/tcp\/(\d+)$/.exec((await config()).listen[0])![1])
    const squatter = createServer()
    await new Promise<void>(resolve => squatter.listen(port, '127.0.0.1', resolve))
    try {
      const res = await dcx(['daemon'], { repo: r.repo })
      expect(res.code).toBe(1)
      expect(errorLine(res)).toMatch(new RegExp(`^Error: cannot listen on /ip4/127\\.0\\.0\\.1/tcp/${port} \\(the port is taken\\): .*dcx config --json listen`))
    } finally {
      squatter.close()
    }
  })

  it('gets a key (a string as it is, anything else as JSON; --json as Kubo\'s {Key, Value})', async () => {
    const c = await config()
    expect((await ok(['config', 'Addresses.Gateway'], { repo: r.repo })).stdout).toBe(`${c.Addresses.Gateway}\n`)
    expect((await ok(['config', 'Peering'], { repo: r.repo })).stdout).toBe('{\n  "Peers": []\n}\n')
    expect((await ok(['config', 'mdns', '--json'], { repo: r.repo })).stdout).toBe('{"Key":"mdns","Value":false}\n')
  })

  it('sets a string, --bool and --json values, written to config.json; config show prints it all', async () => {
    const peer = (await config()).peerId
    expect((await ok(['config', 'Gateway.RetrievalTimeout', '45s'], { repo: r.repo })).stdout).toBe('')
    await ok(['config', '--bool', 'Gateway.NoFetch', 'false'], { repo: r.repo })
    const peers = [{ ID: peer, Addrs: ['/ip4/127.0.0.1/tcp/4001'] }]
    expect(jsonLines((await ok(['config', '--json', 'Peering.Peers', JSON.stringify(peers)], { repo: r.repo })).stdout)).toEqual([{ Key: 'Peering.Peers', Value: peers }])
    const c = await config()
    expect(c.Gateway).toEqual({ NoFetch: false, RetrievalTimeout: '45s' })
    expect(c.Peering.Peers).toEqual(peers)
    expect(JSON.parse((await ok(['config', 'show'], { repo: r.repo })).stdout)).toEqual(c)
    expect(jsonLines((await ok(['config', 'show', '--json'], { repo: r.repo })).stdout)).toEqual([c])
  })

  it('refuses bad keys and values in one line, leaving config.json as it was', async () => {
    const before = await readFile(join(r.repo, 'config.json'), 'utf8')
    const bad: Array<[string[], number, RegExp]> = [
      [['config', 'Nope'], 1, /^Error: config key Nope is not set: `dcx config show` prints the config$/],
      [['config', 'a..b'], 1, /is not a config key/],
      [['config', 'peerId', 'x'], 1, /^Error: peerId is the repo's identity .*cannot be set$/],
      [['config', 'Nope.x', '1'], 1, /^Error: Nope is not a key dcx reads: the keys are listen, /],
      [['config', 'Addresses.Nope', 'x'], 1, /Addresses\.Nope is not a key dcx reads/],
      [['config', '--json', 'Peering.Peers', '[{"ID":"nope"}]'], 1, /Peering\.Peers must be a list of/],
      [['config', '--json', 'listen', '["not a multiaddr"]'], 1, /listen must be a list of multiaddrs/],
      [['config', 'Gateway.RetrievalTimeout', 'soon'], 1, /RetrievalTimeout must be a duration/],
      [['config', '--json', 'listen', '[x'], 2, /^Error: the value is not JSON/],
      [['config', '--bool', 'mdns', 'yes'], 2, /^Error: --bool takes true or false, not 'yes'$/],
      [['config'], 2, /^Error: missing argument KEY/]
    ]
    // all refused, none writes: run side by side
    const results = await Promise.all(bad.map(async ([args]) => await dcx(args, { repo: r.repo })))
    for (const [i, [args, code, message]] of bad.entries()) {
      const res = results[i]
      expect(res.code, args.join(' ')).toBe(code)
      // with --json (Kubo's flag: the value is JSON) the error is JSON on stdout, as every --json error is
      const line = args.includes('--json') ? `Error: ${JSON.parse(res.stdout).error.message as string}` : errorLine(res)
      expect(line, args.join(' ')).toMatch(message)
    }
    expect(await readFile(join(r.repo, 'config.json'), 'utf8')).toBe(before)
  })
})

describe('network friction: kept ports, Peering.Peers, --timeout, log timestamps, progress', () => {
  let a: Awaited<ReturnType<typeof tempRepo>>
  let b: Awaited<ReturnType<typeof tempRepo>>
  let da: RunningDaemon | undefined
  let db: RunningDaemon | undefined
  let idA: string
  let idB: string
  let big: string
  /** A's connections, by peer, with who dialled */
  const peersOfA = async (): Promise<Array<{ Peer: string, Direction: number }>> => JSON.parse((await ok(['peers', 'ls', '--json', '--direction'], { repo: a.repo })).stdout).Peers

  beforeAll(async () => {
    [a, b] = await Promise.all([tempRepo(), tempRepo()])
    idA = JSON.parse((await ok(['id', '--json'], { repo: a.repo })).stdout).ID
    idB = JSON.parse((await ok(['id', '--json'], { repo: b.repo })).stdout).ID
    const file = join(a.dir, 'big.bin')
    await writeFile(file, Buffer.alloc(3 * 1024 * 1024, 'progress\n'))
    big = (await ok(['add', '-Q', file], { repo: a.repo })).stdout.trim()
    // A's address is known before A ever ran: dcx init wrote its port
    const listenA = JSON.parse(await readFile(join(a.repo, 'config.json'), 'utf8')).listen
    await ok(['config', '--json', 'Peering.Peers', JSON.stringify([{ ID: idA, Addrs: listenA }])], { repo: b.repo })
  })
  afterAll(async () => {
    await db?.stop()
    await da?.stop()
    await a?.cleanup()
    await b?.cleanup()
  })

  it('offline, a block the repo lacks is an error at once', async () => {
    const started = Date.now()
    const res = await dcx(['cat', NOBODY], { repo: a.repo })
    expect(res.code).toBe(1)
    expect(errorLine(res)).toBe(`Error: block ${NOBODY} is not in the repo and no daemon is running to fetch it: add or import it first (or start \`dcx daemon\`)`)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('a Peering peer that is down is retried, logged with ISO timestamps, and connected when it comes up', async () => {
    db = await startDaemon(b.repo)
    await eventually(async () => /peering: cannot reach/.test(db!.output()))
    const line = db.output().split('\n').find(l => l.includes('peering: cannot reach'))!
    expect(line).toMatch(ISO)
    expect(line).toContain(idA)
    da = await startDaemon(a.repo)
    // it listens where dcx init said, at every start
    const port = /tcp\/(\d+)$/.exec(JSON.parse(await readFile(join(a.repo, 'config.json'), 'utf8')).listen[0])![1]
    expect(da.addrs[0]).toBe(`/ip4/127.0.0.1/tcp/${port}/p2p/${idA}`)
    await eventually(async () => (await peersOfA()).some(p => p.Peer === idB))
    expect(db.output()).toMatch(new RegExp(`^\\S+Z peering: connected to ${idA}$`, 'm'))
    // the start-up lines stay as scripts match them
    expect(db.output()).toMatch(/^ready$/m)
  }, 60_000)

  it('a Peering peer whose connection drops is dialled again', async () => {
    await ok(['peers', 'disconnect', idB], { repo: a.repo })
    // B dials back: A sees an inbound connection (Kubo's Direction 1)
    await eventually(async () => (await peersOfA()).some(p => p.Peer === idB && p.Direction === 1))
  }, 30_000)

  it('a CID nobody has: gives up after --timeout with one clear line; a TTY shows the search and the peers asked', async () => {
    const res = await dcx(['cat', NOBODY, '--timeout', '1s'], { repo: b.repo })
    expect(res.code).toBe(1)
    expect(errorLine(res)).toBe(`Error: block ${NOBODY} did not arrive within 1 s: asked 1 connected peer and none sent it (is a peer that holds it connected? see \`dcx peers ls\`); --timeout waits longer`)
    const others = [['get', NOBODY, '-o', join(b.dir, 'nothing')], ['ls', NOBODY], ['pin', 'add', NOBODY], ['dag', 'export', NOBODY]]
    for (const [i, other] of (await Promise.all(others.map(async args => await dcx([...args, '--timeout', '500ms'], { repo: b.repo })))).entries()) {
      expect(other.code, others[i].join(' ')).toBe(1)
      expect(errorLine(other)).toMatch(/did not arrive within 500 ms/)
    }
    const seen = await tty(['cat', NOBODY, '--timeout', '1500ms'], b.repo)
    expect(seen.code).toBe(1)
    expect(seen.out).toContain(`searching for ${NOBODY}: asked 1 peer, `)
    expect(seen.out).toMatch(/did not arrive within 1500 ms/)
  }, 60_000)

  it('progress with a total on a TTY (get, dag export -o, run, a remote run), nothing when not a TTY', async () => {
    const get = await tty(['get', big, '-o', join(a.dir, 'got.bin')], a.repo)
    expect(get.out).toMatch(/saving \[.*\] \d+% \| [\d.]+ \w*B\/3\.0 MiB/)
    const exp = await tty(['dag', 'export', big, '-o', join(a.dir, 'big.car')], a.repo)
    expect(exp.out).toMatch(/exporting \[.*\] \d+% \| [\d.]+ \w*B\/3\.0 MiB/)
    const run = await tty(['run', SHA, '--input', big], a.repo)
    expect(run.out).toMatch(/running sha256sum: reading inputs \[.*\] \d+% \| [\d.]+ \w*B\/3\.0 MiB/)
    expect(run.out).not.toMatch(/undefined|NaN/)
    // the job goes to A, which holds the input; B shows where it is
    const remote = await tty(['run', SHA, '--input', big, '--on', idA, '--force'], b.repo)
    expect(remote.code, remote.out).toBe(0)
    expect(remote.out).toContain(`running on ${idA}...`)
    expect(remote.out).toMatch(/fetching output \w+ from /)
    for (const args of [['get', big, '-o', join(a.dir, 'got2.bin')], ['dag', 'export', big, '-o', join(a.dir, 'big2.car')], ['run', SHA, '--input', big, '--force']]) {
      expect((await ok(args, { repo: a.repo })).stderr, args[0]).toBe('')
    }
  }, 120_000)
})

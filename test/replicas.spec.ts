import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dcx, errorLine, FIXTURES, ok, PROJECT, tempDir, tempRepo } from './helpers/cli.js'
import { startDaemon, type RunningDaemon } from './helpers/daemon.js'
import { startForger } from './helpers/forger.js'

// starting three daemons and a forging peer outlasts vitest's 10 s hook default on a busy machine
const HOOK_MS = 120_000
const WORDCOUNT = join(PROJECT, 'wasm-jobs', 'wordcount.wasm')
const SPIN = join(PROJECT, 'test', 'wasm', 'wat', 'spin.wasm')

describe('--replicas: honest peers agree, a forger is named', () => {
  const repos: Array<Awaited<ReturnType<typeof tempRepo>>> = []
  const daemons: RunningDaemon[] = []
  let scratch: Awaited<ReturnType<typeof tempDir>>
  let forger: Awaited<ReturnType<typeof startForger>>
  let books: string

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) repos.push(await tempRepo())
    const [a, b] = repos
    books = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: a.repo })).stdout.trim()
    await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: b.repo })
    for (const r of repos) daemons.push(await startDaemon(r.repo))
    scratch = await tempDir()
    forger = await startForger(scratch.path)
    // C knows A and the forger; B joins for the three-replica case
    await ok(['peers', 'connect', daemons[0].addrs[0]], { repo: repos[2].repo })
    await ok(['peers', 'connect', `${forger.node.libp2p.getMultiaddrs()[0]}`], { repo: repos[2].repo })
  }, HOOK_MS)
  afterAll(async () => {
    await forger?.node.stop()
    for (const d of daemons) await d.stop()
    for (const r of repos) await r.cleanup()
    await scratch?.cleanup()
  }, HOOK_MS)

  it('--replicas 2 with a forger: no majority, a local re-run settles it, the forger is named (exit 8)', async () => {
    const r = await dcx(['run', WORDCOUNT, '--input', books, '--replicas', '2', '--json'], { repo: repos[2].repo })
    expect(r.code, r.stdout + r.stderr).toBe(8)
    const json = JSON.parse(r.stdout)
    expect(json.agreement).toMatchObject({ decidedBy: 'local re-run', dissenters: [forger.peerId], unanimous: false })
    expect(json.agreement.output).not.toBe(forger.forged.toString())
    expect(json.output).toBe(json.agreement.output)
    expect(json.executor).toBe(daemons[0].peerId)
    expect(r.stderr).toContain(`replicas disagree: peer ${forger.peerId} claims output ${forger.forged}`)
    // the accepted result is the true one: a plain local run elsewhere gets the same output
    const local = await tempRepo()
    try {
      const cid = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: local.repo })).stdout.trim()
      expect(JSON.parse((await ok(['run', WORDCOUNT, '--input', cid, '--json'], { repo: local.repo })).stdout).output).toBe(json.output)
    } finally {
      await local.cleanup()
    }
    // the forger's signed receipt is kept as evidence, and it does not verify
    const evidence = json.agreement.results.find((x: any) => !x.agrees).receipt
    const v = await dcx(['verify', evidence, '--json'], { repo: repos[2].repo })
    expect(v.code).toBe(1)
    expect(JSON.parse(v.stdout)).toMatchObject({ verified: false, executor: forger.peerId })
  })

  it('--replicas 3 with two honest peers: the majority wins and the forger is named', async () => {
    await ok(['peers', 'connect', daemons[1].addrs[0]], { repo: repos[2].repo })
    const r = await dcx(['run', WORDCOUNT, '--input', books, '--replicas', '3'], { repo: repos[2].repo })
    expect(r.code).toBe(8)
    expect(r.stdout).toMatch(/^replicas 2 of 3 agree \(majority\): /m)
    expect(r.stdout).toContain(`${forger.peerId} DISAGREES`)
    expect(r.stderr).toContain(`peer ${forger.peerId} claims output ${forger.forged}`)
  })

  it('--replicas with more peers than there are is refused before anything runs', async () => {
    const r = await dcx(['run', WORDCOUNT, '--input', books, '--replicas', '9'], { repo: repos[2].repo })
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(/--replicas 9 needs 9 peers, only 3 found/)
  })

  it('--replicas without a daemon says it needs one', async () => {
    const solo = await tempRepo()
    try {
      const r = await dcx(['run', WORDCOUNT, '--replicas', '2'], { repo: solo.repo })
      expect(r.code).toBe(1)
      expect(errorLine(r)).toMatch(/`dcx run --replicas` needs a running daemon/)
    } finally {
      await solo.cleanup()
    }
  })
})

describe('an executor killed mid-job', () => {
  const repos: Array<Awaited<ReturnType<typeof tempRepo>>> = []
  const daemons: RunningDaemon[] = []

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) repos.push(await tempRepo())
    for (const r of repos.slice(0, 2)) await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: r.repo })
    for (const r of repos) daemons.push(await startDaemon(r.repo))
    for (const d of daemons.slice(0, 2)) await ok(['peers', 'connect', d.addrs[0]], { repo: repos[2].repo })
  }, HOOK_MS)
  afterAll(async () => {
    for (const d of daemons) await d.stop()
    for (const r of repos) await r.cleanup()
  }, HOOK_MS)

  it('the requester names the lost peer and the job runs on the other provider', async () => {
    const books = (await ok(['add', '-r', '-Q', '-n', join(FIXTURES, 'books')], { repo: repos[2].repo })).stdout.trim()
    // a job that runs for a few seconds (until its fuel runs out), so there is time to kill its executor
    const run = dcx(['run', SPIN, '--input', books, '--fuel', '3000000000', '--on', 'auto', '--json'], { repo: repos[2].repo })
    const victim = await new Promise<RunningDaemon>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no executor started the job')), 30_000)
      const poll = setInterval(() => {
        const d = daemons.slice(0, 2).find(d => /: running$/m.test(d.output()))
        if (d !== undefined) { clearInterval(poll); clearTimeout(timer); resolve(d) }
      }, 20)
    })
    victim.child.kill('SIGKILL')
    const survivor = daemons.slice(0, 2).find(d => d !== victim)!
    const r = await run
    expect(r.code).toBe(4) // out of fuel: the job's own deterministic end
    const json = JSON.parse(r.stdout)
    expect(json).toMatchObject({ status: 'out-of-fuel', executor: survivor.peerId })
    expect(json.attempts).toEqual([
      { peer: victim.peerId, ok: false, why: expect.stringContaining(`peer ${victim.peerId} did not answer`) },
      { peer: survivor.peerId, ok: true }
    ])
    expect(r.stderr).toContain(`warning: peer ${victim.peerId} did not answer`)
    expect(survivor.child.exitCode).toBeNull()
  })

  it('an executor stopped with SIGTERM mid-job finishes and answers it first, then stops cleanly', async () => {
    const executor = daemons.slice(0, 2).find(d => d.child.exitCode === null && d.child.signalCode === null)!
    const books = (await ok(['add', '-r', '-Q', '-n', join(FIXTURES, 'books')], { repo: repos[2].repo })).stdout.trim()
    const before = (executor.output().match(/: running$/gm) ?? []).length
    const run = dcx(['run', SPIN, '--input', books, '--fuel', '2000000000', '--seed', '01', '--on', executor.peerId, '--json'], { repo: repos[2].repo })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the job never started')), 30_000)
      const poll = setInterval(() => {
        if ((executor.output().match(/: running$/gm) ?? []).length > before) { clearInterval(poll); clearTimeout(timer); resolve() }
      }, 20)
    })
    const stopped = executor.stop()
    const r = await run
    expect(r.code).toBe(4)
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'out-of-fuel', executor: executor.peerId })
    expect(await stopped).toBe(0)
    expect(executor.output()).toMatch(/stopping: finishing 1 running job/)
    expect(executor.output()).toMatch(/stopped\n?$/)
    const repo = repos[daemons.indexOf(executor)].repo
    await ok(['repo', 'verify'], { repo })
  })
})

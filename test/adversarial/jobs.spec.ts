import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dcx, errorLine, ok, PROJECT, tempRepo } from '../helpers/cli.js'
import { startDaemon } from '../helpers/daemon.js'
import { HOSTILE_NAMES, PROTO_NAME, deepChain, fanOut, importDag, namedEntry, repeatedNames } from '../helpers/hostile-dags.js'
import type { RunningDaemon } from '../helpers/daemon.js'
import type { RunResult } from '../helpers/cli.js'

/** A job that pushes at the limits: nest, files, walk, cat, spill (test/wasm/programs/hostile.c) */
const HOSTILE = join(PROJECT, 'test', 'wasm', 'programs', 'hostile.wasm')

/** The peak resident memory of a process, sampled from /proc until it exits (MiB) */
function samplePeak (pid: number): { peak: () => number, stop: () => void } {
  let peak = 0
  const timer = setInterval(() => {
    void import('node:fs/promises').then(async ({ readFile }) => {
      const status = await readFile(`/proc/${pid}/status`, 'utf8')
      peak = Math.max(peak, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024)
    }).catch(() => {})
  }, 25)
  return { peak: () => peak, stop: () => clearInterval(timer) }
}

/** `dcx run` with the process's peak memory and wall time */
async function measured (args: string[], repo: string): Promise<{ r: RunResult, peakMiB: number, ms: number }> {
  let sampler: ReturnType<typeof samplePeak> | undefined
  const started = Date.now()
  const r = await dcx(args, { repo, onSpawn: child => { sampler = samplePeak(child.pid!) } })
  sampler!.stop()
  return { r, peakMiB: sampler!.peak(), ms: Date.now() - started }
}

function json (r: RunResult): any {
  return JSON.parse(r.stdout)
}

describe('hostile jobs and inputs, run locally', () => {
  let repo: string
  let dir: string
  let cleanup: () => Promise<void>
  beforeAll(async () => {
    ({ repo, dir, cleanup } = await tempRepo())
  })
  afterAll(async () => cleanup())

  it('a job nesting 10000 directories in /outputs meets the depth limit: a result, recorded, in seconds', async () => {
    const { r, ms } = await measured(['run', HOSTILE, '--json', '--', 'nest', '10000'], repo)
    expect(r.code, r.stderr).toBe(0)
    const out = json(r)
    expect(out.stdout).toBe('depth 256 error Filename too long\n')
    expect(out.limitsHit).toEqual(['output-depth'])
    expect(out.receipt).not.toBeNull()
    expect(r.stderr).toMatch(/^warning: the job hit its output depth limit.*--output-depth\)$/m)
    expect(ms).toBeLessThan(30_000)
    // the limit is part of the spec: a deeper one is a different job, with a different result
    const deeper = json(await ok(['run', HOSTILE, '--json', '--output-depth', '300', '--', 'nest', '10000'], { repo }))
    expect(deeper.job).not.toBe(out.job)
    expect(deeper.stdout).toBe('depth 300 error Filename too long\n')
  })

  it('a job creating 1,000,000 files meets the entry limit, with memory and time bounded', async () => {
    const { r, peakMiB, ms } = await measured(['run', HOSTILE, '--json', '--', 'files', '1000000'], repo)
    expect(r.code, r.stderr).toBe(0)
    const out = json(r)
    expect(out.stdout).toBe('files 10000 error Quota exceeded\n')
    expect(out.limitsHit).toEqual(['output-entries'])
    expect(r.stderr).toMatch(/output entry limit.*--output-entries/)
    expect(peakMiB).toBeLessThan(600)
    expect(ms).toBeLessThan(60_000)
    const listed = await ok(['ls', `${out.output}/outputs`], { repo })
    expect(listed.stdout.trim().split('\n')).toHaveLength(10_000)
  })

  it('an input of 42 blocks that unfolds to 2^40 entries: listed lazily, the entry limit ends the listing, --timeout holds', async () => {
    const root = await importDag(await fanOut(40), dir, repo, 'fan40')
    // a job that looks at a little of it finishes at once
    const some = await measured(['run', HOSTILE, '--input', root, '--json', '--timeout', '20s', '--', 'walk', '1000'], repo)
    expect(some.r.code, some.r.stderr).toBe(0)
    expect(json(some.r).stdout).toBe('entries 1000 deepest 39 error none\n')
    expect(json(some.r).limitsHit).toEqual([])
    // one that walks it all runs into the input entry limit and gets ENOMEM, deterministically
    const all = await measured(['run', HOSTILE, '--input', root, '--json', '--timeout', '90s', '--', 'walk'], repo)
    expect(all.r.code, all.r.stderr).toBe(0)
    expect(json(all.r).stdout).toMatch(/^entries 100000 deepest 39 error Out of memory\n$/)
    expect(json(all.r).limitsHit).toEqual(['input-entries'])
    expect(all.peakMiB).toBeLessThan(600)
    expect(all.ms).toBeLessThan(90_000)
    const again = await ok(['run', HOSTILE, '--input', root, '--json', '--force', '--', 'walk'], { repo })
    expect(json(again).output).toBe(json(all.r).output)
  })

  it('an input chain 20000 directories deep: the job walks it as deep as its own stack lets it, never exit 70', async () => {
    const root = await importDag(await deepChain(20000), dir, repo, 'chain')
    const r = await dcx(['run', HOSTILE, '--input', root, '--json', '--', 'walk'], { repo })
    expect([0, 5, 6]).toContain(r.code)
    expect(r.stderr).not.toMatch(/unexpected error|Maximum call stack/)
    expect(json(r).receipt).not.toBeNull()
  })

  for (const kind of ['symlink-then-file', 'file-then-file', 'symlink-then-dir'] as const) {
    it(`an input directory listing one name twice (${kind}) is refused when the job looks: exit 1, one line, no receipt`, async () => {
      const root = await importDag(await repeatedNames(kind), dir, repo, `rep-${kind}`)
      const r = await dcx(['run', HOSTILE, '--input', root, '--', 'walk'], { repo })
      expect(r.code).toBe(1)
      expect(errorLine(r)).toMatch(/lists the name "x" twice/)
      expect((await ok(['receipt', 'ls'], { repo })).stdout).not.toContain(root)
    })
  }

  for (const [label, name] of Object.entries(HOSTILE_NAMES)) {
    it(`an input entry named ${label} is refused: exit 1, one line naming it`, async () => {
      const root = await importDag(await namedEntry(name), dir, repo, `name-${label}`)
      const r = await dcx(['run', HOSTILE, '--input', root, '--', 'walk'], { repo })
      expect(r.code, r.stderr).toBe(1)
      expect(errorLine(r)).toMatch(/holds an entry named/)
    })
  }

  it('an input entry named __proto__ is an entry like any other', async () => {
    const root = await importDag(await namedEntry(PROTO_NAME, 'not a prototype\n'), dir, repo, 'proto')
    const r = await ok(['run', HOSTILE, '--input', root, '--json', '--', 'cat', `/inputs/${PROTO_NAME}`], { repo })
    expect(json(r).stdout).toBe('not a prototype\n')
  })

  it('--timeout ends a job that spins, and records nothing', async () => {
    const r = await dcx(['run', HOSTILE, '--timeout', '2s', '--fuel', '1000000000000000', '--', 'spill', '1'], { repo })
    expect(r.code).toBe(7)
    expect(r.stderr).toMatch(/wall-clock timeout/)
  })

  it('large outputs spill under the repo, and a killed run\'s leftovers are removed by the next job', async () => {
    const tmp = join(repo, 'tmp')
    let killed = false
    const r = await dcx(['run', HOSTILE, '--timeout', '60s', '--fuel', '1000000000000000', '--', 'spill', '8'], {
      repo,
      onSpawn: child => {
        const poll = setInterval(() => {
          void (async () => {
            for (const d of await readdir(tmp).catch(() => [] as string[])) {
              const files = await readdir(join(tmp, d)).catch(() => [] as string[])
              for (const f of files) {
                if ((await stat(join(tmp, d, f)).catch(() => undefined))?.size === 8 * 2 ** 20 && !killed) {
                  killed = true
                  clearInterval(poll)
                  child.kill('SIGKILL')
                }
              }
            }
          })()
        }, 50)
      }
    })
    expect(r.signal).toBe('SIGKILL')
    const left = await readdir(tmp)
    expect(left.some(d => d.startsWith('dcx-run-'))).toBe(true)
    await ok(['run', HOSTILE, '--', 'nest', '1'], { repo })
    expect((await readdir(tmp)).filter(d => d.startsWith('dcx-run-'))).toEqual([])
  })

  it('after all of it, the repo verifies', async () => {
    expect((await ok(['repo', 'verify'], { repo })).stdout).toBe('verified repo integrity\n')
  })
})

describe('hostile jobs sent to a daemon', () => {
  let executor: Awaited<ReturnType<typeof tempRepo>>
  let requester: Awaited<ReturnType<typeof tempRepo>>
  const daemons: RunningDaemon[] = []
  beforeAll(async () => {
    executor = await tempRepo()
    requester = await tempRepo()
    daemons.push(await startDaemon(executor.repo), await startDaemon(requester.repo))
    await ok(['peers', 'connect', daemons[0].addrs[0]], { repo: requester.repo })
  })
  afterAll(async () => {
    for (const d of daemons) await d.stop()
    await executor.cleanup()
    await requester.cleanup()
  })

  it('an executor runs a job nesting 10000 directories and one making 1,000,000 files within its limits and memory', async () => {
    const sampler = samplePeak(daemons[0].child.pid!)
    try {
      const nest = await dcx(['run', HOSTILE, '--on', daemons[0].peerId, '--json', '--', 'nest', '10000'], { repo: requester.repo })
      expect(nest.code, nest.stderr).toBe(0)
      expect(json(nest).limitsHit).toEqual(['output-depth'])
      expect(json(nest).executor).toBe(daemons[0].peerId)
      const files = await dcx(['run', HOSTILE, '--on', daemons[0].peerId, '--json', '--', 'files', '1000000'], { repo: requester.repo })
      expect(files.code, files.stderr).toBe(0)
      expect(json(files).limitsHit).toEqual(['output-entries'])
    } finally {
      sampler.stop()
    }
    expect(sampler.peak()).toBeLessThan(800)
  })

  it('a job asking for more entries than the executor allows is refused before it runs', async () => {
    const r = await dcx(['run', HOSTILE, '--on', daemons[0].peerId, '--output-entries', '1000000', '--', 'files', '1'], { repo: requester.repo })
    expect(r.code).toBe(1)
    expect(errorLine(r)).toMatch(/refused the job: output entries 1000000 is over its limit of 100000/)
  })

  it('the executor stops a job whose requester went away, and then stops at once on SIGTERM', async () => {
    const running = (): number => daemons[0].output().match(/: running$/gm)?.length ?? 0
    const before = running()
    const r = await dcx(['run', HOSTILE, '--on', daemons[0].peerId, '--force', '--fuel', '100000000000', '--', 'spill', '1'], {
      repo: requester.repo,
      onSpawn: child => {
        const poll = setInterval(() => {
          if (running() > before) {
            clearInterval(poll)
            child.kill('SIGKILL')
          }
        }, 50)
      }
    })
    expect(r.signal).toBe('SIGKILL')
    // the requester's daemon sees its client go, resets the job stream; the executor stops the job
    const deadline = Date.now() + 15_000
    while (!/stopped, the requester went away/.test(daemons[0].output()) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
    expect(daemons[0].output()).toMatch(/stopped, the requester went away/)
    const started = Date.now()
    expect(await daemons[0].stop()).toBe(0)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('the control API refuses wrong-typed arguments with a clear error, not an internal one', async () => {
    const { connectDaemon } = await import('../../dist/api/client.js')
    const api = (await connectDaemon(join(requester.repo, 'api.sock')))!
    await expect(api.run('add', { paths: null })).rejects.toMatchObject({ code: 'ERR_API_ARGS', exitCode: 2, message: 'bad arguments for add: paths: Invalid input: expected array, received null' })
    await expect(api.run('pin/add', { cids: ['x'], extra: 1 })).rejects.toMatchObject({ code: 'ERR_API_ARGS' })
    await expect(api.run('no/such/op', {})).rejects.toMatchObject({ code: 'ERR_DAEMON' })
    // and it keeps serving
    expect(await api.run('id', {})).toMatchObject({ ID: daemons[1].peerId })
  })
})

import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURES, ok, PROJECT, tempRepo } from './helpers/cli.js'
import { startDaemon } from './helpers/daemon.js'
import type { RunningDaemon } from './helpers/daemon.js'

const WORDCOUNT = join(PROJECT, 'wasm-jobs', 'wordcount.wasm')

/** Ask B for the providers of `cid` until A is among them; how long that took */
async function providedWithin (cid: string, repo: string, peer: string, ms: number): Promise<number> {
  const started = Date.now()
  while (Date.now() - started < ms) {
    const found = (await ok(['providers', cid, '--timeout', '1s', '-n', '1'], { repo })).stdout
    if (found.includes(peer)) return Date.now() - started
  }
  throw new Error(`${peer} was not a provider of ${cid} within ${ms} ms`)
}

describe('what a daemon adds is announced at once', () => {
  let a: Awaited<ReturnType<typeof tempRepo>>
  let b: Awaited<ReturnType<typeof tempRepo>>
  const daemons: RunningDaemon[] = []
  beforeAll(async () => {
    a = await tempRepo()
    b = await tempRepo()
    daemons.push(await startDaemon(a.repo), await startDaemon(b.repo))
    await ok(['peers', 'connect', daemons[0].addrs[0]], { repo: b.repo })
  })
  afterAll(async () => {
    for (const d of daemons) await d.stop()
    await a.cleanup()
    await b.cleanup()
  })

  it('after `dcx add` on A, `dcx providers` on B lists A within 5 seconds, and `run --on auto` on B runs there', async () => {
    const books = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: a.repo })).stdout.trim()
    expect(await providedWithin(books, b.repo, daemons[0].peerId, 5000)).toBeLessThan(5000)
    const run = JSON.parse((await ok(['run', WORDCOUNT, '--input', books, '--on', 'auto', '--json'], { repo: b.repo })).stdout)
    expect(run.executor).toBe(daemons[0].peerId)
  })

  it('after `dcx dag import` on A, `dcx providers` on B lists A within 5 seconds', async () => {
    await ok(['dag', 'import', join(FIXTURES, 'car', 'dir-with-files.car')], { repo: a.repo })
    expect(await providedWithin('bafybeihchr7vmgjaasntayyatmp5sv6xza57iy2h4xj7g46bpjij6yhrmy', b.repo, daemons[0].peerId, 5000)).toBeLessThan(5000)
  })
})

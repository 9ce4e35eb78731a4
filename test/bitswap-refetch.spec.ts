import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dcx, ok, tempRepo } from './helpers/cli.js'
import { startDaemon, type RunningDaemon } from './helpers/daemon.js'
import { randomBytes } from './helpers/shapes.js'

const HOOK_MS = 60_000

// A block fetched over bitswap, collected, and fetched again from the same peer on the same
// connection: @helia/bitswap's provider kept the first want as answered and swallowed the second
// (src/net/bitswap-rewant.ts), so the fetch waited out its timeout.
describe('bitswap: the same blocks fetched again after `repo gc`', () => {
  const repos: Array<Awaited<ReturnType<typeof tempRepo>>> = []
  const daemons: RunningDaemon[] = []
  let provider: string
  let requester: string
  let file: Buffer
  let cid: string

  beforeAll(async () => {
    const [p, r] = [await tempRepo(), await tempRepo()]
    repos.push(p, r)
    provider = p.repo
    requester = r.repo
    // the provider serves over bitswap only
    await ok(['config', '--json', 'bulk', 'false'], { repo: provider })
    file = randomBytes(600 * 1024, 61)
    await writeFile(join(p.dir, 'f.bin'), file)
    cid = (await ok(['add', '-Q', join(p.dir, 'f.bin')], { repo: provider })).stdout.trim()
    daemons.push(await startDaemon(provider), await startDaemon(requester))
    await ok(['peers', 'connect', daemons[0].addrs[0]], { repo: requester })
  }, HOOK_MS)
  afterAll(async () => {
    for (const d of daemons) await d.stop()
    for (const r of repos) await r.cleanup()
  }, HOOK_MS)

  it('`dcx cat`, `repo gc`, `dcx cat` again: the second fetch is answered too', async () => {
    for (let round = 0; round < 2; round++) {
      const r = await dcx(['cat', cid, '--timeout', '10s'], { repo: requester })
      expect(r.stderr).toBe('')
      expect(Buffer.compare(r.stdoutBytes, file)).toBe(0)
      await ok(['repo', 'gc'], { repo: requester })
    }
  })
})

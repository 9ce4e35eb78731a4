import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dcx, errorLine, FIXTURES, ok, PROJECT, tempRepo } from './helpers/cli.js'
import { startDaemon, type RunningDaemon } from './helpers/daemon.js'

describe('keys, offline', () => {
  it('key gen prints the k51 name, key ls lists self first, bad names and duplicates get one line', async () => {
    const r = await tempRepo()
    try {
      const id = (await ok(['key', 'gen', 'results'], { repo: r.repo })).stdout.trim()
      expect(id).toMatch(/^k51[a-z0-9]+$/)
      expect((await ok(['key', 'ls'], { repo: r.repo })).stdout).toBe('self\nresults\n')
      const long = (await ok(['key', 'ls', '-l'], { repo: r.repo })).stdout.trim().split('\n')
      expect(long[1]).toBe(`${id} results`)
      expect(JSON.parse((await ok(['key', 'ls', '--json'], { repo: r.repo })).stdout).Keys.map((k: any) => k.Name)).toEqual(['self', 'results'])
      const again = await dcx(['key', 'gen', 'results'], { repo: r.repo })
      expect([again.code, errorLine(again)]).toEqual([1, "Error: a key named 'results' exists already: pick another name (see `dcx key ls`)"])
      const bad = await dcx(['key', 'gen', '../escape'], { repo: r.repo })
      expect(bad.code).toBe(1)
      expect(errorLine(bad)).toMatch(/invalid key name '..\/escape'/)
      expect((await dcx(['key', 'rm', 'self'], { repo: r.repo })).code).toBe(1)
      expect((await ok(['key', 'rm', 'results'], { repo: r.repo })).stdout.trim()).toBe(id)
      expect((await ok(['key', 'ls'], { repo: r.repo })).stdout).toBe('self\n')
      const publish = await dcx(['name', 'publish', 'bafkqaaa'], { repo: r.repo })
      expect(publish.code).toBe(1)
      expect(errorLine(publish)).toMatch(/`dcx name publish` needs a running daemon/)
    } finally {
      await r.cleanup()
    }
  })
})

describe('IPNS between daemons over the LAN DHT', () => {
  const repos: Array<Awaited<ReturnType<typeof tempRepo>>> = []
  const daemons: RunningDaemon[] = []
  let name: string
  let first: string
  let second: string

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) repos.push(await tempRepo())
    const [a] = repos
    first = (await ok(['add', '-Q', join(FIXTURES, 'books', 'river.txt')], { repo: a.repo })).stdout.trim()
    second = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: a.repo })).stdout.trim()
    name = (await ok(['key', 'gen', 'results'], { repo: a.repo })).stdout.trim()
    for (const r of repos) daemons.push(await startDaemon(r.repo))
    await ok(['peers', 'connect', daemons[0].addrs[0]], { repo: repos[1].repo })
  })
  afterAll(async () => {
    for (const d of daemons) await d.stop()
    for (const r of repos) await r.cleanup()
  })

  it('A publishes, C resolves; A republishes, C sees the new value once the TTL passes', async () => {
    const [a, c] = repos
    expect((await ok(['name', 'publish', '--key', 'results', '--ttl', '1s', first], { repo: a.repo })).stdout).toBe(`Published to ${name}: /ipfs/${first}\n`)
    expect((await ok(['name', 'resolve', name], { repo: c.repo })).stdout).toBe(`/ipfs/${first}\n`)
    expect(JSON.parse((await ok(['name', 'resolve', `/ipns/${name}`, '--json'], { repo: c.repo })).stdout)).toEqual({ Path: `/ipfs/${first}` })
    await ok(['name', 'publish', '--key', 'results', '--ttl', '1s', second], { repo: a.repo })
    await new Promise(resolve => setTimeout(resolve, 1200))
    expect((await ok(['name', 'resolve', name], { repo: c.repo })).stdout).toBe(`/ipfs/${second}\n`)
    // and /ipns/ paths read through the daemon, fetching what C lacks
    expect((await ok(['cat', `/ipns/${name}/river.txt`], { repo: c.repo })).stdout).toBe((await ok(['cat', `${second}/river.txt`], { repo: a.repo })).stdout)
    expect((await ok(['ls', `/ipns/${name}`], { repo: c.repo })).stdout).toBe((await ok(['ls', second], { repo: a.repo })).stdout)
  })

  it('the self key publishes under the peer ID, which resolves too', async () => {
    const [a, c] = repos
    const out = JSON.parse((await ok(['name', 'publish', first, '--json'], { repo: a.repo })).stdout)
    expect(out.Value).toBe(`/ipfs/${first}`)
    expect((await ok(['name', 'resolve', daemons[0].peerId], { repo: c.repo })).stdout).toBe(`/ipfs/${first}\n`)
  })

  it('run --publish points the key at each new result', async () => {
    const [a, c] = repos
    const r = JSON.parse((await ok(['run', join(PROJECT, 'wasm-jobs', 'wordcount.wasm'), '--input', second, '--publish', 'results', '--json'], { repo: a.repo })).stdout)
    expect(r.published).toEqual({ Name: name, Value: `/ipfs/${r.output}` })
    expect((await ok(['name', 'resolve', '--nocache', name], { repo: c.repo })).stdout).toBe(`/ipfs/${r.output}\n`)
  })

  it('bad names, unknown names and unknown keys get one clear line', async () => {
    const [a, c] = repos
    const bad = await dcx(['name', 'resolve', 'not-a-name'], { repo: c.repo })
    expect(bad.code).toBe(1)
    expect(errorLine(bad)).toBe("Error: 'not-a-name' is not an IPNS name: give a k51... name or a peer ID (DNSLink is not supported)")
    const { stdout } = await ok(['key', 'gen', 'unused'], { repo: c.repo })
    const unknown = await dcx(['name', 'resolve', stdout.trim()], { repo: a.repo })
    expect(unknown.code).toBe(1)
    expect(errorLine(unknown)).toMatch(/^Error: could not resolve k51\S+: no record found/)
    const noKey = await dcx(['name', 'publish', '--key', 'nope', first], { repo: a.repo })
    expect(errorLine(noKey)).toBe("Error: no key named 'nope': create it with `dcx key gen nope` (see `dcx key ls`)")
    const badValue = await dcx(['name', 'publish', 'hello'], { repo: a.repo })
    expect(errorLine(badValue)).toMatch(/cannot publish 'hello'/)
    const badTtl = await dcx(['name', 'publish', '--ttl', 'soon', first], { repo: a.repo })
    // a malformed flag value is a usage error
    expect(badTtl.code).toBe(2)
  })
})

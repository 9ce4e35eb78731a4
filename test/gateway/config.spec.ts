// Where the gateway listens: Addresses.Gateway picked by dcx init and kept,
// filled in for a repo from before the gateway, and the daemon's line.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DCX, PROJECT, tempRepo } from '../helpers/cli.js'
import { startDaemon } from '../helpers/daemon.js'
import { gatewayUrl, get } from '../helpers/gateway.js'

const readConfig = async (repo: string): Promise<any> => JSON.parse(await readFile(join(repo, 'config.json'), 'utf8'))
const writeConfig = async (repo: string, config: any): Promise<void> => { await writeFile(join(repo, 'config.json'), JSON.stringify(config, null, 2)) }

/** Run `dcx daemon` expecting it to fail at start: its exit code and stderr */
async function failedStart (repo: string): Promise<{ code: number | null, stderr: string }> {
  const env = { ...process.env, DCX_PATH: repo }
  delete env.DEBUG
  const child = spawn(DCX, ['daemon'], { cwd: PROJECT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  let stdout = ''
  child.stderr.on('data', d => { stderr += d })
  child.stdout.on('data', d => {
    stdout += d
    if (/^ready$/m.test(stdout)) child.kill('SIGTERM')
  })
  const code = await new Promise<number | null>(resolve => child.once('exit', c => resolve(c)))
  return { code, stderr }
}

describe('the gateway\'s address', () => {
  const repos: Array<Awaited<ReturnType<typeof tempRepo>>> = []
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) repos.push(await tempRepo())
  }, 120_000)
  afterAll(async () => {
    for (const r of repos) await r.cleanup()
  }, 60_000)

  it('dcx init writes Addresses.Gateway on 127.0.0.1, a free port below the ephemeral range, different per repo, and Gateway.NoFetch true', async () => {
    const [low] = (await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/).map(Number)
    const ports = new Set<number>()
    for (const r of repos) {
      const config = await readConfig(r.repo)
      const m = /^\/ip4\/127\.0\.0\.1\/tcp\/(\d+)$/.exec(config.Addresses.Gateway)
      expect(m, config.Addresses.Gateway).not.toBe(null)
      const port = Number(m![1])
      expect(port).toBeGreaterThanOrEqual(10000)
      expect(port).toBeLessThan(low)
      ports.add(port)
      expect(config.Gateway).toEqual({ NoFetch: true })
    }
    expect(ports.size).toBe(repos.length)
  })

  it('the daemon listens there and says so in Kubo\'s words; the port is kept across restarts', async () => {
    const r = repos[0]
    const port = /tcp\/(\d+)$/.exec((await readConfig(r.repo)).Addresses.Gateway)![1]
    for (let i = 0; i < 2; i++) {
      const d = await startDaemon(r.repo)
      try {
        expect(d.output()).toMatch(new RegExp(`^Gateway server listening on /ip4/127\\.0\\.0\\.1/tcp/${port}/http$`, 'm'))
        expect(gatewayUrl(d)).toBe(`http://127.0.0.1:${port}`)
        expect((await get(`${gatewayUrl(d)}/ipfs/bafkqaaa?format=raw`)).status).toBe(200)
      } finally {
        await d.stop()
      }
    }
  })

  it('a repo from before the gateway gets a port and NoFetch on its first daemon start, written and kept', async () => {
    const r = repos[1]
    const old = await readConfig(r.repo)
    delete old.Addresses
    delete old.Gateway
    await writeConfig(r.repo, old)
    const d = await startDaemon(r.repo)
    let url: string
    try {
      url = gatewayUrl(d)
    } finally {
      await d.stop()
    }
    const filled = await readConfig(r.repo)
    expect(filled.Gateway).toEqual({ NoFetch: true })
    expect(`http://127.0.0.1:${/tcp\/(\d+)$/.exec(filled.Addresses.Gateway)![1]}`).toBe(url)
    const again = await startDaemon(r.repo)
    try {
      expect(gatewayUrl(again)).toBe(url)
    } finally {
      await again.stop()
    }
  })

  it('no gateway when Addresses.Gateway is an empty list; an address it cannot use or a bad setting stops the daemon with one line', async () => {
    const r = repos[2]
    const config = await readConfig(r.repo)
    await writeConfig(r.repo, { ...config, Addresses: { Gateway: [] } })
    const d = await startDaemon(r.repo)
    try {
      expect(d.output()).not.toMatch(/Gateway server/)
    } finally {
      await d.stop()
    }
    // the port taken by another program
    const blocker = createServer()
    await new Promise<void>(resolve => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve))
    const taken = (blocker.address() as { port: number }).port
    try {
      await writeConfig(r.repo, { ...config, Addresses: { Gateway: `/ip4/127.0.0.1/tcp/${taken}` } })
      const busy = await failedStart(r.repo)
      expect(busy.code).toBe(1)
      expect(busy.stderr.trim()).toBe(`Error: cannot serve the gateway on /ip4/127.0.0.1/tcp/${taken} (Addresses.Gateway in the repo's config.json): the port is in use: stop what holds it, or give the gateway another port there`)
    } finally {
      blocker.close()
    }
    for (const [change, message] of [
      [{ Addresses: { Gateway: 'localhost:8080' } }, /Addresses.Gateway in the repo's config.json\): give a multiaddr such as \/ip4\/127.0.0.1\/tcp\/8080/],
      [{ Gateway: { NoFetch: 'yes' } }, /Gateway.NoFetch must be true or false, not "yes"/],
      [{ Gateway: { NoFetch: true, RetrievalTimeout: 'soon' } }, /Gateway.RetrievalTimeout must be a duration such as "30s"/]
    ] as const) {
      await writeConfig(r.repo, { ...config, ...change })
      const bad = await failedStart(r.repo)
      expect(bad.code).toBe(1)
      expect(bad.stderr.trim().split('\n')).toHaveLength(1)
      expect(bad.stderr).toMatch(message)
    }
    await writeConfig(r.repo, config)
  })
})

// Who may use the RPC API: POST only, same-origin pages only, the secret of
// API.Authorizations when it lists one (required off loopback), and requests
// that are garbage or too large answered without stopping the daemon.
import { connect } from 'node:net'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dcx, errorLine, tempRepo } from '../helpers/cli.js'
import { startDaemon, type RunningDaemon } from '../helpers/daemon.js'
import { rpcUrl } from './helpers.js'

const TOKEN = 'a-long-random-test-token'

async function raw (url: string, bytes: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(url)
  return await new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => { socket.end(bytes) })
    let out = ''
    socket.on('data', d => { out += d.toString('latin1') })
    socket.on('close', () => resolve(out))
    socket.on('error', reject)
  })
}

describe('RPC API security', () => {
  let r: Awaited<ReturnType<typeof tempRepo>>
  let d: RunningDaemon
  let url: string

  beforeAll(async () => {
    r = await tempRepo()
    const file = join(r.repo, 'config.json')
    const config = JSON.parse(await readFile(file, 'utf8'))
    // off loopback, no secret: the daemon refuses to start, saying how to set one
    await writeFile(file, JSON.stringify({ ...config, Addresses: { ...config.Addresses, API: '/ip4/0.0.0.0/tcp/0' } }))
    const refused = await dcx(['daemon'], { repo: r.repo })
    expect(refused.code).toBe(1)
    expect(errorLine(refused)).toMatch(/^Error: cannot serve the RPC API on \/ip4\/0\.0\.0\.0\/tcp\/0 .*not a loopback address.*dcx config --json API\.Authorizations/)
    await writeFile(file, JSON.stringify({ ...config, API: { Authorizations: { tests: { AuthSecret: `bearer:${TOKEN}` } } } }))
    d = await startDaemon(r.repo)
    url = rpcUrl(d)
  }, 120_000)
  afterAll(async () => {
    await d?.stop()
    await r?.cleanup()
  }, 60_000)

  const auth = { Authorization: `Bearer ${TOKEN}` }

  it('with API.Authorizations: no or a wrong secret gets 403, the right one 200', async () => {
    expect((await fetch(`${url}/api/v0/version`, { method: 'POST' })).status).toBe(403)
    expect((await fetch(`${url}/api/v0/version`, { method: 'POST', headers: { Authorization: 'Bearer wrong' } })).status).toBe(403)
    expect((await fetch(`${url}/api/v0/version`, { method: 'POST', headers: { Authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } })).status).toBe(403)
    const right = await fetch(`${url}/api/v0/version`, { method: 'POST', headers: auth })
    expect(right.status).toBe(200)
    expect((await right.json()).Version).toMatch(/^\d/)
  })

  it('GET is refused (405), as Kubo refuses it: a browser\'s cross-site GET does nothing', async () => {
    const r = await fetch(`${url}/api/v0/id`, { headers: auth })
    expect(r.status).toBe(405)
  })

  it('a POST from another origin\'s page is refused (403); the API\'s own origin passes', async () => {
    expect((await fetch(`${url}/api/v0/id`, { method: 'POST', headers: { ...auth, Origin: 'http://evil.example' } })).status).toBe(403)
    expect((await fetch(`${url}/api/v0/id`, { method: 'POST', headers: { ...auth, Referer: 'http://evil.example/page' } })).status).toBe(403)
    expect((await fetch(`${url}/api/v0/id`, { method: 'POST', headers: { ...auth, Origin: url } })).status).toBe(200)
  })

  it('Kubo\'s error objects: 404 for an unknown command, 400 for a missing argument, 500 for a failing command', async () => {
    const unknown = await fetch(`${url}/api/v0/no/such`, { method: 'POST', headers: auth })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({ Message: 'command not found: "no/such"', Code: 3, Type: 'error' })
    const missing = await fetch(`${url}/api/v0/cat`, { method: 'POST', headers: auth })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toEqual({ Message: 'argument "ipfs-path" is required', Code: 1, Type: 'error' })
    const failing = await fetch(`${url}/api/v0/cat?arg=bafkreiaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`, { method: 'POST', headers: auth })
    expect(failing.status).toBe(500)
    expect((await failing.json()).Type).toBe('error')
  })

  it('garbage, oversized headers, too many arguments and an oversized body leave the daemon serving', async () => {
    expect(await raw(url, 'not http at all\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/)
    expect(await raw(url, `POST /api/v0/id?${'x'.repeat(20_000)} HTTP/1.1\r\nHost: a\r\n\r\n`)).toMatch(/^HTTP\/1\.1 431/)
    const many = await fetch(`${url}/api/v0/version?${'arg=a&'.repeat(300)}`, { method: 'POST', headers: auth })
    expect(many.status).toBe(400)
    const big = await fetch(`${url}/api/v0/version`, { method: 'POST', headers: auth, body: Buffer.alloc(200_000) })
    expect(big.status).toBe(400)
    const badMultipart = await fetch(`${url}/api/v0/add`, { method: 'POST', headers: { ...auth, 'Content-Type': 'multipart/form-data; boundary=b' }, body: '--b\r\nContent-Disposition: form-data; name="file"; filename="..%2Fescape"\r\n\r\nx\r\n--b--\r\n' })
    expect(badMultipart.status).toBe(400)
    expect((await badMultipart.json()).Message).toMatch(/not a relative path/)
    expect((await fetch(`${url}/api/v0/version`, { method: 'POST', headers: auth })).status).toBe(200)
  })
})

// A 256 MiB CAR through the gateway: the same bytes as `dcx dag export`, with
// the daemon's memory bounded while a slow client holds the stream back.
import { spawn } from 'node:child_process'
import { createCipheriv, createHash } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DCX, ok, PROJECT, tempRepo } from '../helpers/cli.js'
import { startDaemon, type RunningDaemon } from '../helpers/daemon.js'
import { gatewayUrl, rssMiB } from '../helpers/gateway.js'

const MiB = 1 << 20
const SIZE = 256 * MiB

/** Incompressible, deterministic bytes: AES-CTR keystream over zeros */
async function makeFile (path: string, size: number): Promise<void> {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16))
  const zeros = Buffer.alloc(4 * MiB)
  const fh = await open(path, 'w')
  for (let left = size; left > 0; left -= zeros.length) await fh.write(cipher.update(zeros.subarray(0, Math.min(left, zeros.length))))
  await fh.close()
}

/** sha256 and length of what `dcx dag export` writes to stdout */
async function exportDigest (repo: string, cid: string): Promise<{ sha: string, bytes: number }> {
  const env = { ...process.env, DCX_PATH: repo }
  delete env.DEBUG
  const child = spawn(DCX, ['dag', 'export', cid], { cwd: PROJECT, env, stdio: ['ignore', 'pipe', 'inherit'] })
  const hash = createHash('sha256')
  let bytes = 0
  child.stdout.on('data', d => { hash.update(d); bytes += d.length })
  const code = await new Promise(resolve => child.once('close', resolve))
  if (code !== 0) throw new Error(`dag export exited ${String(code)}`)
  return { sha: hash.digest('hex'), bytes }
}

describe('a 256 MiB CAR through the gateway', () => {
  let r: Awaited<ReturnType<typeof tempRepo>>
  let d: RunningDaemon
  let cid: string

  beforeAll(async () => {
    r = await tempRepo()
    const file = join(r.dir, 'big.bin')
    await makeFile(file, SIZE)
    cid = (await ok(['add', '-Q', file], { repo: r.repo })).stdout.trim()
    d = await startDaemon(r.repo)
  }, 300_000)
  afterAll(async () => {
    await d?.stop()
    await r?.cleanup()
  }, 60_000)

  it('streams the same bytes as dag export, and a client that stops reading holds the daemon\'s memory down', async () => {
    const pid = d.child.pid as number
    // the daemon's memory before: a few small requests first, so that what the gateway needs anyway is loaded
    for (let i = 0; i < 3; i++) await fetch(`${gatewayUrl(d)}/ipfs/${cid}?format=raw`).then(async res => await res.arrayBuffer())
    const before = await rssMiB(pid)

    const hash = createHash('sha256')
    let received = 0
    let pausedAt = 0
    let stalledRss = 0
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${gatewayUrl(d)}/ipfs/${cid}?format=car`, res => {
        if (res.statusCode !== 200) { reject(new Error(`status ${String(res.statusCode)}`)); return }
        res.on('data', chunk => {
          hash.update(chunk)
          received += chunk.length
          if (pausedAt === 0 && received >= 8 * MiB) {
            // a slow client: read nothing for three seconds, then measure the daemon
            pausedAt = received
            res.pause()
            setTimeout(() => {
              rssMiB(pid).then(rss => { stalledRss = rss; res.resume() }, reject)
            }, 3000)
          }
        })
        res.on('end', () => res.complete ? resolve() : reject(new Error('the stream was cut')))
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end()
    })
    const peak = await rssMiB(pid, 'VmHWM')

    const exported = await exportDigest(r.repo, cid)
    expect(received).toBe(exported.bytes)
    expect(received).toBeGreaterThan(SIZE)
    expect(hash.digest('hex')).toBe(exported.sha)
    // While the client read nothing, the daemon held on to a read-ahead window and socket
    // buffers, not the CAR: had it written without waiting, 256 MiB would be in its memory.
    console.log(`daemon RSS: ${before.toFixed(0)} MiB before, ${stalledRss.toFixed(0)} MiB while the client stalled, peak ${peak.toFixed(0)} MiB`)
    expect(stalledRss - before).toBeLessThan(96)
    expect(d.child.exitCode).toBe(null)
  })
})

import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchDag } from '../src/net/bulk/index.js'
import { startBulkPeer, type BulkPeer } from './helpers/bulk-peer.js'
import { DCX, FIXTURES, ok, PROJECT, tempRepo } from './helpers/cli.js'
import { startDaemon, type RunningDaemon } from './helpers/daemon.js'
import { randomBytes } from './helpers/shapes.js'
import { RepoBlockstore } from '../src/repo/blockstore.js'
import type { BulkProgress } from '../src/net/bulk/index.js'

const MiB = 2 ** 20
const HOOK_MS = 180_000
const WORDCOUNT = join(PROJECT, 'wasm-jobs', 'wordcount.wasm')
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** `dcx cat` as a user runs it, its output hashed as it streams (never held whole);  */
async function catDigest (repo: string, target: string): Promise<{ digest: string, bytes: number, code: number | null, stderr: string }> {
  const child = spawn(DCX, ['cat', target], { cwd: PROJECT, env: { ...process.env, DCX_PATH: repo }, stdio: ['ignore', 'pipe', 'pipe'] })
  const hash = createHash('sha256')
  let bytes = 0
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { hash.update(d); bytes += d.length })
  child.stderr.on('data', d => { stderr += d })
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  return { digest: hash.digest('hex'), bytes, code, stderr }
}

describe('the bulk path between daemons', () => {
  const repos: Record<string, Awaited<ReturnType<typeof tempRepo>>> = {}
  const daemons: Record<string, RunningDaemon> = {}
  let big: Buffer
  let bigCid: string
  let mid: Buffer
  let midCid: string
  let books: string

  beforeAll(async () => {
    for (const name of ['a', 'b', 'd', 'e']) repos[name] = await tempRepo()
    // a and b hold the same 48 MiB (the same CID, added on each); b also holds 32 MiB and the books
    mid = randomBytes(48 * MiB, 51)
    big = randomBytes(32 * MiB, 52)
    await writeFile(join(repos.a.dir, 'mid.bin'), mid)
    await writeFile(join(repos.b.dir, 'mid.bin'), mid)
    await writeFile(join(repos.b.dir, 'big.bin'), big)
    midCid = (await ok(['add', '-Q', join(repos.a.dir, 'mid.bin')], { repo: repos.a.repo })).stdout.trim()
    expect((await ok(['add', '-Q', join(repos.b.dir, 'mid.bin')], { repo: repos.b.repo })).stdout.trim()).toBe(midCid)
    bigCid = (await ok(['add', '-Q', join(repos.b.dir, 'big.bin')], { repo: repos.b.repo })).stdout.trim()
    books = (await ok(['add', '-r', '-Q', join(FIXTURES, 'books')], { repo: repos.b.repo })).stdout.trim()
    for (const name of ['a', 'b', 'd']) daemons[name] = await startDaemon(repos[name].repo)
    await ok(['peers', 'connect', daemons.b.addrs[0]], { repo: repos.d.repo })
  }, HOOK_MS)
  afterAll(async () => {
    for (const d of Object.values(daemons)) await d.stop()
    for (const r of Object.values(repos)) await r.cleanup()
  }, HOOK_MS)

  it('`dcx cat` of a file held by another daemon: byte-identical, over the bulk path', async () => {
    const r = await catDigest(repos.d.repo, bigCid)
    expect(r.stderr).toBe('')
    expect([r.code, r.bytes, r.digest]).toEqual([0, big.length, sha(big)])
    // one transfer of the file's blocks (the requester's memory over 128 and 256 MiB: test/bench/net.js)
    expect(daemons.b.output()).toMatch(new RegExp(`bulk: sent ${bigCid} \\(entity[^)]*\\) to ${daemons.d.peerId}: ${big.length / MiB + 1} blocks`))
  })

  it('`pin add` of a directory the repo lacks, and a job\'s output with `--on`, come over the bulk path', async () => {
    await ok(['pin', 'add', books], { repo: repos.d.repo })
    expect(daemons.b.output()).toMatch(new RegExp(`bulk: sent ${books} \\(all\\) to ${daemons.d.peerId}: \\d+ blocks`))
    const run = JSON.parse((await ok(['run', WORDCOUNT, '--input', books, '--on', daemons.b.peerId, '--json'], { repo: repos.d.repo })).stdout)
    expect(run).toMatchObject({ status: 'exit', exitCode: 0, executor: daemons.b.peerId })
    expect(daemons.b.output()).toMatch(new RegExp(`bulk: sent ${run.output} \\(all\\) to ${daemons.d.peerId}: \\d+ blocks`))
    expect((await ok(['cat', `${run.output}/stdout`], { repo: repos.d.repo })).stdout).toBe(run.stdout)

    // a fresh peer verifies the receipt: the job's spec, module and input come from d over the bulk path
    daemons.e = await startDaemon(repos.e.repo)
    await ok(['peers', 'connect', daemons.d.addrs[0]], { repo: repos.e.repo })
    const verdict = JSON.parse((await ok(['verify', run.receipt, '--json'], { repo: repos.e.repo })).stdout)
    expect(verdict).toMatchObject({ verified: true, executor: daemons.b.peerId })
    // e may also have met b through the DHT; b holds them too
    const served = daemons.d.output() + daemons.b.output()
    expect(served).toContain(`bulk: sent ${run.receipt} (block) to ${daemons.e.peerId}: 1 blocks`)
    expect(served).toMatch(new RegExp(`bulk: sent ${run.job} \\(all\\) to ${daemons.e.peerId}: \\d+ blocks`))
  })

  it('`dcx cat` writes the bytes as their blocks land; a block no peer has still fails it with the fetch\'s error', async () => {
    // b holds a 3 MiB file but has lost its second block (1 MiB leaves)
    const part = randomBytes(3 * MiB, 53)
    await writeFile(join(repos.b.dir, 'part.bin'), part)
    const cid = (await ok(['add', '-Q', join(repos.b.dir, 'part.bin')], { repo: repos.b.repo })).stdout.trim()
    const links = JSON.parse((await ok(['dag', 'get', cid], { repo: repos.b.repo })).stdout).Links as Array<{ Hash: { '/': string } }>
    expect(links).toHaveLength(3)
    const lost = links[1].Hash['/']
    await new RepoBlockstore(join(repos.b.repo, 'blocks')).delete(CID.parse(lost))
    const child = spawn(DCX, ['cat', cid, '--timeout', '2s'], { cwd: PROJECT, env: { ...process.env, DCX_PATH: repos.d.repo }, stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => out.push(d))
    child.stderr.on('data', d => { stderr += d })
    const code = await new Promise<number | null>(resolve => child.once('close', resolve))
    expect(code).toBe(1)
    expect(stderr).toMatch(new RegExp(`^Error: block ${lost} did not arrive within 2 s`))
    // what came before the missing block was written (it used to be held back until the whole fetch had ended)
    expect(Buffer.compare(Buffer.concat(out), part.subarray(0, MiB))).toBe(0)
  })

  it('a provider killed mid-transfer: the fetch resumes from another provider holding the same DAG', async () => {
    const t = await tempRepo()
    let r: BulkPeer | undefined
    try {
      r = await startBulkPeer(t.repo)
      await r.dial(daemons.a.addrs[0])
      await r.dial(daemons.b.addrs[0])
      const asked: Array<{ peer: string, skip: number }> = []
      let fromA = 0
      const result = await fetchDag(r.requester, [peerIdFromString(daemons.a.peerId), peerIdFromString(daemons.b.peerId)], CID.parse(midCid), {
        onProgress: (e: BulkProgress) => {
          if (e.type === 'bulk:provider') asked.push(e.detail)
          // a's process dies with most of the DAG still to send
          if (e.type === 'bulk:block' && e.detail.peer === daemons.a.peerId && ++fromA === 10) daemons.a.child.kill('SIGKILL')
        }
      })
      expect(result.attempts).toHaveLength(2)
      expect(result.attempts[0].peer).toBe(daemons.a.peerId)
      expect(result.attempts[0].error).toBeDefined()
      expect(result.attempts[1]).toEqual({ peer: daemons.b.peerId, blocks: expect.any(Number) })
      expect(asked[1].peer).toBe(daemons.b.peerId)
      expect(asked[1].skip).toBeGreaterThanOrEqual(10)
      // nothing asked twice: what a sent and passed its checks was kept
      expect(result.attempts[0].blocks + result.attempts[1].blocks).toBe(49)
      expect(daemons.b.output()).toContain(`bulk: sent ${midCid} (all, from block ${asked[1].skip}) to ${r.peerId}`)
      await r.stop()
      expect(sha((await ok(['cat', midCid], { repo: t.repo })).stdoutBytes)).toBe(sha(mid))
    } finally {
      await r?.stop()
      await t.cleanup()
    }
  })
})

import { chmod, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { parseCid, parseCidPath } from '../data/cid-path.js'
import { walkDag } from '../data/walk.js'
import { addAndPin } from '../data/add.js'
import { gc } from '../data/gc.js'
import { executeSpec } from '../jobs/execute.js'
import { parseSeed } from '../jobs/parse.js'
import { loadReceipt } from '../jobs/receipts.js'
import { encodeRecord } from '../jobs/records.js'
import { buildJobSpec } from '../jobs/spec.js'
import { summarize } from '../jobs/summary.js'
import { verdictJson, verifyOutput, verifyReceipt } from '../jobs/verify.js'
import { networkBlocks } from '../net/blocks.js'
import { runRemote } from '../net/remote-run.js'
import type { JobContext } from '../jobs/execute.js'
import type { RepoBlockstore } from '../repo/blockstore.js'
import { cat } from '../data/cat.js'
import { BlockNotFoundError, DcxError } from '../errors.js'
import type { DcxNode } from '../net/node.js'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'

/** What the control API serves from */
export interface ApiContext {
  node: DcxNode
  /** The repo as a job context (local blocks, pins, receipts, identity) */
  jobs: Required<JobContext>
}

async function body (req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req) {
    size += (c as Buffer).length
    if (size > 1 << 20) throw new DcxError('request too large', 'ERR_API_REQUEST')
    chunks.push(c as Buffer)
  }
  return chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

function send (res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(value))
}

type Handler = (ctx: ApiContext, args: any, res: ServerResponse, signal: AbortSignal) => Promise<unknown>

/**
 * Writers inside the daemon take turns, as separate processes would on the
 * repo lock: an add and its pins never interleave with a gc.
 */
let writing: Promise<unknown> = Promise.resolve()
function exclusive (handler: Handler): Handler {
  return async (...a) => {
    const turn = writing.then(async () => await handler(...a))
    writing = turn.catch(() => {})
    return await turn
  }
}

const handlers: Record<string, Handler> = {
  '/v0/id': async ({ node }) => ({
    peerId: node.libp2p.peerId.toString(),
    addresses: node.libp2p.getMultiaddrs().map(a => a.toString()),
    protocols: node.libp2p.getProtocols()
  }),
  '/v0/peers/ls': async ({ node }) => node.libp2p.getConnections().map(c => ({ peer: c.remotePeer.toString(), addr: c.remoteAddr.toString() })),
  '/v0/peers/connect': async ({ node }, args, _res, signal) => {
    const conn = await node.libp2p.dial(multiaddr(String(args.addr)), { signal })
    return { peer: conn.remotePeer.toString(), addr: conn.remoteAddr.toString() }
  },
  '/v0/peers/disconnect': async ({ node }, args) => {
    await node.libp2p.hangUp(peerIdFromString(String(args.peer)))
    return { peer: String(args.peer) }
  },
  '/v0/add': exclusive(async ({ jobs }, a, _res, signal) => {
    const out = []
    for await (const added of addAndPin(a.paths, jobs.blockstore, a.pin === false ? undefined : jobs.pins, { ...a.options, signal })) {
      out.push({ cid: added.cid.toString(), name: added.name, size: added.size.toString() })
    }
    return out
  }),
  '/v0/pin/add': exclusive(async ({ node, jobs }, a, _res, signal) => {
    const out = []
    for (const c of a.cids) {
      const cid = parseCid(String(c))
      // fetch what the repo lacks from peers first; the pin is written once the DAG is whole
      if (a.recursive !== false) await walkDag(cid, networkBlocks(node), { readLeaves: true, signal })
      else await networkBlocks(node).getBytes(cid, { signal })
      const pin = await jobs.pins.add(cid, { type: a.recursive === false ? 'direct' : 'recursive', signal })
      out.push({ cid: pin.cid.toString(), type: pin.type })
    }
    return out
  }),
  '/v0/pin/rm': exclusive(async ({ jobs }, a) => {
    for (const c of a.cids) await jobs.pins.rm(parseCid(String(c)))
    return a.cids.map((c: string) => ({ cid: c }))
  }),
  '/v0/pin/ls': async ({ jobs }, _a, _res, signal) => {
    const out = []
    for await (const pin of jobs.pins.ls({ signal })) out.push({ cid: pin.cid.toString(), type: pin.type })
    return out
  },
  '/v0/repo/gc': exclusive(async ({ jobs }, _a, _res, signal) => {
    const removed: string[] = []
    let bytes = 0
    for await (const r of gc(jobs.blockstore, jobs.pins, { signal })) { removed.push(r.cid.toString()); bytes += r.bytes }
    return { removed, bytes }
  }),
  '/v0/receipts/ls': async ({ jobs }, _a, _res, signal) => {
    const out = []
    for await (const { job, receipt } of jobs.receipts.ls({ signal })) {
      const r = await loadReceipt(receipt, jobs.blockstore)
      out.push({ receipt: receipt.toString(), job: job.toString(), status: r.status, exitCode: r.exitCode, time: r.time, output: r.output.toString() })
    }
    return out
  },
  '/v0/run': exclusive(async ({ node, jobs }, a, _res, signal) => {
    const moduleBytes = a.module !== undefined
      ? new Uint8Array(Buffer.from(String(a.module), 'base64'))
      : await networkBlocks(node).getBytes(parseCid(String(a.moduleCid)), { signal })
    const module = CID.createV1(raw.code, await sha256.digest(moduleBytes))
    const spec = buildJobSpec({
      module,
      name: String(a.name),
      args: a.args,
      env: a.env,
      inputs: (a.inputs ?? []).map((i: any) => ({ cid: parseCid(String(i.cid)), path: i.path ?? undefined })),
      limits: a.limits,
      seed: a.seed !== undefined ? parseSeed(String(a.seed)) : undefined
    })
    let on: string = a.on ?? 'local'
    if (a.on === undefined) {
      // local when the inputs are here, else a peer that holds them
      for (const input of spec.inputs) {
        try { await walkDag(input.cid, jobs.blockstore, { signal }) } catch (err) { if (err instanceof BlockNotFoundError) { on = 'auto'; break } throw err }
      }
    }
    if (on === 'local') return await summarize(await executeSpec(spec, moduleBytes, jobs, { force: a.force, timeoutMs: a.timeoutMs, signal }), jobs.blockstore)
    const job = (await encodeRecord(spec)).cid
    const previous = a.force === true ? undefined : await jobs.receipts.get(job)
    if (previous !== undefined && await jobs.blockstore.has(previous)) {
      return await summarize({ job, spec, receipt: { cid: previous, value: await loadReceipt(previous, jobs.blockstore) }, cached: true }, jobs.blockstore)
    }
    return await summarize(await runRemote(node, jobs, spec, moduleBytes, on, { signal }), jobs.blockstore)
  }),
  '/v0/verify': async ({ node, jobs }, a, _res, signal) => {
    // the re-run reads through the network: spec, module and inputs may live elsewhere
    const ctx = { blockstore: networkBlocks(node) as RepoBlockstore, cacheDir: jobs.cacheDir }
    const options = { timeoutMs: a.timeoutMs, signal }
    const verdict = a.job !== undefined
      ? await verifyOutput(parseCid(String(a.target)), parseCid(String(a.job)), ctx, options)
      : await verifyReceipt(parseCid(String(a.target)), ctx, options)
    return verdictJson(verdict)
  },
  '/v0/cat': async ({ node }, args, res, signal) => {
    // streams the bytes; blocks the repo lacks are fetched from peers by bitswap
    const target = parseCidPath(String(args.target))
    const chunks = cat(target, node.blockstore as any, { offset: args.offset, length: args.length, signal, blockReadConcurrency: 32 })
    const first = await chunks.next()
    res.writeHead(200, { 'content-type': 'application/octet-stream' })
    if (first.done !== true) res.write(first.value)
    for await (const chunk of { [Symbol.asyncIterator]: () => chunks }) {
      if (!res.write(chunk)) await new Promise(resolve => res.once('drain', resolve))
    }
    res.end()
    return undefined
  }
}

/**
 * The daemon's control API: JSON over HTTP on a Unix socket inside the repo,
 * mode 0600 in a 0700 repo, so only the repo's owner can reach it.
 */
export async function startApi (path: string, ctx: ApiContext): Promise<Server> {
  await rm(path, { force: true })
  const server = createServer((req, res) => {
    const handler = handlers[req.url ?? '']
    if (req.method !== 'POST' || handler === undefined) { send(res, 404, { error: { code: 'ERR_API_NOT_FOUND', message: `no API call ${req.url}` } }); return }
    const aborter = new AbortController()
    res.on('close', () => aborter.abort())
    body(req)
      .then(async args => await handler(ctx, args, res, aborter.signal))
      .then(value => { if (value !== undefined) send(res, 200, value) })
      .catch((err: any) => {
        if (res.headersSent) { res.destroy(err); return }
        send(res, 500, { error: { code: err?.code ?? 'ERR_INTERNAL', message: String(err?.message ?? err).split('\n')[0] } })
      })
  })
  const old = process.umask(0o177)
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve))
  } finally {
    process.umask(old)
  }
  await chmod(path, 0o600)
  return server
}

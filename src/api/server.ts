import { chmod, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { parseCidPath } from '../data/cid-path.js'
import { cat } from '../data/cat.js'
import { DcxError } from '../errors.js'
import type { DcxNode } from '../net/node.js'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'

/** What the control API serves from */
export interface ApiContext {
  node: DcxNode
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
  '/v0/cat': async ({ node }, args, res, signal) => {
    // streams the bytes; blocks the repo lacks are fetched from peers by bitswap
    const target = parseCidPath(String(args.target))
    const chunks = cat(target, node.blockstore as any, { offset: args.offset, length: args.length, signal })
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

import { createServer } from 'node:http'
import { RpcListenError } from '../errors.js'
import { listenHttp, parseHttpListen } from '../http-listen.js'
import { rpcHandler } from './handler.js'
import { ownOrigins } from './guard.js'
import type { RpcInit } from './handler.js'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import type { Duplex } from 'node:stream'

/** Largest request line and headers together (the query holds the arguments) */
const MAX_HEADER_BYTES = 16384
/** A client must send its headers within this (a body, an upload, may take longer) */
const HEADERS_TIMEOUT_MS = 20_000
/** Connections held at once */
const MAX_CONNECTIONS = 128

/** A running RPC API */
export interface RunningRpc {
  /** Where it listens, e.g. `/ip4/127.0.0.1/tcp/5001/http` */
  addresses: string[]
  /** Stop listening and cut the answers under way */
  close: () => Promise<void>
}

/** Whether a listen host is a loopback address (only this machine can reach it) */
export function isLoopback (host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1'
}

function multiaddrOf (info: AddressInfo): string {
  return `/${info.family === 'IPv6' ? 'ip6' : 'ip4'}/${info.address}/tcp/${info.port}/http`
}

function closeClientSocket (err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) { socket.destroy(); return }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request'
  const body = `${status}: the request is not valid HTTP/1.1 or is too large\n`
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
}

async function listen (server: Server, address: string): Promise<void> {
  const at = parseHttpListen(address, '/ip4/127.0.0.1/tcp/5001')
  if ('why' in at) throw new RpcListenError(address, at.why)
  await listenHttp(server, at, 'the API', why => new RpcListenError(address, why))
}

/**
 * Start the Kubo RPC API on each of `addresses` (multiaddrs). A request
 * whose headers are over `MAX_HEADER_BYTES` (431), that is not HTTP (400),
 * or that is slow to send its headers is answered and its connection
 * closed; none stops the API or the daemon.
 */
export async function startRpc<C> (addresses: string[], init: Omit<RpcInit<C>, 'origins'>): Promise<RunningRpc> {
  const origins = new Set<string>()
  const handler = rpcHandler({ ...init, origins })
  const servers: Server[] = []
  const close = async (): Promise<void> => {
    await Promise.all(servers.map(async s => await new Promise<void>(resolve => {
      s.close(() => resolve())
      s.closeAllConnections()
    })))
  }
  try {
    for (const address of addresses) {
      // requestTimeout 0: an `add` upload may take long; the headers may not
      const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: 0, keepAliveTimeout: 5000 }, handler)
      server.maxConnections = MAX_CONNECTIONS
      server.on('clientError', closeClientSocket)
      await listen(server, address)
      servers.push(server)
    }
  } catch (err) {
    await close()
    throw err
  }
  const infos = servers.map(s => s.address() as AddressInfo)
  for (const o of ownOrigins(infos.map(i => ({ host: i.address, port: i.port })))) origins.add(o)
  return { addresses: infos.map(multiaddrOf), close }
}

import { createServer } from 'node:http'
import { GatewayListenError } from '../errors.js'
import { listenHttp, parseHttpListen } from '../http-listen.js'
import type { ListenAddress } from '../http-listen.js'
import { HEADERS_TIMEOUT_MS, MAX_CONNECTIONS, MAX_HEADER_BYTES } from './constants.js'
import { gatewayHandler } from './handler.js'
import type { GatewayInit } from './handler.js'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'

/** Parse a gateway listen multiaddr; throws `GatewayListenError` naming what is wrong */
export function parseListenAddress (address: string): ListenAddress {
  const at = parseHttpListen(address, '/ip4/127.0.0.1/tcp/8080')
  if ('why' in at) throw new GatewayListenError(address, at.why)
  return at
}

/** The multiaddr a listening server answers on, in the daemon's printed form: `/ip4/127.0.0.1/tcp/8080/http` */
function multiaddrOf (info: AddressInfo): string {
  return `/${info.family === 'IPv6' ? 'ip6' : 'ip4'}/${info.address}/tcp/${info.port}/http`
}

/** A running gateway */
export interface RunningGateway {
  /** Where it listens, e.g. `/ip4/127.0.0.1/tcp/8080/http` */
  addresses: string[]
  /** Stop listening and cut the answers under way (a CAR stream may be long) */
  close: () => Promise<void>
}

function closeClientSocket (err: NodeJS.ErrnoException, socket: import('node:stream').Duplex): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request'
  const body = `${status.slice(4)}: the request is not valid HTTP/1.1 or is too large\n`
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
}

async function listen (server: Server, address: string): Promise<void> {
  await listenHttp(server, parseListenAddress(address), 'the gateway', why => new GatewayListenError(address, why))
}

/**
 * Start the Trustless Gateway on each of `addresses` (multiaddrs). The HTTP
 * server reads at most `MAX_HEADER_BYTES` of headers (431 past it), cuts off
 * a client that takes over `HEADERS_TIMEOUT_MS` to send them, keeps at most
 * `MAX_CONNECTIONS` connections, and answers a request that is not HTTP
 * with a 400 and closes it: none of these stop the gateway or the daemon.
 */
export async function startGateway (addresses: string[], init: GatewayInit): Promise<RunningGateway> {
  const handler = gatewayHandler(init)
  const servers: Server[] = []
  const close = async (): Promise<void> => {
    await Promise.all(servers.map(async s => await new Promise<void>(resolve => {
      s.close(() => resolve())
      s.closeAllConnections()
    })))
  }
  try {
    for (const address of addresses) {
      const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: HEADERS_TIMEOUT_MS, keepAliveTimeout: 5000 }, handler)
      server.maxConnections = MAX_CONNECTIONS
      server.on('clientError', closeClientSocket)
      await listen(server, address)
      servers.push(server)
    }
  } catch (err) {
    await close()
    throw err
  }
  return { addresses: servers.map(s => multiaddrOf(s.address() as AddressInfo)), close }
}

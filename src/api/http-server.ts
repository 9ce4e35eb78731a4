import { createServer } from 'node:http'
import type { RequestListener, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'

/*
 * The daemon's HTTP servers (the Trustless Gateway, the Kubo RPC API): where
 * they listen (a `/ip4|ip6/<addr>/tcp/<port>[/http]` multiaddr from the
 * config) and the limits every connection has, whatever it asks.
 */

/** Most request headers (and request line) read, in bytes (Node's default); more gets 431 */
export const MAX_HEADER_BYTES = 16384

/** Time a client has to send its request headers, ms; a client that trickles them is cut off */
export const HEADERS_TIMEOUT_MS = 20_000

/** A host and TCP port, from `/ip4/<addr>/tcp/<port>` or `/ip6/<addr>/tcp/<port>`, with or without `/http` */
export interface ListenAddress {
  family: 4 | 6
  host: string
  port: number
}

/** Parse a listen multiaddr, or say why it is not one */
export function parseHttpListen (address: string, example: string): ListenAddress | { why: string } {
  const m = /^\/(ip4|ip6)\/([^/]+)\/tcp\/(\d{1,5})(\/http)?\/?$/.exec(address)
  if (m == null) return { why: `give a multiaddr such as ${example}` }
  const port = Number(m[3])
  if (port > 65535) return { why: `port ${port} is not a TCP port (0 to 65535)` }
  return { family: m[1] === 'ip6' ? 6 : 4, host: m[2], port }
}

/** The multiaddr a listening server answers on, in the daemon's printed form: `/ip4/127.0.0.1/tcp/8080/http` */
function multiaddrOf (info: AddressInfo): string {
  return `/${info.family === 'IPv6' ? 'ip6' : 'ip4'}/${info.address}/tcp/${info.port}/http`
}

/** A request that is not HTTP, or whose headers are too large or too slow: answered and closed, never a crash */
function closeClientSocket (err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request'
  const body = `${status.slice(4)}: the request is not valid HTTP/1.1 or is too large\n`
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
}

export interface HttpServersOptions {
  /** Parse one listen address, throwing the service's own error */
  parse: (address: string) => ListenAddress
  /** The service's error for an address it cannot listen on, with the reason in words */
  fail: (address: string, why: string) => Error
  /** The service, as a user would name it ("the gateway"), in what to do when a port is taken */
  what: string
  /** Most connections held at once on each address */
  maxConnections: number
  /** Time a whole request may take, ms; 0 for none (an upload may take long) */
  requestTimeoutMs: number
}

/** Servers started on every address, and how to stop them */
export interface RunningHttpServers {
  /** Where they listen, e.g. `/ip4/127.0.0.1/tcp/8080/http` */
  addresses: string[]
  /** Where they listen, as Node reports it */
  infos: AddressInfo[]
  /** Stop listening and cut the answers under way */
  close: () => Promise<void>
}

/**
 * One HTTP server per address, all with `handler`: headers over
 * `MAX_HEADER_BYTES` get 431, a client slower than `HEADERS_TIMEOUT_MS` to
 * send them is cut off, at most `maxConnections` are held, and a request that
 * is not HTTP gets a 400 and is closed. If one address fails, those started
 * are closed and the error names the address.
 */
export async function startHttpServers (addresses: string[], handler: RequestListener, options: HttpServersOptions): Promise<RunningHttpServers> {
  const servers: Server[] = []
  const close = async (): Promise<void> => {
    await Promise.all(servers.map(async s => await new Promise<void>(resolve => {
      s.close(() => resolve())
      s.closeAllConnections()
    })))
  }
  try {
    for (const address of addresses) {
      const at = options.parse(address)
      const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: options.requestTimeoutMs, keepAliveTimeout: 5000 }, handler)
      server.maxConnections = options.maxConnections
      server.on('clientError', closeClientSocket)
      servers.push(server)
      await listen(server, at, options.what, why => options.fail(address, why))
    }
  } catch (err) {
    await close()
    throw err
  }
  const infos = servers.map(s => s.address() as AddressInfo)
  return { addresses: infos.map(multiaddrOf), infos, close }
}

async function listen (server: Server, at: ListenAddress, what: string, fail: (why: string) => Error): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException): void => {
      const why = err.code === 'EADDRINUSE'
        ? `the port is in use: stop what holds it, or give ${what} another port there`
        : err.code === 'EADDRNOTAVAIL' ? 'no interface on this machine has that address' : err.code === 'EACCES' ? 'permission denied (ports below 1024 need privileges)' : String(err.message)
      reject(fail(why))
    }
    server.once('error', failed)
    server.listen({ host: at.host, port: at.port, ipv6Only: at.family === 6 }, () => {
      server.off('error', failed)
      resolve()
    })
  })
}

import type { Server } from 'node:http'

/*
 * Where the daemon's HTTP servers (the Trustless Gateway, the Kubo RPC API)
 * listen: a `/ip4|ip6/<addr>/tcp/<port>[/http]` multiaddr from the config.
 */

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

/**
 * Start `server` on `at`; a failure becomes `fail(why)`, the reason in words
 * (`what` is the service, named in what to do when the port is taken).
 */
export async function listenHttp (server: Server, at: ListenAddress, what: string, fail: (why: string) => Error): Promise<void> {
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

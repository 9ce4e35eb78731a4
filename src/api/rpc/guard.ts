import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** A secret a request may carry, and the paths it opens */
export interface RpcAuthorization {
  /** The whole `Authorization` header: `Bearer <token>` or `Basic <base64>` */
  header: string
  /** URL path prefixes it opens */
  allowedPaths: string[]
}

function same (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Whether a request's `Authorization` header is one of the configured
 * secrets and that secret opens its path (Kubo's `API.Authorizations`).
 * With none configured, every request may pass.
 */
export function authorized (req: IncomingMessage, path: string, authorizations: RpcAuthorization[]): boolean {
  if (authorizations.length === 0) return true
  const given = req.headers.authorization
  if (given === undefined) return false
  // The scheme is case-insensitive (RFC 9110), the credentials are not
  const space = given.indexOf(' ')
  const normal = space < 0 ? given : given.slice(0, space).toLowerCase() + given.slice(space)
  return authorizations.some(a => {
    const sp = a.header.indexOf(' ')
    const want = a.header.slice(0, sp).toLowerCase() + a.header.slice(sp)
    return same(normal, want) && a.allowedPaths.some(p => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`))
  })
}

/**
 * Whether a request comes from a page of another origin (a browser's
 * cross-site request): its `Origin`, or without one its `Referer`, must be
 * one of the API's own origins. A request without either (curl, Node, Go)
 * passes, as it does on Kubo.
 */
export function sameOrigin (req: IncomingMessage, origins: Set<string>): boolean {
  const origin = req.headers.origin
  if (origin !== undefined) return origins.has(origin)
  const referer = req.headers.referer
  if (referer === undefined) return true
  try {
    return origins.has(new URL(referer).origin)
  } catch {
    return false
  }
}

/** The origins a page served by the API itself would have: its listen addresses, and `localhost` for a loopback one */
export function ownOrigins (hosts: Array<{ host: string, port: number }>): Set<string> {
  const out = new Set<string>()
  for (const { host, port } of hosts) {
    const names = [host.includes(':') ? `[${host}]` : host]
    if (host.startsWith('127.') || host === '::1') names.push('localhost')
    for (const name of names) for (const scheme of ['http', 'https']) out.add(`${scheme}://${name}:${port}`)
  }
  return out
}

import { InvalidArgumentError } from '../errors.js'
import { writeConfig } from './config.js'
import { pickLoopbackPort } from './ports.js'
import type { RepoConfig } from './config.js'

/** One secret an RPC request may carry (Kubo's `API.Authorizations.<name>`) */
export interface ApiAuthorization {
  /** The name it is listed under */
  name: string
  /** The `Authorization` header that carries it: `Bearer <token>` or `Basic <base64 of user:password>` */
  header: string
  /** The URL path prefixes it opens (Kubo's `AllowedPaths`); all of `/api/v0` when absent */
  allowedPaths: string[]
}

/** The RPC API settings a daemon runs with, from the repo config's Kubo-named keys */
export interface ApiSettings {
  /** `Addresses.API`: multiaddrs to listen on (none: no RPC API) */
  addresses: string[]
  /** `API.Authorizations`: when any, every request must carry one of them */
  authorizations: ApiAuthorization[]
}

const HOW_TO_SET = 'set one with: dcx config --json API.Authorizations \'{"me":{"AuthSecret":"bearer:<a long random token>"}}\''

/** Kubo's `AuthSecret`: `bearer:<token>`, `basic:<user>:<password>`, or a bare `<user>:<password>` (basic) */
function authHeader (name: string, secret: unknown): string {
  if (typeof secret !== 'string' || secret === '') throw new InvalidArgumentError(`config.json: API.Authorizations.${name}.AuthSecret must be "bearer:<token>" or "basic:<user>:<password>"; ${HOW_TO_SET}`)
  if (secret.startsWith('bearer:')) {
    const token = secret.slice('bearer:'.length)
    if (token === '') throw new InvalidArgumentError(`config.json: API.Authorizations.${name}.AuthSecret has an empty token; ${HOW_TO_SET}`)
    return `Bearer ${token}`
  }
  const basic = secret.startsWith('basic:') ? secret.slice('basic:'.length) : secret
  if (!basic.includes(':')) throw new InvalidArgumentError(`config.json: API.Authorizations.${name}.AuthSecret must be "bearer:<token>" or "basic:<user>:<password>"; ${HOW_TO_SET}`)
  return `Basic ${Buffer.from(basic, 'utf8').toString('base64')}`
}

/**
 * The RPC API keys of a repo config, checked: `Addresses.API` (a multiaddr
 * or a list) and `API.Authorizations` (`{<name>: {AuthSecret, AllowedPaths}}`).
 */
export function apiSettings (config: RepoConfig): ApiSettings {
  const raw = config.Addresses?.API
  const addresses = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
  if (!addresses.every(a => typeof a === 'string')) throw new InvalidArgumentError(`config.json: Addresses.API must be a multiaddr such as /ip4/127.0.0.1/tcp/5001, or a list of them, not ${JSON.stringify(raw)}`)
  const listed = config.API?.Authorizations ?? {}
  if (listed === null || typeof listed !== 'object' || Array.isArray(listed)) throw new InvalidArgumentError(`config.json: API.Authorizations must be an object of named secrets; ${HOW_TO_SET}`)
  const authorizations = Object.entries(listed).map(([name, entry]): ApiAuthorization => {
    if (entry === null || typeof entry !== 'object') throw new InvalidArgumentError(`config.json: API.Authorizations.${name} must be an object with an AuthSecret; ${HOW_TO_SET}`)
    const paths = entry.AllowedPaths ?? ['/api/v0']
    if (!Array.isArray(paths) || !paths.every(p => typeof p === 'string' && p.startsWith('/'))) throw new InvalidArgumentError(`config.json: API.Authorizations.${name}.AllowedPaths must be a list of paths such as "/api/v0/cat"`)
    return { name, header: authHeader(name, entry.AuthSecret), allowedPaths: paths }
  })
  return { addresses, authorizations }
}

/**
 * Give a repo made before the RPC API existed its `Addresses.API`, once, on
 * the daemon's first start: a free loopback port picked as `dcx init` picks
 * it, written to config.json so that it is kept (tools find the API where
 * they found it before). The caller holds the repo lock.
 */
export async function ensureApiConfig (file: string, config: RepoConfig): Promise<RepoConfig> {
  if (config.Addresses?.API !== undefined) return config
  const taken = [config.Addresses?.Gateway].flat().map(a => Number(/\/tcp\/(\d+)/.exec(a ?? '')?.[1])).filter(Number.isInteger)
  const updated: RepoConfig = { ...config, Addresses: { ...config.Addresses, API: `/ip4/127.0.0.1/tcp/${await pickLoopbackPort('Addresses.API', taken)}` } }
  await writeConfig(file, updated)
  return updated
}

import { InvalidArgumentError } from '../errors.js'
import { writeConfig } from './config.js'
import { pickLoopbackPort } from './ports.js'
import type { RepoConfig } from './config.js'

/** The gateway settings a daemon runs with, from the repo config's Kubo-named keys */
export interface GatewaySettings {
  /** `Addresses.Gateway`: multiaddrs to listen on */
  addresses: string[]
  /** `Gateway.NoFetch`: serve only what the repo holds (default true) */
  noFetch: boolean
  /** `Gateway.RetrievalTimeout`: how long one block may take to arrive from peers, ms (default 30 s, Kubo's) */
  retrievalTimeoutMs: number
}

const DEFAULT_RETRIEVAL_TIMEOUT = '30s'

/** A Go duration as Kubo writes them ("30s", "1m30s", "500ms"), in ms */
export function parseDuration (text: string): number | undefined {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined
  let ms = 0
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * units[m[2]]
  return ms
}

/**
 * The gateway keys of a repo config, checked: `Addresses.Gateway` (a
 * multiaddr or a list of them), `Gateway.NoFetch` (true or false, true when
 * absent) and `Gateway.RetrievalTimeout` (a duration, 30s when absent).
 */
export function gatewaySettings (config: RepoConfig): GatewaySettings {
  const raw = config.Addresses?.Gateway
  const addresses = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
  if (!addresses.every(a => typeof a === 'string')) throw new InvalidArgumentError(`config.json: Addresses.Gateway must be a multiaddr such as /ip4/127.0.0.1/tcp/8080, or a list of them, not ${JSON.stringify(raw)}`)
  const noFetch = config.Gateway?.NoFetch ?? true
  if (typeof noFetch !== 'boolean') throw new InvalidArgumentError(`config.json: Gateway.NoFetch must be true or false, not ${JSON.stringify(noFetch)}`)
  const timeout = config.Gateway?.RetrievalTimeout ?? DEFAULT_RETRIEVAL_TIMEOUT
  const retrievalTimeoutMs = typeof timeout === 'string' ? parseDuration(timeout) : undefined
  if (retrievalTimeoutMs === undefined || retrievalTimeoutMs <= 0) throw new InvalidArgumentError(`config.json: Gateway.RetrievalTimeout must be a duration such as "30s" or "2m", not ${JSON.stringify(timeout)}`)
  return { addresses, noFetch, retrievalTimeoutMs }
}

/**
 * Give a repo made before the gateway existed its gateway keys, once, on
 * the daemon's first start: a free port picked as `dcx init` picks it, and
 * `Gateway.NoFetch: true`. Written to config.json so the port is kept; the
 * caller holds the repo lock. Returns the config as it now is.
 */
export async function ensureGatewayConfig (file: string, config: RepoConfig): Promise<RepoConfig> {
  if (config.Addresses?.Gateway !== undefined && config.Gateway?.NoFetch !== undefined) return config
  const updated: RepoConfig = {
    ...config,
    Addresses: { ...config.Addresses, Gateway: config.Addresses?.Gateway ?? `/ip4/127.0.0.1/tcp/${await pickLoopbackPort('Addresses.Gateway')}` },
    Gateway: { ...config.Gateway, NoFetch: config.Gateway?.NoFetch ?? true }
  }
  await writeConfig(file, updated)
  return updated
}

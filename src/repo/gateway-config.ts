import { readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { InvalidArgumentError } from '../errors.js'
import { writeConfig } from './config.js'
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

/** Lowest port picked for a gateway: below it sit many well-known services */
const PORT_FLOOR = 10000
/** Linux's default ephemeral range, when /proc does not say */
const EPHEMERAL_DEFAULT: [number, number] = [32768, 60999]
const PICK_TRIES = 64
const DEFAULT_RETRIEVAL_TIMEOUT = '30s'

/** The ports the OS hands out by itself (to port-0 listeners and outgoing connections) */
async function ephemeralRange (): Promise<[number, number]> {
  try {
    const [low, high] = (await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).trim().split(/\s+/).map(Number)
    if (Number.isInteger(low) && Number.isInteger(high) && low <= high) return [low, high]
  } catch {}
  return process.platform === 'linux' ? EPHEMERAL_DEFAULT : [49152, 65535]
}

/** Whether nothing listens on 127.0.0.1:`port`; resolves with the port it got (for port 0, the OS's choice) */
async function tryListen (port: number): Promise<number | undefined> {
  return await new Promise(resolve => {
    const server = createServer()
    server.once('error', () => resolve(undefined))
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const got = (server.address() as { port: number }).port
      server.close(() => resolve(got))
    })
  })
}

/**
 * A free port on 127.0.0.1 for a new repo's gateway, kept in its config.
 * Chosen at random below the OS's ephemeral range: ports there are never
 * handed out by the OS itself (to a port-0 listener such as libp2p's, or to
 * an outgoing connection), so the port stays free for this repo's daemon;
 * the random choice among ~20,000 makes two repos' ports differ. Falls back
 * to a port the OS picks if none of the tries is free.
 */
export async function pickGatewayAddress (): Promise<string> {
  const [low, high] = await ephemeralRange()
  const ranges: Array<[number, number]> = []
  if (low - 1 - PORT_FLOOR >= 1000) ranges.push([PORT_FLOOR, low - 1])
  if (65535 - high >= 1000) ranges.push([high + 1, 65535])
  for (let i = 0; i < PICK_TRIES && ranges.length > 0; i++) {
    const [from, to] = ranges[i % ranges.length]
    const port = from + Math.floor(Math.random() * (to - from + 1))
    if (await tryListen(port) !== undefined) return `/ip4/127.0.0.1/tcp/${port}`
  }
  const port = await tryListen(0)
  if (port === undefined) throw new InvalidArgumentError('no free TCP port on 127.0.0.1 for the gateway: set Addresses.Gateway in config.json')
  return `/ip4/127.0.0.1/tcp/${port}`
}

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
    Addresses: { ...config.Addresses, Gateway: config.Addresses?.Gateway ?? await pickGatewayAddress() },
    Gateway: { ...config.Gateway, NoFetch: config.Gateway?.NoFetch ?? true }
  }
  await writeConfig(file, updated)
  return updated
}

import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { InvalidArgumentError } from '../errors.js'
import { apiSettings } from './api-config.js'
import { gatewaySettings } from './gateway-config.js'
import type { PeeringPeer, RepoConfig } from './config.js'

/*
 * `dcx config <key> [<value>]`, as Kubo's `ipfs config`: keys are dotted
 * paths into config.json (`Addresses.Gateway`, `Peering.Peers`,
 * `executor.maxFuel`). Only the keys dcx reads may be set, and a config
 * that would not load is refused before it is written.
 */

/** The top-level keys a user may set */
const SETTABLE = ['listen', 'bootstrap', 'mdns', 'executor', 'pinning', 'bulk', 'Addresses', 'Gateway', 'API', 'Peering'] as const
/** Keys fixed at `dcx init` */
const FIXED: Record<string, string> = {
  version: 'the config format version',
  peerId: 'the repo\'s identity (it comes from identity.key)',
  profile: 'the profile the repo was made with (set listen instead)'
}

/** A key of config.json, as dotted segments; `[]` is a malformed key */
function segments (key: string): string[] {
  const parts = key.split('.')
  if (key === '' || parts.some(p => p === '')) throw new InvalidArgumentError(`'${key}' is not a config key: write a dotted path such as Addresses.Gateway`)
  return parts
}

/** The value at `key`; an unset key is an error naming what is set */
export function getConfigKey (config: RepoConfig, key: string): unknown {
  let node: unknown = config
  for (const part of segments(key)) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) {
      throw new InvalidArgumentError(`config key ${key} is not set: \`dcx config show\` prints the config`)
    }
    node = (node as Record<string, unknown>)[part]
  }
  return node
}

/** The config with `key` set to `value` (intermediate objects made as needed), checked as a whole */
export function setConfigKey (config: RepoConfig, key: string, value: unknown): RepoConfig {
  const parts = segments(key)
  if (Object.hasOwn(FIXED, parts[0])) throw new InvalidArgumentError(`${parts[0]} is ${FIXED[parts[0]]}: it cannot be set`)
  if (!(SETTABLE as readonly string[]).includes(parts[0])) throw new InvalidArgumentError(`${parts[0]} is not a key dcx reads: the keys are ${SETTABLE.join(', ')}`)
  const updated = structuredClone(config) as unknown as Record<string, unknown>
  let node = updated
  for (const part of parts.slice(0, -1)) {
    const next = node[part]
    if (next === undefined) node[part] = {}
    else if (next === null || typeof next !== 'object' || Array.isArray(next)) throw new InvalidArgumentError(`cannot set ${key}: ${part} holds ${JSON.stringify(next)}, not an object`)
    node = node[part] as Record<string, unknown>
  }
  node[parts[parts.length - 1]] = value
  checkConfig(updated as unknown as RepoConfig)
  return updated as unknown as RepoConfig
}

function isMultiaddr (text: unknown): boolean {
  if (typeof text !== 'string') return false
  try {
    multiaddr(text)
    return true
  } catch {
    return false
  }
}

function isPeerId (text: unknown): boolean {
  if (typeof text !== 'string') return false
  try {
    peerIdFromString(text)
    return true
  } catch {
    return false
  }
}

function multiaddrList (key: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every(isMultiaddr)) {
    throw new InvalidArgumentError(`config.json: ${key} must be a list of multiaddrs such as ["/ip4/127.0.0.1/tcp/4001"], not ${JSON.stringify(value)}`)
  }
  return value
}

/** `Peering.Peers`, checked: `[{ID, Addrs}]` */
export function peeringPeers (config: RepoConfig): PeeringPeer[] {
  const peers = config.Peering?.Peers ?? []
  const shape = 'a list of {"ID": "<peer ID>", "Addrs": ["<multiaddr>", ...]}'
  if (!Array.isArray(peers)) throw new InvalidArgumentError(`config.json: Peering.Peers must be ${shape}, not ${JSON.stringify(peers)}`)
  for (const p of peers) {
    if (p === null || typeof p !== 'object' || !isPeerId(p.ID)) {
      throw new InvalidArgumentError(`config.json: Peering.Peers must be ${shape}; ${JSON.stringify(p)} has no peer ID`)
    }
    multiaddrList(`Peering.Peers (${p.ID}).Addrs`, p.Addrs ?? [])
  }
  return peers.map(p => ({ ID: p.ID, Addrs: p.Addrs ?? [] }))
}

/**
 * Check the keys dcx reads (the executor's are checked by its policy, in
 * `net/`): what `dcx config` writes and the daemon starts from.
 */
export function checkConfig (config: RepoConfig): void {
  multiaddrList('listen', config.listen)
  multiaddrList('bootstrap', config.bootstrap)
  if (typeof config.mdns !== 'boolean') throw new InvalidArgumentError(`config.json: mdns must be true or false, not ${JSON.stringify(config.mdns)}`)
  if (config.bulk !== undefined && typeof config.bulk !== 'boolean') throw new InvalidArgumentError(`config.json: bulk must be true or false, not ${JSON.stringify(config.bulk)}`)
  for (const section of ['executor', 'pinning'] as const) {
    const value = config[section]
    if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw new InvalidArgumentError(`config.json: ${section} must be an object of settings, not ${JSON.stringify(value)}`)
    }
  }
  for (const [section, known] of [['Addresses', ['Gateway', 'API']], ['Gateway', ['NoFetch', 'RetrievalTimeout']], ['API', ['Authorizations']], ['Peering', ['Peers']]] as const) {
    const value = (config as unknown as Record<string, unknown>)[section]
    if (value === undefined) continue
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidArgumentError(`config.json: ${section} must be an object, not ${JSON.stringify(value)}`)
    const unknown = Object.keys(value).filter(k => !(known as readonly string[]).includes(k))
    if (unknown.length > 0) throw new InvalidArgumentError(`config.json: ${section}.${unknown[0]} is not a key dcx reads (${section} has ${known.join(', ')})`)
  }
  gatewaySettings(config)
  apiSettings(config)
  peeringPeers(config)
}

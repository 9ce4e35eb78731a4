import { readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { storageFailure } from '../errors.js'
import { NotARepoError } from './errors.js'

export type RepoProfile = 'local' | 'server'

/** The repo's config file (`config.json`) */
export interface RepoConfig {
  /** Format version of this file */
  version: 1
  /** The profile the repo was initialised with */
  profile: RepoProfile
  /** The peer ID derived from `identity.key` */
  peerId: string
  /** libp2p listen addresses for `dcx daemon` */
  listen: string[]
  /** Peers dialled at start; empty by default, so nothing outside is contacted */
  bootstrap: string[]
  /** LAN discovery by mDNS: off unless a user turns it on */
  mdns: boolean
  /** What this peer's daemon accepts from others over the job protocol (see `net/jobs/policy.ts`); defaults apply to what is left out */
  executor?: Record<string, unknown>
  /** Serve DAGs to dcx peers over the bulk transfer path (`net/bulk/`); default true. Off, peers fetch from this one over bitswap */
  bulk?: boolean
  /** Whether this peer's daemon fetches and pins DAGs other peers ask it to (see `net/jobs/policy.ts`); off by default */
  pinning?: Record<string, unknown>
  /** Kubo's `Addresses` section: `Gateway` is where the daemon serves the Trustless Gateway, `API` the Kubo RPC API (a multiaddr, or a list) */
  Addresses?: { Gateway?: string | string[], API?: string | string[] }
  /** Kubo's `Gateway` section: `NoFetch` (serve only what the repo holds), `RetrievalTimeout` (e.g. "30s") */
  Gateway?: { NoFetch?: boolean, RetrievalTimeout?: string }
  /** Kubo's `API` section: `Authorizations` lists the secrets an RPC request may carry (required on a non-loopback `Addresses.API`) */
  API?: { Authorizations?: Record<string, { AuthSecret?: string, AllowedPaths?: string[] }> }
  /** Kubo's `Peering` section: peers the daemon connects to at start and reconnects to whenever the connection drops */
  Peering?: { Peers?: PeeringPeer[] }
}

/** A peer to stay connected to, in Kubo's shape (`peer.AddrInfo`) */
export interface PeeringPeer {
  /** Its peer ID */
  ID: string
  /** Where to dial it (multiaddrs without `/p2p/`) */
  Addrs: string[]
}

/** The ports `dcx init` picked for a new repo's daemon */
export interface InitPorts {
  /** libp2p's TCP listener (the local profile; the server profile uses Kubo's 4001) */
  swarm?: number
  /** The Trustless Gateway */
  gateway?: number
  /** The Kubo RPC API */
  api?: number
}

/**
 * The defaults a profile writes: `local` stays on loopback, `server` listens
 * on all interfaces for libp2p (Kubo's port 4001). The ports given are kept,
 * so that the daemon listens on the same address at every start; without
 * one, local libp2p takes a port the OS picks. The gateway, when a port is
 * given, is on loopback in both (as Kubo's is) and serves only what the
 * repo holds. No peers to keep connected (`Peering.Peers`) until the user
 * lists some.
 */
export function defaultConfig (profile: RepoProfile, peerId: string, ports: InitPorts = {}): RepoConfig {
  return {
    version: 1,
    profile,
    peerId,
    listen: profile === 'server' ? ['/ip4/0.0.0.0/tcp/4001'] : [`/ip4/127.0.0.1/tcp/${ports.swarm ?? 0}`],
    bootstrap: [],
    mdns: false,
    ...(ports.gateway !== undefined || ports.api !== undefined
      ? {
          Addresses: {
            ...(ports.gateway !== undefined ? { Gateway: `/ip4/127.0.0.1/tcp/${ports.gateway}` } : {}),
            ...(ports.api !== undefined ? { API: `/ip4/127.0.0.1/tcp/${ports.api}` } : {})
          }
        }
      : {}),
    ...(ports.gateway !== undefined ? { Gateway: { NoFetch: true } } : {}),
    Peering: { Peers: [] }
  }
}

/** Read and check a repo's config file */
export async function readConfig (file: string, root: string): Promise<RepoConfig> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err: any) {
    if (err.code === 'ENOENT') throw new NotARepoError(root, 'no config.json')
    throw storageFailure(err, file) ?? err
  }
  let parsed: RepoConfig
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new NotARepoError(root, 'config.json is not valid JSON')
  }
  if (parsed?.version !== 1 || typeof parsed.peerId !== 'string') {
    throw new NotARepoError(root, 'config.json has no version 1 dcx config')
  }
  return parsed
}

/** Write a config file so that a crash or a full disk never leaves it half-written */
export async function writeConfig (file: string, config: RepoConfig): Promise<void> {
  const tmp = `${file}.tmp`
  try {
    await writeFile(tmp, JSON.stringify(config, null, 2) + '\n', { mode: 0o644 })
    await rename(tmp, file)
  } catch (err) {
    await unlink(tmp).catch(() => {})
    throw storageFailure(err, file) ?? err
  }
}

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
  /** Whether this peer's daemon fetches and pins DAGs other peers ask it to (see `net/jobs/policy.ts`); off by default */
  pinning?: Record<string, unknown>
  /** Kubo's `Addresses` section: `Gateway` is where the daemon serves the Trustless Gateway (a multiaddr, or a list) */
  Addresses?: { Gateway?: string | string[] }
  /** Kubo's `Gateway` section: `NoFetch` (serve only what the repo holds), `RetrievalTimeout` (e.g. "30s") */
  Gateway?: { NoFetch?: boolean, RetrievalTimeout?: string }
}

/**
 * The defaults a profile writes: `local` stays on loopback, `server` listens
 * on all interfaces for libp2p. The gateway, when an address is given, is on
 * loopback in both (as Kubo's is) and serves only what the repo holds.
 */
export function defaultConfig (profile: RepoProfile, peerId: string, gateway?: string): RepoConfig {
  return {
    version: 1,
    profile,
    peerId,
    listen: profile === 'server' ? ['/ip4/0.0.0.0/tcp/4001'] : ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [],
    mdns: false,
    ...(gateway !== undefined ? { Addresses: { Gateway: gateway }, Gateway: { NoFetch: true } } : {})
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

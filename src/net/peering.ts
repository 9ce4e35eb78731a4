import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { DcxNode } from './node.js'
import type { PeeringPeer } from '../repo/config.js'
import type { PeerId } from '@libp2p/interface'

/** libp2p re-dials a peer whose tags start with `keep-alive` (`KEEP_ALIVE` in @libp2p/interface) as soon as its connection closes */
const PEERING_TAG = 'keep-alive-peering'
/** The first wait before dialling an unreachable peer again, doubled each time up to the most (Kubo's peering service waits up to 10 min) */
const FIRST_RETRY_MS = 5_000
const MAX_RETRY_MS = 10 * 60_000

export interface PeeringOptions {
  /** One line per event worth logging */
  log?: (line: string) => void
}

/** The daemon's `Peering.Peers`, kept connected */
export interface Peering {
  stop: () => void
}

/**
 * Keep connected to the configured peers, as Kubo's `Peering.Peers`: each is
 * dialled at start and tagged `keep-alive`, so libp2p re-dials it at once
 * when the connection drops; when libp2p gives up (after its few retries),
 * or the first dial fails, it is tried again later, waiting twice as long
 * each time up to 10 minutes, for as long as the daemon runs.
 */
export async function startPeering (node: DcxNode, peers: PeeringPeer[], options: PeeringOptions = {}): Promise<Peering> {
  const { libp2p } = node
  const timers = new Map<string, NodeJS.Timeout>()
  const waits = new Map<string, number>()
  const ids = new Map<string, PeerId>()
  let stopped = false

  const dial = (id: PeerId): void => {
    const key = id.toString()
    libp2p.dial(id).then(() => {
      if (waits.has(key)) options.log?.(`peering: connected to ${key}`)
      waits.delete(key)
    }, (err: Error) => {
      if (stopped) return
      const wait = Math.min((waits.get(key) ?? FIRST_RETRY_MS / 2) * 2, MAX_RETRY_MS)
      waits.set(key, wait)
      options.log?.(`peering: cannot reach ${key} (${err.message.split('\n')[0]}); trying again in ${Math.round(wait / 1000)} s`)
      timers.set(key, setTimeout(() => { void tag(id).then(() => dial(id)) }, wait).unref())
    })
  }
  const tag = async (id: PeerId, addrs?: string[]): Promise<void> => {
    await libp2p.peerStore.merge(id, {
      ...(addrs !== undefined ? { multiaddrs: addrs.map(a => multiaddr(a)) } : {}),
      tags: { [PEERING_TAG]: { value: 100 } }
    })
  }
  // libp2p untags a peer it could not reconnect to: keep trying, more slowly
  const onGiveUp = (evt: CustomEvent<PeerId>): void => {
    const id = ids.get(evt.detail.toString())
    if (id !== undefined && !stopped) void tag(id).then(() => dial(id))
  }
  libp2p.addEventListener('peer:reconnect-failure', onGiveUp as any)

  for (const peer of peers) {
    const id = peerIdFromString(peer.ID)
    ids.set(id.toString(), id)
    await tag(id, peer.Addrs)
    dial(id)
  }
  return {
    stop: () => {
      stopped = true
      libp2p.removeEventListener('peer:reconnect-failure', onGiveUp as any)
      for (const t of timers.values()) clearTimeout(t)
    }
  }
}

import { peerIdFromCID } from '@libp2p/peer-id'
import type { DcxNode } from './node.js'
import type { PeerId } from '@libp2p/interface'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/** A peer that announced a CID, with where to reach it */
export interface ProviderPeer {
  id: PeerId
  addrs: string[]
}

/**
 * The providers of a CID through the node's routing (the LAN DHT), other than
 * this peer, each once. Their addresses are remembered so they can be dialled.
 * The search ends with the signal; ending that way is not an error.
 */
export async function * findProviderPeers (node: DcxNode, cid: CID, options: AbortOptions = {}): AsyncGenerator<ProviderPeer> {
  const self = node.libp2p.peerId
  const seen = new Set<string>()
  try {
    for await (const p of (node.routing as any).findProviders(cid, { signal: options.signal })) {
      // Helia's routing names providers by CID, libp2p by peer ID
      const id = peerIdFromCID(p.id)
      if (id.equals(self) || seen.has(id.toString())) continue
      seen.add(id.toString())
      if (p.multiaddrs?.length > 0) await node.libp2p.peerStore.merge(id, { multiaddrs: p.multiaddrs }).catch(() => {})
      yield { id, addrs: (p.multiaddrs ?? []).map((a: any) => a.toString()) }
    }
  } catch (err) {
    if (options.signal?.aborted !== true) throw err
  }
}

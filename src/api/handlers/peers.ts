import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { parseCid } from '../../data/cid-path.js'
import { findProviderPeers } from '../../net/providers.js'
import type { Handler } from '../handler.js'

/** The live node: identity, connections, providers */
export const peerHandlers: Record<string, Handler> = {
  '/v0/id': async ({ node }) => ({
    peerId: node.libp2p.peerId.toString(),
    addresses: node.libp2p.getMultiaddrs().map(a => a.toString()),
    protocols: node.libp2p.getProtocols()
  }),
  '/v0/peers/ls': async ({ node }) => node.libp2p.getConnections().map(c => ({ peer: c.remotePeer.toString(), addr: c.remoteAddr.toString(), direction: c.direction })),
  '/v0/peers/connect': async ({ node }, args, _res, signal) => {
    const conn = await node.libp2p.dial(multiaddr(String(args.addr)), { signal })
    return { peer: conn.remotePeer.toString(), addr: conn.remoteAddr.toString() }
  },
  '/v0/peers/disconnect': async ({ node }, args) => {
    // closes the connections; like Kubo's `swarm disconnect` it bans nobody:
    // the peer may dial again (libp2p re-dials the DHT neighbours it keeps)
    await node.libp2p.hangUp(peerIdFromString(String(args.peer)))
    return { peer: String(args.peer) }
  },
  '/v0/providers': async ({ node }, args, _res, signal) => {
    const limit = Number(args.limit ?? 20)
    const out: Array<{ peer: string, addrs: string[] }> = []
    const search = AbortSignal.any([signal, AbortSignal.timeout(Number(args.timeoutMs ?? 10_000))])
    for await (const p of findProviderPeers(node, parseCid(String(args.cid)), search)) {
      out.push({ peer: p.id.toString(), addrs: p.addrs })
      if (out.length >= limit) break
    }
    signal.throwIfAborted()
    return out
  }
}

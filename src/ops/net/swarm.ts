import * as z from 'zod/mini'
import { InvalidArgumentError } from '../../errors.js'
import { defineOp } from '../operation.js'

/** The prefix of libp2p's tags that make it re-dial a peer (`KEEP_ALIVE` in @libp2p/interface) */
const KEEP_ALIVE = 'keep-alive'

/** One connection, as `peers ls --json` prints it */
export interface PeerJson {
  peer: string
  addr: string
  direction: 'inbound' | 'outbound'
}

/** `swarm/peers`: the daemon's connections */
export const swarmPeersOp = defineOp({
  name: 'swarm/peers',
  access: 'node',
  input: z.strictObject({}),
  run: async (ctx): Promise<PeerJson[]> => ctx.node().node.libp2p.getConnections().map(c => ({ peer: c.remotePeer.toString(), addr: c.remoteAddr.toString(), direction: c.direction }))
})

/**
 * `peers/roots`: every connected peer, its addresses, and which of this
 * repo's recursively pinned roots it holds in full (asked over the job
 * protocol; bounded in roots and time: `net/peer-roots.ts`)
 */
export const peersRootsOp = defineOp({
  name: 'peers/roots',
  access: 'node',
  input: z.strictObject({}),
  run: async (ctx, _input, { signal }): Promise<{ peers: import('../../net/peer-roots.js').PeerRoots[] }> => {
    const { MAX_ASKED_ROOTS, peerRoots } = await import('../../net/peer-roots.js')
    const roots = []
    for await (const pin of ctx.repo().pins.ls({ signal })) {
      if (pin.type !== 'recursive') continue
      roots.push(pin.cid)
      if (roots.length === MAX_ASKED_ROOTS) break
    }
    return { peers: await peerRoots(ctx.node().node, roots, { signal }) }
  }
})

/** `swarm/connect`: dial a peer at a multiaddr (with `/p2p/<peer ID>`) */
export const swarmConnectOp = defineOp({
  name: 'swarm/connect',
  access: 'node',
  input: z.strictObject({ addr: z.string().check(z.minLength(1)) }),
  run: async (ctx, { addr }, { signal }): Promise<{ peer: string, addr: string }> => {
    const { multiaddr } = await import('@multiformats/multiaddr')
    let target
    try {
      target = multiaddr(addr)
    } catch {
      throw new InvalidArgumentError(`'${addr}' is not a multiaddr: give one such as /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...`)
    }
    const conn = await ctx.node().node.libp2p.dial(target, { signal })
    return { peer: conn.remotePeer.toString(), addr: conn.remoteAddr.toString() }
  }
})

/**
 * `swarm/disconnect`: close the connections to a peer. The DHT tags its
 * closest peers `keep-alive`, and libp2p re-dials such a peer at once when
 * its connection closes; a user who asked to disconnect means it, so the
 * tags go first. Like Kubo's `swarm disconnect` it bans nobody: the peer may
 * dial again, and this peer will when it next needs it.
 */
export const swarmDisconnectOp = defineOp({
  name: 'swarm/disconnect',
  access: 'node',
  input: z.strictObject({ peer: z.string().check(z.minLength(1)) }),
  run: async (ctx, { peer }): Promise<{ peer: string }> => {
    const { peerIdFromString } = await import('@libp2p/peer-id')
    let id
    try {
      id = peerIdFromString(peer)
    } catch {
      throw new InvalidArgumentError(`'${peer}' is not a peer ID: give one such as 12D3KooW... (see \`dcx peers ls\`)`)
    }
    const { libp2p } = ctx.node().node
    try {
      const known = await libp2p.peerStore.get(id)
      const tags = Object.fromEntries([...known.tags.keys()].filter(k => k.startsWith(KEEP_ALIVE)).map(k => [k, undefined]))
      if (Object.keys(tags).length > 0) await libp2p.peerStore.merge(id, { tags })
    } catch {}
    await libp2p.hangUp(id)
    return { peer }
  }
})

/** `routing/findprovs`: peers that provide a CID on the DHT (connected ones first), at most `limit`, within `timeoutMs` */
export const findProvsOp = defineOp({
  name: 'routing/findprovs',
  access: 'node',
  input: z.strictObject({ cid: z.string().check(z.minLength(1)), limit: z.optional(z.int().check(z.positive())), timeoutMs: z.optional(z.int().check(z.positive())) }),
  run: async (ctx, { cid, limit, timeoutMs }, { signal }): Promise<Array<{ peer: string, addrs: string[] }>> => {
    const [{ parseCid }, { findProviderPeers }] = await Promise.all([import('../../data/cid-path.js'), import('../../net/providers.js')])
    const target = parseCid(cid)
    const out: Array<{ peer: string, addrs: string[] }> = []
    const search = AbortSignal.any([...(signal !== undefined ? [signal] : []), AbortSignal.timeout(timeoutMs ?? 10_000)])
    for await (const p of findProviderPeers(ctx.node().node, target, { signal: search })) {
      out.push({ peer: p.id.toString(), addrs: p.addrs })
      if (out.length >= (limit ?? 20)) break
    }
    signal?.throwIfAborted()
    return out
  }
})

import { askHeldBytes } from './jobs/client.js'
import type { DcxNode } from './node.js'
import type { PeerId } from '@libp2p/interface'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/** Most roots asked about: one have-request per root and peer */
export const MAX_ASKED_ROOTS = 64
/** How long the whole survey may take */
export const PEER_ROOTS_TIMEOUT_MS = 5_000
/** Have-requests open at once to one peer */
const PER_PEER = 8

/** One connected peer, and which of the roots asked about it holds in full */
export interface PeerRoots {
  peer: string
  /** Its connections' remote addresses */
  addrs: string[]
  roots: string[]
  /** It did not answer every question in time (or does not speak the job protocol): `roots` may be short */
  unknown?: true
}

/**
 * Every connected peer, its addresses, and which of `roots` it holds in
 * full, by the job protocol's have-request (a dcx peer answers the bytes it
 * holds of a DAG, 0 unless it has every block). At most `MAX_ASKED_ROOTS`
 * roots (the first), and `PEER_ROOTS_TIMEOUT_MS` in all: a peer that does
 * not answer in time is `unknown`.
 */
export async function peerRoots (node: DcxNode, roots: CID[], options: AbortOptions = {}): Promise<PeerRoots[]> {
  const asked = roots.slice(0, MAX_ASKED_ROOTS)
  const within = AbortSignal.any([AbortSignal.timeout(PEER_ROOTS_TIMEOUT_MS), ...(options.signal !== undefined ? [options.signal] : [])])
  const byPeer = new Map<string, { id: PeerId, addrs: string[] }>()
  for (const c of node.libp2p.getConnections()) {
    const key = c.remotePeer.toString()
    const entry = byPeer.get(key) ?? { id: c.remotePeer, addrs: [] }
    const addr = c.remoteAddr.toString()
    if (!entry.addrs.includes(addr)) entry.addrs.push(addr)
    byPeer.set(key, entry)
  }
  return await Promise.all([...byPeer].map(async ([peer, { id, addrs }]) => {
    const held: string[] = []
    let unknown = false
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < asked.length && !within.aborted) {
        const root = asked[next++]
        const bytes = await askHeldBytes(node, id, [root], { signal: within }).catch(() => undefined)
        if (bytes === undefined) unknown = true
        else if (bytes > 0) held.push(root.toString())
      }
    }
    await Promise.all(Array.from({ length: Math.min(PER_PEER, asked.length) }, worker))
    if (next < asked.length) unknown = true
    options.signal?.throwIfAborted()
    // in the order asked, whatever order the answers came in
    const roots = asked.map(String).filter(r => held.includes(r))
    return { peer, addrs, roots, ...(unknown ? { unknown: true as const } : {}) }
  }))
}

import { CID } from 'multiformats/cid'
import { multihashKey } from '../data/walk.js'

/** A want as @helia/bitswap's provider side keeps it for one peer */
interface LedgerWant {
  cid: CID
  status: 'want' | 'sending' | 'sent'
}

/** The parts of @helia/bitswap 4's provider side this touches (internal, so checked before use) */
interface PeerWantLists {
  ledgerMap: { get: (peer: unknown) => { wants: Map<string, LedgerWant> } | undefined }
  receiveMessage: (peer: unknown, message: { wantlist?: { entries?: Array<{ cid: Uint8Array, cancel?: boolean }> } }) => void
}

/**
 * Make the node answer a peer that wants a block again after it was sent.
 *
 * @helia/bitswap (4.0.19) keeps each want it answered as `sent` in the
 * peer's ledger until `doNotResendBlockWindow` (5 s) passes, and a Helia
 * requester never sends the cancel that would remove it (its want list
 * skips cancelled entries when it sends). A later want of the same block
 * from the same peer on the same connection (it fetched a DAG, collected
 * it with `repo gc`, fetches it again) then only updates the `sent` entry,
 * which is dropped as expired without the block ever going out: the
 * requester waits until its fetch times out. Here a want for a block the
 * ledger holds as `sent` replaces that entry, so it is answered as a new
 * one. Does nothing if bitswap's internals are not as expected (the test
 * `test/bitswap-refetch.spec.ts` then fails).
 */
export function answerRepeatedWants (helia: { blockBrokers?: unknown[] }): void {
  const broker = helia.blockBrokers?.find((b: any) => b?.name === 'bitswap') as { bitswap?: { peerWantLists?: PeerWantLists } } | undefined
  const lists = broker?.bitswap?.peerWantLists
  if (typeof lists?.receiveMessage !== 'function' || typeof lists.ledgerMap?.get !== 'function') return
  const receive = lists.receiveMessage.bind(lists)
  lists.receiveMessage = (peer, message) => {
    const wants = lists.ledgerMap.get(peer)?.wants
    const entries = message?.wantlist?.entries ?? []
    if (wants !== undefined && wants.size > 0 && entries.length > 0) {
      const wanted = new Set<string>()
      for (const entry of entries) {
        if (entry.cancel === true) continue
        try {
          wanted.add(multihashKey(CID.decode(entry.cid)))
        } catch {}
      }
      for (const [key, want] of wants) {
        if (want.status === 'sent' && wanted.has(multihashKey(want.cid))) wants.delete(key)
      }
    }
    receive(peer, message)
  }
}

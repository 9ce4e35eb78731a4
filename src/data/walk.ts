import { base32upper } from 'multiformats/bases/base32'
import { BlockNotFoundError } from '../repo/errors.js'
import { blockLinks, mayHaveLinks } from './links.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/** What a DAG walk needs from a blockstore */
export interface WalkStore {
  getBytes: (cid: CID, options?: AbortOptions) => Promise<Uint8Array>
  has: (cid: CID, options?: AbortOptions) => Promise<boolean>
}

export interface WalkOptions extends AbortOptions {
  /** Multihashes (base32upper) already seen; shared across walks to skip common subtrees */
  seen?: Set<string>
  /** Called with every block reached, including leaves */
  onBlock?: (cid: CID, bytes: Uint8Array | undefined) => void | Promise<void>
  /** Read raw leaves too (for hash checks); by default only their presence is checked */
  readLeaves?: boolean
}

/** The key a walk uses for "seen": the multihash, as the blockstore keys blocks */
export function multihashKey (cid: CID): string {
  return base32upper.encode(cid.multihash.bytes)
}

/**
 * Visit every block of the DAG under `root`, depth first in link order (the
 * order a CAR export writes them). A missing block raises the store's
 * not-found error naming that block's CID.
 */
export async function walkDag (root: CID, store: WalkStore, options: WalkOptions = {}): Promise<void> {
  const seen = options.seen ?? new Set<string>()
  const stack: CID[] = [root]
  while (stack.length > 0) {
    options.signal?.throwIfAborted()
    const cid = stack.pop() as CID
    const key = multihashKey(cid)
    if (seen.has(key)) continue
    seen.add(key)
    if (!mayHaveLinks(cid) && options.readLeaves !== true) {
      if (!(await store.has(cid, options))) throw new BlockNotFoundError(cid.toString())
      await options.onBlock?.(cid, undefined)
      continue
    }
    const bytes = await store.getBytes(cid, options)
    await options.onBlock?.(cid, bytes)
    const links = blockLinks(cid, bytes)
    for (let i = links.length - 1; i >= 0; i--) stack.push(links[i])
  }
}

import * as dagPb from '@ipld/dag-pb'
import { BlockNotFoundError } from '../repo/errors.js'
import { walkDag } from './walk.js'
import type { WalkStore } from './walk.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/**
 * The bytes of a DAG held here in full, or 0 when any block is missing. The
 * size is the root block plus its links' cumulative sizes (dag-pb Tsize), so
 * only the root is read; the walk only checks that every block is present.
 */
export async function heldDagBytes (root: CID, store: WalkStore, options: AbortOptions = {}): Promise<number> {
  try {
    await walkDag(root, store, options)
  } catch (err) {
    if (err instanceof BlockNotFoundError) return 0
    throw err
  }
  const bytes = await store.getBytes(root, options)
  if (root.code !== dagPb.code) return bytes.length
  return bytes.length + dagPb.decode(bytes).Links.reduce((n, l) => n + (l.Tsize ?? 0), 0)
}

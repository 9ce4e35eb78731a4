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
  return (await dagBytes(root, store, options)) ?? 0
}

/**
 * The bytes of the blocks of a DAG as its root states them: for dag-pb the
 * root block plus its links' cumulative sizes (Tsize), read from the root
 * alone; for a single raw block its size; otherwise unknown (undefined).
 */
export async function dagBytes (root: CID, store: Pick<WalkStore, 'getBytes'>, options: AbortOptions = {}): Promise<number | undefined> {
  return rootStates(root, await store.getBytes(root, options))
}

/** What a root block states of its DAG's bytes: raw its length, dag-pb its length plus its links' Tsize, else undefined */
function rootStates (root: CID, bytes: Uint8Array): number | undefined {
  if (root.code === RAW) return bytes.length
  if (root.code !== dagPb.code) return undefined
  return bytes.length + dagPb.decode(bytes).Links.reduce((n, l) => n + (l.Tsize ?? 0), 0)
}

/**
 * A DAG's size as its root declares it, reading the root alone: `dagBytes`
 * for dag-pb and raw, the root block's length for any other codec (a
 * dag-cbor record's links are not sized); null when the root is not here.
 */
export async function declaredDagSize (root: CID, store: Pick<WalkStore, 'getBytes'>, options: AbortOptions = {}): Promise<number | null> {
  try {
    const bytes = await store.getBytes(root, options)
    return rootStates(root, bytes) ?? bytes.length
  } catch (err) {
    if (err instanceof BlockNotFoundError) return null
    throw err
  }
}

const RAW = 0x55

import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { InvalidArgumentError } from '../errors.js'
import { EntryNames } from './entry-names.js'
import type { AbortOptions } from 'abort-error'

/** Largest directory block written (Kubo refuses blocks over 2 MiB; the unixfs-v1-2025 profile shards past 1 MiB) */
export const MAX_DIRECTORY_BLOCK = 2 ** 20

/** What a directory needs of a blockstore */
export interface DirectoryStore {
  getBytes: (cid: CID, options?: AbortOptions) => Promise<Uint8Array>
  put: (cid: CID, bytes: Uint8Array, options?: AbortOptions) => Promise<unknown>
}

/** The cumulative size of a DAG (dag-pb `Tsize`): its root block and what its links say they hold */
async function dagSize (cid: CID, store: DirectoryStore, options: AbortOptions): Promise<number> {
  const bytes = await store.getBytes(cid, options)
  if (cid.code !== dagPb.code) return bytes.length
  return bytes.length + dagPb.decode(bytes).Links.reduce((n, l) => n + (l.Tsize ?? 0), 0)
}

/**
 * A flat UnixFS directory (CIDv1, dag-pb) over DAGs already in the store:
 * one link per entry, sorted by name as dag-pb sorts them, each with its
 * cumulative size. The same entries give the same CID on every machine.
 * Names are checked like any directory's; a directory too large for one
 * block is refused (it would need HAMT sharding).
 */
export async function linkDirectory (entries: Array<{ name: string, cid: CID }>, store: DirectoryStore, options: AbortOptions = {}): Promise<CID> {
  const names = new EntryNames('the directory being made')
  const links: dagPb.PBLink[] = []
  for (const { name, cid } of entries) {
    names.add(name)
    links.push({ Name: name, Hash: cid, Tsize: await dagSize(cid, store, options) })
  }
  const bytes = dagPb.encode(dagPb.prepare({ Data: new UnixFS({ type: 'directory' }).marshal(), Links: links }))
  if (bytes.length > MAX_DIRECTORY_BLOCK) throw new InvalidArgumentError(`a directory of ${entries.length} entries does not fit one ${MAX_DIRECTORY_BLOCK}-byte block`)
  const cid = CID.createV1(dagPb.code, await sha256.digest(bytes))
  await store.put(cid, bytes, options)
  return cid
}

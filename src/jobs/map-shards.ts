import { listDirectory, readUnixFSNode } from '../data/unixfs-node.js'
import { InvalidArgumentError } from '../errors.js'
import { MAX_SHARDS } from './map-records.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/** One entry of a dataset: a shard */
export interface Shard {
  name: string
  cid: CID
}

/**
 * The shards of a dataset: its entries, each a shard, in name order. Refused
 * clearly when the input is not a directory, is empty, or has more entries
 * than one run may (`MAX_SHARDS`); names are checked as in any listing.
 */
export async function listShards (input: CID, blockstore: Parameters<typeof readUnixFSNode>[1], options: AbortOptions = {}): Promise<Shard[]> {
  const node = await readUnixFSNode(input, blockstore, options)
  if (node.kind !== 'directory') throw new InvalidArgumentError(`--map needs a directory as its input, one shard per entry: ${input} is a ${node.kind}`)
  const shards: Shard[] = []
  for await (const entry of listDirectory(node, blockstore, options)) {
    if (shards.length === MAX_SHARDS) throw new InvalidArgumentError(`${input} has more than ${MAX_SHARDS} entries: a map run takes at most ${MAX_SHARDS} shards (group the entries into subdirectories)`)
    shards.push({ name: entry.name, cid: entry.cid })
  }
  if (shards.length === 0) throw new InvalidArgumentError(`${input} is an empty directory: a map run needs at least one shard`)
  return shards.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}

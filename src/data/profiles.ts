import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { InvalidArgumentError } from '../errors.js'
import { threadedLeafImporter } from './threaded-leaves.js'
import type { LeafOptions } from './threaded-leaves.js'
import type { ImporterOptions } from 'ipfs-unixfs-importer'

/** The user-facing knobs of `dcx add`, as Kubo names them */
export interface AddProfileOptions {
  /** 0 gives Kubo's legacy `unixfs-v0-2015` CIDs; 1 (default) gives IPIP-499 `unixfs-v1-2025` */
  cidVersion?: 0 | 1
  /** Leaves as raw blocks; defaults to the profile's choice */
  rawLeaves?: boolean
  /** Kubo's chunker spec, `size-N` */
  chunker?: string
}

const PROFILES = {
  'unixfs-v0-2015': { cidVersion: 0 as const, rawLeaves: false, chunkSize: 262_144, maxLinks: 174, shardSplitStrategy: 'links-bytes' as const },
  'unixfs-v1-2025': { cidVersion: 1 as const, rawLeaves: true, chunkSize: 1_048_576, maxLinks: 1024, shardSplitStrategy: 'block-bytes' as const }
}

/** Largest chunk Kubo accepts (its block size limit is 2 MiB; chunks stay under 1 MiB + header) */
const MAX_CHUNK = 1_048_576

/** Parse Kubo's `size-N` chunker spec */
export function parseChunker (spec: string): number {
  const m = /^size-(\d+)$/.exec(spec)
  if (m == null) throw new InvalidArgumentError(`unsupported chunker '${spec}': use size-N, e.g. size-262144`)
  const n = Number(m[1])
  if (n < 1 || n > MAX_CHUNK) throw new InvalidArgumentError(`chunker size ${n} is out of range: use 1 to ${MAX_CHUNK} bytes`)
  return n
}

/** The chunk size an add uses: `--chunker` if given, else the profile's */
export function chunkSizeOf (opts: AddProfileOptions): number {
  return opts.chunker != null ? parseChunker(opts.chunker) : PROFILES[opts.cidVersion === 0 ? 'unixfs-v0-2015' : 'unixfs-v1-2025'].chunkSize
}

/**
 * Importer settings for an add. `--cid-version 0` selects the whole legacy
 * profile, as Kubo's `--cid-version` does, and then the explicit flags
 * override single settings.
 */
export function importerOptions (opts: AddProfileOptions, leaves: Pick<LeafOptions, 'hashes' | 'recycle'> = {}): ImporterOptions {
  const name = opts.cidVersion === 0 ? 'unixfs-v0-2015' : 'unixfs-v1-2025'
  const p = PROFILES[name]
  const chunkSize = chunkSizeOf(opts)
  const rawLeaves = opts.rawLeaves ?? p.rawLeaves
  return {
    profile: name,
    cidVersion: p.cidVersion,
    rawLeaves,
    // Kubo wraps non-raw leaves as UnixFS "file" nodes and keeps a single
    // block file as that one node
    leafType: 'file',
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize }),
    layout: balanced({ maxChildrenPerNode: p.maxLinks }),
    shardSplitStrategy: p.shardSplitStrategy,
    shardSplitThresholdBytes: 262_144,
    bufferImporter: threadedLeafImporter({ cidVersion: p.cidVersion, rawLeaves, leafType: 'file', ...leaves })
  }
}

import { NoDaemonError } from './errors.js'
import type { CidPath } from '../data/cid-path.js'
import type { PinStore } from '../data/pins.js'
import type { JobContext } from '../jobs/execute.js'
import type { JobHistory } from '../jobs/history.js'
import type { ReceiptIndex } from '../jobs/receipts.js'
import type { NameService } from '../net/names.js'
import type { DcxNode } from '../net/node.js'
import type { FetchOptions, WaitOptions } from '../net/fetch.js'
import type { BlockAccess, RepoBlockstore } from '../repo/blockstore.js'
import type { RepoConfig } from '../repo/config.js'
import type { Identity } from '../repo/identity.js'
import type { Keystore } from '../repo/keystore.js'
import type { RepoPaths } from '../repo/paths.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/** The repo opened for writing: here under its lock, or the daemon's */
export interface RepoParts {
  paths: RepoPaths
  config: RepoConfig
  blockstore: RepoBlockstore
  pins: PinStore
  receipts: ReceiptIndex
  /** The runs `dcx run` answered, newest first (`job ls`) */
  history: JobHistory
  identity: Identity
  /** The repo as a job context (blocks, pins, receipts, identity, module cache, scratch) */
  jobs: Required<JobContext>
}

/** The daemon's live node */
export interface NodeParts {
  node: DcxNode
  names: NameService
  /** The repo's blocks with peers behind them: what is not here is fetched */
  network: BlockAccess
  /**
   * Make what a path names local (a block, a DAG, a file or a byte range of
   * it): over the bulk path from dcx peers that hold it, then bitswap for
   * the rest, each missing block watched (`timeoutMs`, `fetch:searching`
   * progress). Returns the CID the path names.
   */
  fetch: (target: CidPath, options: FetchOptions & Omit<WaitOptions, 'peers'>) => Promise<CID>
  /** Announce a newly pinned root on the DHT (in the background) */
  provide: (cid: CID) => void
}

/** What to make local before reading: a whole DAG, one entity (a file or a directory's own blocks), or one block */
export interface PrefetchOptions extends AbortOptions {
  scope?: 'all' | 'entity' | 'block'
  /** For a file: only these bytes */
  range?: { offset: number, length?: number }
}

/** What an operation runs with; which parts are there depends on its `access` and on where it runs */
export interface OpContext {
  /** The repo folder */
  root: string
  /** Blocks to read (and write); with a daemon, what the repo lacks is fetched from peers */
  blocks: BlockAccess
  /** `<cid>[/path]`, `/ipfs/<cid>[/path]`, or `/ipns/<name>[/path]` (which needs the daemon) */
  resolve: (text: string, options?: AbortOptions) => Promise<CidPath>
  /**
   * Make what is about to be read local first (a DAG, a file or a byte range
   * of it): with a daemon, fetched as one transfer rather than block by
   * block as the reader asks. In the daemon it returns once the fetch is
   * done; in a command's process it returns once the fetch has started, and
   * `blocks` then waits for each block the fetch will bring (a failed fetch
   * fails those reads with its error). Offline it does nothing.
   */
  prefetch: (target: CidPath, options?: PrefetchOptions) => Promise<void>
  identity: () => Promise<Identity>
  keystore: () => Promise<Keystore>
  /** The writable repo; throws for operations that do not take it */
  repo: () => RepoParts
  /** The live node; throws `NoDaemonError` anywhere but in the daemon */
  node: () => NodeParts
  /** Running in the daemon: the node is there */
  online: boolean
}

/** A context part an operation did not ask for (a bug in the operation's declaration) */
export function missing (part: string): never {
  throw new Error(`this operation did not declare access to the ${part}`)
}

/** `node()` outside the daemon */
export function offline (root: string, command: string): never {
  throw new NoDaemonError(root, command)
}

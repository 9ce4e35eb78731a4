import { resolveEntry } from '../../data/resolve.js'
import { walkDag } from '../../data/walk.js'
import { networkBlocks } from '../blocks.js'
import { findProviderPeers } from '../providers.js'
import { fetchDag } from './client.js'
import { BULK_PROTOCOL, MAX_HAVE } from './constants.js'
import { BadBlockError, BulkLimitError, NoBulkProtocolError, UnexpectedBlockError } from '../errors.js'
import { DagTraversal } from './traversal.js'
import type { BulkProgress, BulkRequester, FetchDagResult, LocalBlocks } from './client.js'
import type { DagScope, EntityBytes } from './messages.js'
import type { CidPath } from '../../data/cid-path.js'
import type { DcxNode } from '../node.js'
import type { PeerId } from '@libp2p/interface'
import type { AbortOptions } from 'abort-error'
import type { ReadableStorage } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'
import type { ProgressOptions } from 'progress-events'

/** How long providers are looked for on the DHT once no connected peer has served the DAG */
const FIND_PROVIDERS_MS = 3000
/** A connection this young may not have been identified yet: its peer is asked even if it does not list the protocol */
const IDENTIFY_GRACE_MS = 10_000

export interface EnsureLocalOptions extends AbortOptions, ProgressOptions<BulkProgress> {
  /** Default `all` */
  scope?: DagScope
  entityBytes?: EntityBytes
  /** Fetch what no bulk provider gives over bitswap (default true); false makes that a `DagNotFetchedError` */
  bitswap?: boolean
  /** How long to look for providers on the DHT (default 3 s, as `--on auto` looks) */
  findProvidersMs?: number
  /** Peers to ask first (say, the one that just made the DAG) */
  prefer?: PeerId[]
  /** The repo's blocks (default: the node's blockstore without its network layers) */
  blockstore?: LocalBlocks
}

export interface EnsureLocalResult {
  /** The CID the target names (after its path, if it has one) */
  cid: CID
  /** Every block was already here: nothing was fetched */
  local: boolean
  /** What the fetch of the DAG itself did (path steps aside) */
  fetched?: FetchDagResult
}

/**
 * The node's blockstore under Helia's layers (the pin lock, the network, the
 * identity-CID wrapper): the repo's own blocks, which answer from disk only.
 */
export function localBlocks (node: Pick<DcxNode, 'blockstore'>): LocalBlocks {
  let store: any = node.blockstore
  for (let depth = 0; depth < 8 && typeof store?.getBytes !== 'function'; depth++) {
    store = typeof store?.unwrap === 'function' ? store.unwrap() : store?.child
  }
  if (typeof store?.getBytes !== 'function') throw new Error('the node\'s blockstore has no repo blockstore under it: pass `blockstore`')
  return store
}

/**
 * Peers to ask, best first, each once: those the caller prefers, connected
 * peers known to speak the bulk protocol (then connected peers identify has
 * not described yet), then providers of `cid` found on the DHT. Peers that sent a
 * wrong block or do not speak the protocol are left out of later asks.
 */
class ProviderList implements AsyncIterable<PeerId> {
  private readonly found: PeerId[] = []
  private readonly named = new Set<string>()
  private readonly source: AsyncIterator<PeerId>
  private exhausted = false
  readonly shunned = new Set<string>()

  constructor (node: DcxNode, cid: CID, options: EnsureLocalOptions) {
    this.source = this.discover(node, cid, options)
  }

  private async * discover (node: DcxNode, cid: CID, options: EnsureLocalOptions): AsyncGenerator<PeerId> {
    yield * options.prefer ?? []
    // connected peers known to speak it, then those connected too recently for identify to have said (asking
    // one that does not speak it costs a round trip; peers connected longer that do not list it are left out)
    const unknown: PeerId[] = []
    for (const connection of node.libp2p.getConnections()) {
      const peer = connection.remotePeer
      let protocols: string[] = []
      try {
        protocols = (await node.libp2p.peerStore.get(peer)).protocols
      } catch {}
      if (protocols.includes(BULK_PROTOCOL)) yield peer
      else if (Date.now() - connection.timeline.open < IDENTIFY_GRACE_MS) unknown.push(peer)
    }
    yield * unknown
    const signal = AbortSignal.any([AbortSignal.timeout(options.findProvidersMs ?? FIND_PROVIDERS_MS), ...(options.signal != null ? [options.signal] : [])])
    for await (const p of findProviderPeers(node, cid, { signal })) yield p.id
  }

  async * [Symbol.asyncIterator] (): AsyncGenerator<PeerId> {
    for (let i = 0; ; i++) {
      while (i >= this.found.length) {
        if (this.exhausted) return
        const next = await this.source.next()
        if (next.done === true) { this.exhausted = true; return }
        if (this.named.has(next.value.toString())) continue
        this.named.add(next.value.toString())
        this.found.push(next.value)
      }
      if (!this.shunned.has(this.found[i].toString())) yield this.found[i]
    }
  }
}

/**
 * What of the scope is here already: whether all of it is, and the blocks
 * that are (up to `MAX_HAVE`), for the request to name. Blocks under a
 * missing one cannot be known here and are left to the provider.
 */
async function localPlan (blocks: LocalBlocks, root: CID, options: EnsureLocalOptions): Promise<{ complete: boolean, have: CID[] }> {
  const traversal = new DagTraversal(root, { scope: options.scope ?? 'all', entityBytes: options.entityBytes })
  const have: CID[] = []
  const io = { signal: options.signal }
  let complete = true
  for (let visit = traversal.next(); visit !== undefined; visit = traversal.next()) {
    options.signal?.throwIfAborted()
    if (!(await blocks.has(visit.cid, io))) { complete = false; continue }
    if (visit.carried && have.length < MAX_HAVE) have.push(visit.cid)
    if (visit.expands) traversal.expand(visit, await blocks.getBytes(visit.cid, io))
  }
  return { complete, have }
}

/**
 * The scope a read of a file needs: `cat --offset --length` as `entity-bytes`
 * (the root alone for a read of no bytes).
 */
export function fileRange (offset?: number, length?: number): { scope: DagScope, entityBytes?: EntityBytes } {
  if (length === 0) return { scope: 'block' }
  if (offset === undefined && length === undefined) return { scope: 'entity' }
  const from = offset ?? 0
  return { scope: 'entity', entityBytes: length === undefined ? { from } : { from, to: from + length - 1 } }
}

/**
 * Make a DAG, or the part of it a read needs, local before it is read: the
 * scope (default `all`; `entity` with `entityBytes` for a byte range of a
 * file) of `target`, a CID or `<cid>/path` (path steps are fetched one
 * block at a time). Nothing is fetched when it is all here. Otherwise the
 * bulk path is tried with connected peers that speak it, then providers
 * found on the DHT; what none of them gives comes over bitswap (peers that
 * do not speak the bulk protocol serve it that way). Returns the CID the
 * target names.
 */
export async function ensureLocal (node: DcxNode, target: CID | CidPath, options: EnsureLocalOptions = {}): Promise<EnsureLocalResult> {
  const path: CidPath = 'segments' in target ? target : { cid: target, segments: [], text: target.toString() }
  const blocks = options.blockstore ?? localBlocks(node)
  const requester: BulkRequester = { libp2p: node.libp2p, blocks }
  const providers = new ProviderList(node, path.cid, options)
  const network = networkBlocks(node)
  const fallback = options.bitswap === false ? undefined : network
  const onProgress = (event: BulkProgress): void => {
    if (event.type === 'bulk:provider-failed') {
      const error = event.detail.error
      if (error instanceof BadBlockError || error instanceof UnexpectedBlockError || error instanceof NoBulkProtocolError) providers.shunned.add(event.detail.peer)
    }
    options.onProgress?.(event)
  }

  let cid = path.cid
  if (path.segments.length > 0) {
    // the blocks on the way to the target, each fetched (as one block) when the exporter asks for it
    const stepStore: ReadableStorage = {
      get: async function * (step: CID, o?: AbortOptions) {
        if (!(await blocks.has(step, o))) await fetchDag(requester, providers, step, { scope: 'block', fallback, signal: options.signal, onProgress })
        yield await blocks.getBytes(step, o)
      }
    }
    cid = (await resolveEntry(path, stepStore, { signal: options.signal })).cid
  }

  try {
    const plan = await localPlan(blocks, cid, options)
    if (plan.complete) return { cid, local: true }
    const fetched = await fetchDag(requester, providers, cid, { scope: options.scope, entityBytes: options.entityBytes, have: plan.have, fallback, signal: options.signal, onProgress })
    return { cid, local: false, fetched }
  } catch (err) {
    if (!(err instanceof BulkLimitError) || fallback === undefined) throw err
    // more blocks than the bulk path walks: the whole DAG over bitswap, as before it existed
    if ((options.scope ?? 'all') === 'all') await walkDag(cid, network, { readLeaves: true, signal: options.signal })
    return { cid, local: false }
  }
}

import { equals } from 'multiformats/bytes'
import { matchesMultihash } from '../../data/hashers.js'
import { multihashKey } from '../../data/walk.js'
import { DcxError } from '../../errors.js'
import { readCarHeader, readSection, lengthPrefixed } from './car.js'
import { BITSWAP_WINDOW, BULK_PROTOCOL, CLIENT_WRITES_IN_FLIGHT, IDLE_TIMEOUT_MS, MAX_HAVE, MAX_RESPONSE_BYTES } from './constants.js'
import { BadBlockError, BulkMessageError, BulkProviderError, DagNotFetchedError, NoBulkProtocolError, UnexpectedBlockError } from '../errors.js'
import { decodeResponse, encodeRequest } from './messages.js'
import { StreamEndedError, StreamReader, widenReceiveWindow } from './stream-reader.js'
import { DagTraversal } from './traversal.js'
import type { DagScope, EntityBytes } from './messages.js'
import type { Visit } from './traversal.js'
import type { PeerId, Stream } from '@libp2p/interface'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'
import type { ProgressEvent, ProgressOptions } from 'progress-events'

/** The requester's own repo: where checked blocks are written, and read back when the walk needs them again */
export interface LocalBlocks {
  has: (cid: CID, options?: AbortOptions) => Promise<boolean>
  getBytes: (cid: CID, options?: AbortOptions) => Promise<Uint8Array>
  put: (cid: CID, bytes: Uint8Array, options?: AbortOptions) => Promise<CID>
}

/** Blocks from elsewhere (bitswap through the node's blockstore): fetched, checked and kept in the repo */
export interface FallbackBlocks {
  getBytes: (cid: CID, options?: AbortOptions) => Promise<Uint8Array>
}

/** What a requester needs: streams to providers, and its repo */
export interface BulkRequester {
  libp2p: { dialProtocol: (peer: PeerId, protocol: string, options?: AbortOptions) => Promise<Stream> }
  blocks: LocalBlocks
}

export type BulkProgress =
  /** A provider is asked, from `skip` on (0 for a fresh start) */
  ProgressEvent<'bulk:provider', { peer: string, skip: number }> |
  /** A block arrived, was checked against its CID and is stored (its bytes, for a reader waiting on it) */
  ProgressEvent<'bulk:block', { peer: string, cid: CID, bytes: Uint8Array }> |
  /** A provider failed us; the next one is tried from where we are */
  ProgressEvent<'bulk:provider-failed', { peer: string, error: BulkProviderError }> |
  /** No provider gave the rest: it comes over bitswap from the walk's `skip` on */
  ProgressEvent<'bulk:fallback', { skip: number }> |
  /** A block came through the fallback (bitswap checks it) and is stored */
  ProgressEvent<'bulk:fallback-block', { cid: CID, bytes: Uint8Array }>

export interface FetchDagOptions extends AbortOptions, ProgressOptions<BulkProgress> {
  /** Default `all` */
  scope?: DagScope
  entityBytes?: EntityBytes
  /** Blocks of the DAG already here, named in the request so they are not sent (at most `MAX_HAVE` are named) */
  have?: CID[]
  /** Most blocks the walk takes (default `MAX_BLOCKS`) */
  maxBlocks?: number
  /** Where the rest comes from when no provider gives it; without one, that is a `DagNotFetchedError` */
  fallback?: FallbackBlocks
}

/** One provider asked, and how it went */
export interface ProviderAttempt {
  peer: string
  /** Blocks it sent that were checked and stored */
  blocks: number
  error?: { code: string, message: string }
}

export interface FetchDagResult {
  root: CID
  /** Blocks that came over the bulk path, each checked before it was stored */
  blocks: number
  bytes: number
  /** Blocks that came through the fallback */
  fallbackBlocks: number
  attempts: ProviderAttempt[]
}

/** A write to the requester's own repo failed: that ends the fetch, whoever the provider */
class LocalFailure extends Error {
  constructor (readonly failure: unknown) {
    super('a local write failed')
  }
}

function asError (err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err))
}

/**
 * One DAG being made local: the walk and where it stands. Providers are
 * asked in turn; each resumes at the first visit not yet done, so nothing
 * that arrived and passed its checks is asked for again.
 */
class DagFetch {
  private readonly requester: BulkRequester
  private readonly traversal: DagTraversal
  private readonly options: FetchDagOptions
  /** What store calls get: the signal alone (our progress events are not theirs) */
  private readonly io: AbortOptions
  private readonly haveList: CID[]
  private readonly have: Set<string>
  /** The visit under way when a provider failed: the next one starts there */
  private pending?: Visit
  private finished = false
  /** Block writes in flight, oldest first, by multihash */
  private readonly writing = new Map<string, Promise<unknown>>()
  readonly result: FetchDagResult

  constructor (requester: BulkRequester, root: CID, options: FetchDagOptions) {
    this.requester = requester
    this.options = options
    this.io = { signal: options.signal }
    this.traversal = new DagTraversal(root, { scope: options.scope ?? 'all', entityBytes: options.entityBytes, maxBlocks: options.maxBlocks })
    this.haveList = (options.have ?? []).slice(0, MAX_HAVE)
    this.have = new Set(this.haveList.map(multihashKey))
    this.result = { root, blocks: 0, bytes: 0, fallbackBlocks: 0, attempts: [] }
  }

  get done (): boolean {
    return this.finished
  }

  /** The visit to do next (the one a failed provider left, else a new one); undefined when the walk is over */
  private nextVisit (): Visit | undefined {
    this.pending ??= this.traversal.next()
    if (this.pending === undefined) this.finished = true
    return this.pending
  }

  /** A block the walk needs again, from the repo (after its write, if that is still under way) */
  private async local (cid: CID): Promise<Uint8Array> {
    try {
      await this.writing.get(multihashKey(cid))
    } catch (err) {
      throw err instanceof LocalFailure ? err.failure : err
    }
    return await this.requester.blocks.getBytes(cid, this.io)
  }

  /** Write a checked block, `CLIENT_WRITES_IN_FLIGHT` at a time; 'bulk:block' tells of it once it is on disk */
  private async store (peer: string, cid: CID, bytes: Uint8Array): Promise<void> {
    while (this.writing.size >= CLIENT_WRITES_IN_FLIGHT) {
      const [key, oldest] = this.writing.entries().next().value as [string, Promise<unknown>]
      await oldest
      this.writing.delete(key)
    }
    const write = this.requester.blocks.put(cid, bytes, this.io).then(() => {
      this.options.onProgress?.({ type: 'bulk:block', detail: { peer, cid, bytes } } as BulkProgress)
    }, (err: unknown) => { throw new LocalFailure(err) })
    write.catch(() => {})
    this.writing.set(multihashKey(cid), write)
  }

  /** Wait for every write; the first that failed throws its error */
  async flush (): Promise<void> {
    for (const [key, write] of this.writing) {
      try {
        await write
      } catch (err) {
        throw err instanceof LocalFailure ? err.failure : err
      }
      this.writing.delete(key)
    }
  }

  /** Take what `peer` sends until the walk is over; a failure on its side throws `BulkProviderError` */
  async fromProvider (peer: PeerId): Promise<void> {
    const name = peer.toString()
    const attempt: ProviderAttempt = { peer: name, blocks: 0 }
    this.result.attempts.push(attempt)
    const skip = this.pending?.index ?? this.traversal.position
    this.options.onProgress?.({ type: 'bulk:provider', detail: { peer: name, skip } } as BulkProgress)
    // no progress for IDLE_TIMEOUT_MS (nothing arriving) gives this provider up
    const idle = new AbortController()
    const timer = setTimeout(() => idle.abort(new BulkProviderError(name, `sent nothing for ${IDLE_TIMEOUT_MS / 1000} s`, 'ERR_BULK_STALLED')), IDLE_TIMEOUT_MS)
    const signal = AbortSignal.any([idle.signal, ...(this.options.signal != null ? [this.options.signal] : [])])
    let stream: Stream | undefined
    let reader: StreamReader | undefined
    try {
      try {
        stream = await this.requester.libp2p.dialProtocol(peer, BULK_PROTOCOL, { signal })
      } catch (err: any) {
        if (err?.name === 'UnsupportedProtocolError') throw new NoBulkProtocolError(name)
        throw err
      }
      reader = new StreamReader(stream)
      widenReceiveWindow(stream)
      const { scope, entityBytes } = this.options
      stream.send(lengthPrefixed(encodeRequest({ root: this.traversal.root, scope: scope ?? 'all', entityBytes, skip, have: this.haveList })))
      await stream.close({ signal })
      const response = decodeResponse(await reader.message(MAX_RESPONSE_BYTES, { signal }))
      if (!response.ok) throw new BulkProviderError(name, `refused: ${response.code}, ${response.message}`, 'ERR_BULK_REFUSED')
      await readCarHeader(reader, this.traversal.root, { signal })
      let visit: Visit | undefined
      while ((visit = this.nextVisit()) !== undefined) {
        if (visit.carried && !this.have.has(multihashKey(visit.cid))) {
          const section = await readSection(reader, { signal })
          if (section === undefined) throw new BulkProviderError(name, `ended the transfer before block ${visit.cid} (it may not hold the rest)`, 'ERR_BULK_INCOMPLETE')
          // the block the walk expects, and bytes that hash to it, or nothing is stored
          if (!equals(section.cid.multihash.bytes, visit.cid.multihash.bytes)) throw new UnexpectedBlockError(name, section.cid.toString(), visit.cid.toString())
          if (!(await matchesMultihash(visit.cid.multihash, section.bytes))) throw new BadBlockError(name, visit.cid.toString())
          await this.store(name, visit.cid, section.bytes)
          if (visit.expands) this.traversal.expand(visit, section.bytes)
          timer.refresh()
          attempt.blocks++
          this.result.blocks++
          this.result.bytes += section.bytes.byteLength
        } else if (visit.expands) {
          this.traversal.expand(visit, await this.local(visit.cid))
        }
        this.pending = undefined
      }
      await this.flush()
    } catch (caught) {
      let err = asError(caught)
      stream?.abort(err)
      if (this.options.signal?.aborted === true) throw this.options.signal.reason
      if (err instanceof LocalFailure) throw err.failure
      if (idle.signal.aborted) err = idle.signal.reason
      else if (err instanceof StreamEndedError && err.broken) err = new BulkProviderError(name, `failed: ${err.message}`, 'ERR_BULK_UNREACHABLE')
      else if (err instanceof StreamEndedError) err = new BulkProviderError(name, `ended the transfer in the middle of a message (${err.message})`, 'ERR_BULK_INCOMPLETE')
      else if (err instanceof BulkMessageError) err = new BulkProviderError(name, `broke the protocol: ${err.message}`)
      // ours (a DAG that does not decode, a hash we cannot check, a full disk) end the fetch; the rest is the provider's
      else if (!(err instanceof DcxError)) err = new BulkProviderError(name, `failed: ${err.message.split('\n')[0]}`, 'ERR_BULK_UNREACHABLE')
      if (err instanceof BulkProviderError) attempt.error = { code: err.code, message: err.message }
      throw err
    } finally {
      clearTimeout(timer)
      reader?.release()
    }
  }

  /**
   * The rest of the walk through `fallback` (bitswap): blocks the walk reads
   * one at a time, leaves `BITSWAP_WINDOW` at a time, skipping what the repo
   * holds.
   */
  async fromFallback (fallback: FallbackBlocks): Promise<void> {
    this.options.onProgress?.({ type: 'bulk:fallback', detail: { skip: this.pending?.index ?? this.traversal.position } } as BulkProgress)
    const inFlight = new Set<Promise<unknown>>()
    const fromNetwork = async (cid: CID): Promise<Uint8Array> => {
      const bytes = await fallback.getBytes(cid, this.io)
      this.result.fallbackBlocks++
      this.options.onProgress?.({ type: 'bulk:fallback-block', detail: { cid, bytes } } as BulkProgress)
      return bytes
    }
    const fetchLeaf = (cid: CID): void => {
      const got: Promise<unknown> = this.requester.blocks.has(cid, this.io)
        .then(async held => { if (!held) await fromNetwork(cid) })
        .finally(() => inFlight.delete(got))
      got.catch(() => {})
      inFlight.add(got)
    }
    let visit: Visit | undefined
    while ((visit = this.nextVisit()) !== undefined) {
      this.options.signal?.throwIfAborted()
      if (visit.expands) {
        let bytes: Uint8Array
        if (await this.requester.blocks.has(visit.cid, this.io)) bytes = await this.local(visit.cid)
        else bytes = await fromNetwork(visit.cid)
        this.traversal.expand(visit, bytes)
      } else if (visit.carried) {
        while (inFlight.size >= BITSWAP_WINDOW) await Promise.race(inFlight)
        fetchLeaf(visit.cid)
      }
      this.pending = undefined
    }
    await Promise.all(inFlight)
  }
}

/** Failures worth one more try with the same provider: its connection or stream broke, or it stalled */
const RETRIED = new Set(['ERR_BULK_UNREACHABLE', 'ERR_BULK_STALLED'])

async function * asPeers (providers: PeerId | Iterable<PeerId> | AsyncIterable<PeerId>): AsyncGenerator<PeerId> {
  if (Symbol.asyncIterator in providers || Symbol.iterator in providers) yield * (providers as AsyncIterable<PeerId>)
  else yield providers as PeerId
}

/**
 * Make the DAG under `root` (or the scope of it asked for) local over the
 * bulk path: each provider in turn streams it as a CAR, every block is
 * checked to be the one the walk expects and to hash to its CID before it is
 * written, and a provider that fails (refuses, stalls, breaks off, sends a
 * wrong block) is left for the next one, which resumes where the walk
 * stands. What no provider gives comes through `fallback` (bitswap), or the
 * fetch fails with `DagNotFetchedError`.
 */
export async function fetchDag (requester: BulkRequester, providers: PeerId | Iterable<PeerId> | AsyncIterable<PeerId>, root: CID, options: FetchDagOptions = {}): Promise<FetchDagResult> {
  const fetch = new DagFetch(requester, root, options)
  // a provider whose connection or stream broke (not one that refused or sent something wrong) is asked once more, last
  const again: PeerId[] = []
  const ask = async (peer: PeerId): Promise<boolean> => {
    try {
      await fetch.fromProvider(peer)
      return true
    } catch (err) {
      if (!(err instanceof BulkProviderError)) throw err
      options.onProgress?.({ type: 'bulk:provider-failed', detail: { peer: peer.toString(), error: err } } as BulkProgress)
      if (RETRIED.has(err.code) && !again.some(p => p.equals(peer))) again.push(peer)
      return false
    }
  }
  for await (const peer of asPeers(providers)) if (await ask(peer)) break
  for (const peer of again.splice(0)) if (fetch.done || await ask(peer)) break
  if (!fetch.done) {
    if (options.fallback === undefined) {
      const tried = fetch.result.attempts.map(a => a.error?.message ?? `provider ${a.peer} did not finish`)
      throw new DagNotFetchedError(root.toString(), tried.length > 0 ? tried.join('; ') : 'no provider to ask')
    }
    await fetch.fromFallback(options.fallback)
  }
  await fetch.flush()
  return fetch.result
}

import { multihashKey } from '../../data/walk.js'
import { carHeader, lengthPrefixed, sectionHead } from './car.js'
import { IDLE_TIMEOUT_MS, MAX_BLOCK_BYTES, MAX_REQUEST_BYTES, REQUEST_TIMEOUT_MS, SEND_BUFFER_BYTES, SERVER_READ_AHEAD } from './constants.js'
import { BulkMessageError } from '../errors.js'
import { decodeRequest, encodeResponse } from './messages.js'
import { StreamReader } from './stream-reader.js'
import { DagTraversal } from './traversal.js'
import type { BulkRequest, BulkResponse } from './messages.js'
import type { Visit } from './traversal.js'
import type { Stream } from '@libp2p/interface'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/** What a provider reads blocks from: its own repo, never the network */
export interface ServeStore {
  has: (cid: CID, options?: AbortOptions) => Promise<boolean>
  getBytes: (cid: CID, options?: AbortOptions) => Promise<Uint8Array>
}

export interface ServeOptions extends AbortOptions {
  /** Refuse with BUSY (the requester tries another provider) */
  busy?: boolean
  /** Most blocks one transfer walks */
  maxBlocks?: number
}

/** How one served request ended, for the provider's log */
export interface Served {
  request?: BulkRequest
  refused?: BulkResponse
  blocks: number
  bytes: number
  /** The walk stopped at a block this provider does not hold: the requester has the rest elsewhere */
  missing?: CID
}

/**
 * Queue `bytes` on the stream, then wait until no more than
 * `SEND_BUFFER_BYTES` wait to go out. Waiting for one 'drain' is not enough:
 * a stream drains whenever a window update lets some bytes out, so a sender
 * that goes on after each drain queues a block per update and ends up
 * holding the whole DAG in memory when the requester reads slower than the
 * disk.
 */
async function send (stream: Stream, bytes: Uint8Array, options: AbortOptions): Promise<void> {
  stream.send(bytes)
  if (stream.writeBufferLength <= SEND_BUFFER_BYTES) return
  const signal = AbortSignal.any([AbortSignal.timeout(IDLE_TIMEOUT_MS), ...(options.signal != null ? [options.signal] : [])])
  while (stream.writeBufferLength > SEND_BUFFER_BYTES) {
    signal.throwIfAborted()
    if (stream.status !== 'open') throw new Error(`the stream is ${stream.status}`)
    // without a drain pending, the stream is handing the queue to the muxer: let it run
    if (stream.writableNeedsDrain) await drained(stream, signal)
    else await new Promise(resolve => setImmediate(resolve))
  }
}

/**
 * The stream's next 'drain' event. Not `stream.onDrain()`: its promise is
 * made once and never renewed, so after the first drain it resolves at once
 * and a loop on it spins without letting window updates in.
 */
async function drained (stream: Stream, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error): void => {
      stream.removeEventListener('drain', onDrain)
      stream.removeEventListener('close', onClose)
      signal.removeEventListener('abort', onAbort)
      if (err === undefined) resolve()
      else reject(err)
    }
    const onDrain = (): void => done()
    const onClose = (): void => done(new Error('the stream closed'))
    const onAbort = (): void => done(signal.reason)
    stream.addEventListener('drain', onDrain)
    stream.addEventListener('close', onClose)
    signal.addEventListener('abort', onAbort)
  })
}

/** End our side of the stream once what is queued has gone out (the requester's going away must not fail it) */
async function closeWrite (stream: Stream): Promise<void> {
  await stream.close({ signal: AbortSignal.timeout(IDLE_TIMEOUT_MS) })
}

async function refuse (stream: Stream, response: BulkResponse, options: AbortOptions): Promise<void> {
  await send(stream, lengthPrefixed(encodeResponse(response)), options)
  await closeWrite(stream)
}

/**
 * Answer one bulk request on `stream`: read it, then stream a CARv1 of the
 * blocks the walk carries (less the resume point's prefix and the blocks the
 * requester holds), reading a few blocks ahead of the one being sent and
 * waiting whenever the stream has no room. A block this repo lacks ends the
 * CAR there, after everything before it: the requester resumes from that
 * point with another provider.
 */
export async function serveBulkRequest (stream: Stream, store: ServeStore, options: ServeOptions = {}): Promise<Served> {
  const reader = new StreamReader(stream)
  const served: Served = { blocks: 0, bytes: 0 }
  try {
    let request: BulkRequest
    try {
      request = decodeRequest(await reader.message(MAX_REQUEST_BYTES, { signal: AbortSignal.any([AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...(options.signal != null ? [options.signal] : [])]) }))
    } catch (err: any) {
      if (!(err instanceof BulkMessageError)) throw err
      served.refused = { ok: false, code: 'BAD_REQUEST', message: err.message }
      await refuse(stream, served.refused, options)
      return served
    }
    served.request = request
    if (options.busy === true) {
      served.refused = { ok: false, code: 'BUSY', message: 'it is serving as many transfers as it allows' }
    } else if (!(await store.has(request.root, options))) {
      served.refused = { ok: false, code: 'NOT_FOUND', message: `it does not hold ${request.root}` }
    }
    if (served.refused !== undefined) {
      await refuse(stream, served.refused, options)
      return served
    }
    await send(stream, lengthPrefixed(encodeResponse({ ok: true })), options)
    await send(stream, carHeader(request.root), options)
    await streamBlocks(stream, store, request, served, options)
    await closeWrite(stream)
    return served
  } finally {
    reader.release()
  }
}

async function streamBlocks (stream: Stream, store: ServeStore, request: BulkRequest, served: Served, options: ServeOptions): Promise<void> {
  const have = new Set(request.have.map(multihashKey))
  const traversal = new DagTraversal(request.root, { scope: request.scope, entityBytes: request.entityBytes, maxBlocks: options.maxBlocks })
  /** Blocks read (or being read) and waiting their turn on the wire, in walk order */
  const queue: Array<{ cid: CID, bytes: Promise<Uint8Array | undefined> }> = []
  const read = (cid: CID): Promise<Uint8Array | undefined> => {
    const bytes = store.getBytes(cid, options).then(b => b, async (err: any) => { if (err?.code === 'ERR_BLOCK_NOT_FOUND') return undefined; throw err })
    bytes.catch(() => {})
    return bytes
  }
  /** Send the oldest queued block; false when this repo lacks it (the CAR ends there) */
  const sendOne = async (): Promise<boolean> => {
    const next = queue.shift()!
    const bytes = await next.bytes
    if (bytes === undefined) { served.missing = next.cid; return false }
    // a block bigger than a requester accepts would only fail it there
    if (bytes.byteLength > MAX_BLOCK_BYTES) { served.missing = next.cid; return false }
    stream.send(sectionHead(next.cid, bytes.byteLength))
    await send(stream, bytes, options)
    served.blocks++
    served.bytes += bytes.byteLength
    return true
  }
  let visit: Visit | undefined
  while ((visit = traversal.next()) !== undefined) {
    options.signal?.throwIfAborted()
    const carried = visit.carried && visit.index >= request.skip && !have.has(multihashKey(visit.cid))
    const bytes = carried || visit.expands ? read(visit.cid) : undefined
    if (carried) queue.push({ cid: visit.cid, bytes: bytes! })
    if (visit.expands) {
      const got = await bytes!
      if (got === undefined) {
        // everything before this block still goes out; then the CAR ends
        while (queue.length > 0 && await sendOne());
        served.missing ??= visit.cid
        return
      }
      traversal.expand(visit, got)
    }
    while (queue.length >= SERVER_READ_AHEAD) if (!(await sendOne())) return
  }
  while (queue.length > 0) if (!(await sendOne())) return
}

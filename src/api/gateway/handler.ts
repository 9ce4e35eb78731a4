import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import { GatewayRequestError } from '../errors.js'
import { CorruptBlockError } from '../../data/errors.js'
import { DcxError, storageFailure } from '../../errors.js'
import { blockSource } from './blocks.js'
import { carBlocks, entityRange } from './car-blocks.js'
import { writeCar } from './car-writer.js'
import { CUT_STREAM_GRACE_MS, IMMUTABLE_CACHE_CONTROL, MAX_IPNS_HOPS, MEDIA_CAR, MEDIA_RAW, RETRY_AFTER_SECONDS } from './constants.js'
import { parseGatewayRequest } from './request.js'
import { resolvePath } from './resolve-path.js'
import type { FetchBlock, GatewayBlockstore, ReadBlock } from './blocks.js'
import type { ByteRange } from './car-blocks.js'
import type { GatewayRequest } from './request.js'
import type { AbortOptions } from 'abort-error'
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'

/** What an IPNS name points at: `/ipfs/<cid>[/path]` or `/ipns/<name>[/path]`, and for how long, if known */
export interface IpnsTarget {
  path: string
  /** Seconds the record may be cached (its TTL) */
  ttlSeconds?: number
}

/** Resolve an IPNS name (a peer ID or libp2p-key CID) through the daemon's IPNS */
export type ResolveIpns = (name: string, options: AbortOptions) => Promise<IpnsTarget>

/** What the gateway serves from: narrow, so that it can be wired to a repo, a daemon, or a test store */
export interface GatewayInit {
  blockstore: GatewayBlockstore
  /** Resolves `/ipns/` names; without it `/ipns/` answers 501 */
  resolveIpns?: ResolveIpns
  /** Fetches a block the repo lacks from peers; used only when `noFetch` is false */
  fetch?: FetchBlock
  /** Serve only what the repo holds (Kubo's `Gateway.NoFetch`, true by default) */
  noFetch: boolean
  /** How long one block (or one IPNS resolution) may take to arrive, ms */
  retrievalTimeoutMs: number
}

/** Headers every gateway answer carries, so that a page in a browser may read it (Kubo's gateway does the same) */
const CORS: OutgoingHttpHeaders = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Range, User-Agent, X-Requested-With, Accept, If-None-Match',
  'Access-Control-Expose-Headers': 'Content-Length, Content-Type, Content-Disposition, Etag, X-Ipfs-Path, X-Ipfs-Roots, X-Content-Type-Options, Retry-After'
}

/** The status and one-line message an error is answered with */
function statusOf (err: any): { status: number, message: string } {
  const firstLine = (e: any): string => String(e?.message ?? e).split('\n')[0]
  if (err instanceof GatewayRequestError) return { status: err.status, message: err.message }
  if (err instanceof CorruptBlockError) return { status: 500, message: err.message }
  if (err instanceof DcxError) {
    // IPNS: no record anywhere is content this gateway cannot find
    if (err.code === 'ERR_NAME_NOT_RESOLVED') return { status: 404, message: err.message }
    return { status: 500, message: err.message }
  }
  const storage = storageFailure(err)
  if (storage !== undefined) return { status: 500, message: storage.message }
  return { status: 500, message: `internal error: ${firstLine(err)}` }
}

function sendError (req: IncomingMessage, res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    // A stream under way cannot change its status: it is ended without its
    // last chunk, so the client sees it incomplete, after what was already
    // written (whole blocks) has gone out. One that does not read is cut.
    const socket = res.socket
    if (socket == null) return
    socket.end()
    setTimeout(() => socket.destroy(), CUT_STREAM_GRACE_MS).unref()
    return
  }
  const { status, message } = statusOf(err)
  const headers: OutgoingHttpHeaders = { ...CORS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }
  if (status === 504) headers['Retry-After'] = String(RETRY_AFTER_SECONDS)
  if (status === 405) headers.Allow = 'GET, HEAD, OPTIONS'
  const body = `${message}\n`
  headers['Content-Length'] = Buffer.byteLength(body)
  res.writeHead(status, headers)
  res.end(req.method === 'HEAD' ? undefined : body)
}

/** `Content-Disposition: attachment`, with the name in ASCII and, when it needs more, in UTF-8 (RFC 8187) */
function attachment (name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  if (ascii === name) return `attachment; filename="${ascii}"`
  const encoded = encodeURIComponent(name).replace(/['()*!]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`
}

/** Whether `If-None-Match` names this Etag (weak or strong, RFC 9110 weak comparison) */
function etagMatches (ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false
  const strip = (t: string): string => t.trim().replace(/^W\//, '')
  return ifNoneMatch.split(',').some(t => t.trim() === '*' || strip(t) === strip(etag))
}

/** The Etag of a response: the CID and format, and for a CAR everything that shapes it (the spec asks for scope and range in it) */
function etagOf (request: GatewayRequest, root: CID, segments: string[]): string {
  if (request.format === 'raw') return `"${root.toString()}.raw"`
  const car = request.car
  const shape = JSON.stringify([segments, car.version, car.order, car.dups, car.scope, car.entityBytes ?? null])
  const digest = createHash('sha256').update(shape).digest('hex').slice(0, 16)
  return `"${root.toString()}.car.${digest}"`
}

/** The CID and path an `/ipns/` request comes down to, following names that point at names */
async function resolveName (init: GatewayInit, request: GatewayRequest, signal: AbortSignal): Promise<{ root: CID, segments: string[], ttlSeconds?: number }> {
  if (init.resolveIpns === undefined) throw new GatewayRequestError(501, 'this gateway has no IPNS resolver: ask for /ipfs/<cid>')
  let name = request.name as string
  let segments = request.segments
  let ttlSeconds: number | undefined
  for (let hop = 0; hop < MAX_IPNS_HOPS; hop++) {
    const timeout = AbortSignal.timeout(init.retrievalTimeoutMs)
    let target: IpnsTarget
    try {
      target = await init.resolveIpns(name, { signal: AbortSignal.any([signal, timeout]) })
    } catch (err) {
      if (timeout.aborted && !signal.aborted) throw new GatewayRequestError(504, `the IPNS name ${name} did not resolve within ${init.retrievalTimeoutMs / 1000} s (Gateway.RetrievalTimeout): retry later`)
      throw err
    }
    if (target.ttlSeconds !== undefined) ttlSeconds = Math.min(ttlSeconds ?? Infinity, target.ttlSeconds)
    const [empty, ns, id, ...rest] = target.path.split('/')
    const below = rest.filter(s => s !== '')
    if (empty === '' && ns === 'ipfs' && id !== undefined) {
      let root: CID
      try {
        root = CID.parse(id)
      } catch {
        throw new GatewayRequestError(502, `the IPNS name ${name} points at '${target.path.slice(0, 120)}', which is not a CID`)
      }
      return { root, segments: [...below, ...segments], ttlSeconds }
    }
    if (empty === '' && ns === 'ipns' && id !== undefined && id !== '') {
      name = id
      segments = [...below, ...segments]
      continue
    }
    throw new GatewayRequestError(502, `the IPNS name ${name} points at '${target.path.slice(0, 120)}', which is not an /ipfs/ or /ipns/ path`)
  }
  throw new GatewayRequestError(508, `the IPNS name ${request.name} leads through more than ${MAX_IPNS_HOPS} names`)
}

/** Answer one request; errors are the caller's to send */
async function answer (init: GatewayInit, read: ReadBlock, req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const request = parseGatewayRequest(req)
  let root: CID
  let segments = request.segments
  let cacheControl: string | undefined = IMMUTABLE_CACHE_CONTROL
  if (request.namespace === 'ipfs') {
    root = request.cid as CID
  } else {
    const resolved = await resolveName(init, request, signal)
    root = resolved.root
    segments = resolved.segments
    // a mutable name: cacheable for its record's TTL if known, else not marked at all (path gateway spec)
    cacheControl = resolved.ttlSeconds !== undefined ? `public, max-age=${Math.floor(resolved.ttlSeconds)}` : undefined
    if (request.format === 'raw' && segments.length > 0) {
      throw new GatewayRequestError(400, `${request.contentPath} points at a path below a CID: a raw block is requested by CID alone, ask for format=car`)
    }
  }

  const etag = etagOf(request, root, segments)
  const headers: OutgoingHttpHeaders = {
    ...CORS,
    Etag: etag,
    'X-Ipfs-Path': request.contentPath,
    'X-Content-Type-Options': 'nosniff',
    Vary: 'Accept'
  }
  if (cacheControl !== undefined) headers['Cache-Control'] = cacheControl
  if (request.contentLocation !== undefined) headers['Content-Location'] = request.contentLocation
  if (etagMatches(request.ifNoneMatch, etag)) {
    res.writeHead(304, headers)
    res.end()
    return
  }

  // Cache-Control: only-if-cached asks for what the gateway has at hand: 412 unless the root block is held (path gateway spec)
  if (request.onlyIfCached && !(await init.blockstore.has(root, { signal }))) {
    throw new GatewayRequestError(412, `${root} is not held here, and the request says only-if-cached`)
  }
  const resolved = await resolvePath(root, segments, read, { signal })
  headers['X-Ipfs-Roots'] = resolved.roots.map(c => c.toString()).join(',')
  const name = request.filename ?? `${resolved.terminal.toString()}.${request.format === 'raw' ? 'bin' : 'car'}`
  headers['Content-Disposition'] = attachment(name)

  if (request.format === 'raw') {
    headers['Content-Type'] = MEDIA_RAW
    headers['Content-Length'] = resolved.terminalBytes.byteLength
    res.writeHead(200, headers)
    res.end(request.method === 'HEAD' ? undefined : resolved.terminalBytes)
    return
  }

  let scope = request.car.scope
  let range: ByteRange | undefined
  if (request.car.entityBytes !== undefined) {
    const r = entityRange(resolved.terminal, resolved.terminalBytes, request.car.entityBytes)
    if (r === 'block') scope = 'block'
    else range = r
  }
  headers['Content-Type'] = `${MEDIA_CAR}; version=1; order=dfs; dups=${request.car.dups ? 'y' : 'n'}`
  headers['Accept-Ranges'] = 'none'
  res.writeHead(200, headers)
  if (request.method === 'HEAD') {
    res.end()
    return
  }
  const blocks = carBlocks({ path: resolved.path, terminal: resolved.terminal, terminalBytes: resolved.terminalBytes, scope, range, dups: request.car.dups, within: resolved.within }, read, { signal })
  await writeCar(res, [root], blocks, signal)
  res.end()
}

/**
 * The IPFS Trustless Gateway as a Node HTTP request handler: `GET` and
 * `HEAD` of `/ipfs/<cid>[/path]` and `/ipns/<name>[/path]` as one block
 * (`application/vnd.ipld.raw`) or a CARv1 stream (`application/vnd.ipld.car`),
 * with the headers and status codes of the trustless and path gateway specs.
 * Every block is re-hashed against its CID before it is sent. Nothing here
 * throws: a bad request gets its status and a one-line message, a stream
 * that fails after it started is cut short (the client sees it incomplete).
 */
export function gatewayHandler (init: GatewayInit): (req: IncomingMessage, res: ServerResponse) => void {
  const read = blockSource(init)
  return (req, res) => {
    const aborter = new AbortController()
    res.once('close', () => aborter.abort())
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS, 'Access-Control-Max-Age': '86400' })
      res.end()
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(req, res, new GatewayRequestError(405, `method ${String(req.method).slice(0, 20)} is not allowed: the gateway is read-only (GET, HEAD)`))
      return
    }
    // a GET or HEAD carries no body; one that does is refused rather than read
    const length = req.headers['content-length']
    if ((length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined) {
      res.shouldKeepAlive = false
      sendError(req, res, new GatewayRequestError(400, 'a gateway request has no body'))
      return
    }
    answer(init, read, req, res, aborter.signal).catch(err => {
      if (aborter.signal.aborted) {
        // the client went away: nothing to tell it
        res.destroy()
        return
      }
      sendError(req, res, err)
    })
  }
}

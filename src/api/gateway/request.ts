import { peerIdFromString } from '@libp2p/peer-id'
import { bases as basesModule } from 'multiformats/basics'
import { CID } from 'multiformats/cid'
import { GatewayRequestError } from '../errors.js'
import { parseAccept } from './accept.js'
import { KNOWN_FORMATS, MAX_PATH_SEGMENTS, MAX_SEGMENT_BYTES, MAX_TARGET_BYTES, MEDIA_CAR, MEDIA_RAW } from './constants.js'
import type { MediaRange } from './accept.js'

/** Which blocks below the end of the path a CAR holds (the spec's `dag-scope`) */
export type DagScope = 'block' | 'entity' | 'all'

/**
 * The spec's `entity-bytes=from:to`, as given: inclusive byte offsets, a
 * negative one counting from the end of the file, `*` its last byte. Made
 * concrete once the file's size is known (`resolveRange`).
 */
export interface EntityBytes {
  from: number
  to: number | '*'
}

/** How a CAR response is shaped */
export interface CarShape {
  /** CAR version: only 1 is produced */
  version: 1
  /** Block order: always depth-first, in link order */
  order: 'dfs'
  /** Whether a block is sent again each time the walk meets it (`dups=y`) */
  dups: boolean
  scope: DagScope
  entityBytes?: EntityBytes
}

/** A gateway request, parsed and checked: nothing here has touched the repo yet */
export interface GatewayRequest {
  method: 'GET' | 'HEAD'
  namespace: 'ipfs' | 'ipns'
  /** The CID after `/ipfs/` */
  cid?: CID
  /** The name after `/ipns/` (a peer ID or a libp2p-key CID) */
  name?: string
  /** Path segments below the CID or name, percent-decoded, without empty ones */
  segments: string[]
  /** The content path as requested (still percent-encoded): `X-Ipfs-Path` */
  contentPath: string
  format: 'raw' | 'car'
  car: CarShape
  /** The URL with `?format=` spelled out, when the format came from `Accept` alone */
  contentLocation?: string
  /** A file name the client asked for (`?filename=`) */
  filename?: string
  /** The `If-None-Match` header, if any */
  ifNoneMatch?: string
  /** `Cache-Control: only-if-cached`: answer only from what is held (412 otherwise) */
  onlyIfCached: boolean
}

/** What the parser needs of an HTTP request */
export interface RequestHead {
  method?: string
  url?: string
  headers: Record<string, string | string[] | undefined>
}

const bad = (message: string): GatewayRequestError => new GatewayRequestError(400, message)
const notAcceptable = (message: string): GatewayRequestError => new GatewayRequestError(406, message)

function header (head: RequestHead, name: string): string | undefined {
  const v = head.headers[name]
  return Array.isArray(v) ? v.join(', ') : v
}

function decodeSegment (raw: string): string {
  let s: string
  try {
    s = decodeURIComponent(raw)
  } catch {
    throw bad(`the path segment '${raw.slice(0, 100)}' is not valid percent-encoded UTF-8`)
  }
  if (Buffer.byteLength(s) > MAX_SEGMENT_BYTES) throw bad(`a path segment is longer than ${MAX_SEGMENT_BYTES} bytes`)
  if (s === '.' || s === '..') throw bad(`the content path holds a '${s}' segment: give the path from the CID down, without '.' or '..'`)
  return s
}

function parseCid (text: string): CID {
  try {
    return CID.parse(text)
  } catch {}
  try {
    // a CID in another multibase (base36 k..., base64 m...) than CID.parse guesses
    return CID.parse(text, { decode: (s: string) => decodeAnyBase(s) } as any)
  } catch {}
  throw bad(`'${text.slice(0, 120)}' is not a valid CID: give a CID such as bafy... or Qm...`)
}

/** multiformats' bases, for a CID written in one that CID.parse does not try by itself (base64, base16...) */
let bases: Array<{ prefix: string, decode: (s: string) => Uint8Array }> | undefined
function decodeAnyBase (text: string): Uint8Array {
  bases ??= Object.values(basesModule).map((b: any) => b.decoder ?? b).filter((b: any) => typeof b?.prefix === 'string' && typeof b?.decode === 'function')
  const base = bases.find(b => text.startsWith(b.prefix))
  if (base == null) throw new Error('unknown multibase')
  return base.decode(text)
}

function checkIpnsName (name: string): string {
  try {
    peerIdFromString(name)
    return name
  } catch {}
  try {
    // a libp2p-key CID in any base (Kubo writes base36 k51...)
    const cid = parseCid(name)
    if (cid.code === 0x72) return name
  } catch {}
  if (name.includes('.')) throw bad(`'${name.slice(0, 120)}' looks like a DNSLink name: this gateway resolves IPNS keys (k51..., 12D3Koo...) only, not DNS`)
  throw bad(`'${name.slice(0, 120)}' is not an IPNS name: give a k51... name or a peer ID`)
}

/** `q`, unless the query names it more than once */
function single (query: URLSearchParams, key: string): string | undefined {
  const all = query.getAll(key)
  if (all.length > 1) throw bad(`the query names '${key}' ${all.length} times: give it once`)
  return all[0]
}

function parseEntityBytes (text: string): EntityBytes {
  const m = /^(-?\d{1,15}):(-?\d{1,15}|\*)$/.exec(text)
  if (m == null) throw bad(`entity-bytes=${text.slice(0, 60)} is not a range: give from:to, byte offsets (negative counts from the end, * is the end), e.g. 0:1023 or -1024:*`)
  const from = Number(m[1])
  const to = m[2] === '*' ? '*' : Number(m[2])
  if (to !== '*' && from >= 0 && to >= 0 && from > to) throw bad(`entity-bytes=${text}: the range ends (${to}) before it starts (${from})`)
  return { from: Object.is(from, -0) ? 0 : from, to: Object.is(to, -0) ? 0 : to }
}

/** CAR parameters a media range or the query asks for; undefined where it does not say */
interface CarParams { version?: string, order?: string, dups?: string }

/** Whether this gateway can answer a CAR with these parameters */
function carParamsProduced (p: CarParams): boolean {
  return (p.version === undefined || p.version === '1') &&
    (p.order === undefined || p.order === '' || p.order === 'dfs' || p.order === 'unk') &&
    (p.dups === undefined || p.dups === 'y' || p.dups === 'n')
}

/** The first range of `Accept` this gateway produces: raw, or a CAR with parameters it can meet */
function negotiate (ranges: MediaRange[]): { format: 'raw' | 'car', params: CarParams } | undefined {
  for (const r of ranges) {
    if (r.q <= 0) continue
    if (r.type === MEDIA_RAW) return { format: 'raw', params: {} }
    if (r.type === MEDIA_CAR) {
      const params: CarParams = { version: r.params.version, order: r.params.order, dups: r.params.dups }
      if (carParamsProduced(params)) return { format: 'car', params }
    }
  }
  return undefined
}

/**
 * Parse and check a gateway request: method, content path, CID or IPNS
 * name, response format (`?format=` first, then `Accept`, as the spec
 * orders them) and the CAR parameters. Throws `GatewayRequestError` with
 * the status the spec gives: 400 for a malformed CID, path or parameter,
 * 404 for a path outside `/ipfs/` and `/ipns/`, 406 for a format or CAR
 * variant this gateway does not produce, 414 for an over-long URL.
 */
export function parseGatewayRequest (head: RequestHead): GatewayRequest {
  const method = head.method === 'HEAD' ? 'HEAD' : 'GET'
  // a request target in absolute form (as sent to a proxy) names the same path
  const target = (head.url ?? '/').replace(/^https?:\/\/[^/?#]*/i, '')
  if (Buffer.byteLength(target) > MAX_TARGET_BYTES) throw new GatewayRequestError(414, `the URL is longer than ${MAX_TARGET_BYTES} bytes`)
  const q = target.indexOf('?')
  const rawPath = q < 0 ? target : target.slice(0, q)
  const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1))
  const parts = rawPath.split('/')
  // parts[0] is the empty string before the leading '/'
  if (parts[0] !== '' || (parts[1] !== 'ipfs' && parts[1] !== 'ipns')) {
    throw new GatewayRequestError(404, `no such path '${rawPath.slice(0, 120)}': this gateway serves /ipfs/<cid>[/path] and /ipns/<name>[/path]`)
  }
  const namespace = parts[1]
  const idText = decodeSegment(parts[2] ?? '')
  if (idText === '') throw bad(`/${namespace}/ needs a ${namespace === 'ipfs' ? 'CID' : 'name'} after it`)
  const segments: string[] = []
  for (const p of parts.slice(3)) {
    if (p === '') continue
    segments.push(decodeSegment(p))
    if (segments.length > MAX_PATH_SEGMENTS) throw bad(`the content path is deeper than ${MAX_PATH_SEGMENTS} segments`)
  }
  const cid = namespace === 'ipfs' ? parseCid(idText) : undefined
  const name = namespace === 'ipns' ? checkIpnsName(idText) : undefined

  // the response format: ?format= takes precedence over Accept (trustless gateway spec)
  const formatParam = single(query, 'format')
  const accept = header(head, 'accept')
  const ranges = accept === undefined ? [] : parseAccept(accept)
  const negotiated = negotiate(ranges)
  let format: 'raw' | 'car'
  let params: CarParams = {}
  if (formatParam !== undefined) {
    if (formatParam === 'raw' || formatParam === 'car') {
      format = formatParam
      // the Accept header's CAR parameters still count when the format agrees (gateway-conformance checks this)
      if (format === 'car' && negotiated?.format === 'car') params = negotiated.params
    } else if ((KNOWN_FORMATS as readonly string[]).includes(formatParam)) {
      throw notAcceptable(`format=${formatParam} is not served here: this is a trustless gateway, it serves verifiable responses only (format=raw for a block, format=car for a DAG)`)
    } else {
      throw bad(`format=${formatParam.slice(0, 40)} is not a format: use format=raw (a block) or format=car (a CAR)`)
    }
  } else if (negotiated !== undefined) {
    format = negotiated.format
    params = negotiated.params
  } else if (accept === undefined || accept.trim() === '') {
    throw bad(`name the response format: add ?format=raw (one block) or ?format=car (a CAR), or send Accept: ${MEDIA_RAW} or ${MEDIA_CAR}`)
  } else {
    throw notAcceptable(`none of the types in Accept: ${accept.slice(0, 200)} is served here: this is a trustless gateway, it serves ${MEDIA_RAW} and ${MEDIA_CAR} (version=1, order=dfs, dups=y or n)`)
  }

  // the query's car-* parameters take precedence over Accept's
  const queryParams: CarParams = { version: single(query, 'car-version'), order: single(query, 'car-order'), dups: single(query, 'car-dups') }
  if (queryParams.dups !== undefined && queryParams.dups !== 'y' && queryParams.dups !== 'n') throw bad(`car-dups=${queryParams.dups.slice(0, 20)}: give y or n`)
  if (queryParams.version !== undefined && queryParams.version !== '1') throw notAcceptable(`car-version=${queryParams.version.slice(0, 20)} is not produced here: only CARv1 (car-version=1)`)
  if (queryParams.order !== undefined && !['dfs', 'unk', ''].includes(queryParams.order)) throw notAcceptable(`car-order=${queryParams.order.slice(0, 20)} is not produced here: blocks come depth-first (car-order=dfs)`)
  const dups = (queryParams.dups ?? params.dups) === 'y'

  const scopeParam = single(query, 'dag-scope')
  if (scopeParam !== undefined && !['block', 'entity', 'all'].includes(scopeParam)) throw bad(`dag-scope=${scopeParam.slice(0, 20)}: give block, entity or all`)
  const bytesParam = single(query, 'entity-bytes')
  const entityBytes = bytesParam === undefined ? undefined : parseEntityBytes(bytesParam)
  if (entityBytes !== undefined && scopeParam !== undefined && scopeParam !== 'entity') throw bad(`entity-bytes implies dag-scope=entity, and the query says dag-scope=${scopeParam}`)
  const scope: DagScope = entityBytes !== undefined ? 'entity' : (scopeParam as DagScope | undefined) ?? 'all'

  if (format === 'raw' && segments.length > 0) {
    throw bad('a raw block is requested by CID alone (/ipfs/<cid>?format=raw): for the blocks along a path, ask for format=car')
  }

  let contentLocation: string | undefined
  if (formatParam === undefined) {
    const located = new URLSearchParams(query)
    located.set('format', format)
    if (format === 'car') {
      located.set('car-version', '1')
      located.set('car-order', 'dfs')
      located.set('car-dups', dups ? 'y' : 'n')
    }
    contentLocation = `${rawPath}?${located.toString()}`
  }

  const filename = single(query, 'filename')
  return {
    method,
    namespace,
    cid,
    name,
    segments,
    contentPath: rawPath,
    format,
    car: { version: 1, order: 'dfs', dups, scope, entityBytes },
    contentLocation,
    filename: filename === undefined || filename === '' ? undefined : filename.slice(0, 255),
    ifNoneMatch: header(head, 'if-none-match'),
    onlyIfCached: /(^|,)\s*only-if-cached\s*(,|$)/i.test(header(head, 'cache-control') ?? '')
  }
}

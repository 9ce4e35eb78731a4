import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { MAX_BLOCKS, MAX_HAVE, MAX_MESSAGE_CHARS } from './constants.js'
import { BulkMessageError } from '../errors.js'

/**
 * Which blocks of the DAG under the root a transfer carries, as the IPFS
 * Trustless Gateway's `dag-scope`: `all` every block; `entity` what it takes
 * to read the root as one thing (a file's blocks, or those of a byte range;
 * a directory's own block, or a sharded directory's shard blocks without its
 * entries; any other block alone); `block` the root block alone.
 */
export type DagScope = 'all' | 'entity' | 'block'

/**
 * A byte range of a file, as the Trustless Gateway's `entity-bytes=from:to`:
 * `to` is inclusive and may be left out (to the end); negative values count
 * from the end of the file. Only with scope `entity`; ignored when the root
 * is not a file.
 */
export interface EntityBytes {
  from: number
  to?: number
}

/** What a requester asks for */
export interface BulkRequest {
  root: CID
  scope: DagScope
  entityBytes?: EntityBytes
  /** Resume point: leave out the first `skip` blocks of the walk (they arrived from an earlier provider) */
  skip: number
  /** Blocks the requester holds: the provider walks through them but does not send them */
  have: CID[]
}

/** Why a provider did not serve a request */
export type BulkRefusal = 'NOT_FOUND' | 'BUSY' | 'BAD_REQUEST'

/** A provider's status, sent before the CAR (which follows only when `ok`) */
export type BulkResponse = { ok: true } | { ok: false, code: BulkRefusal, message: string }

const REQUEST = 'dcx/bulk-request'
const RESPONSE = 'dcx/bulk-response'
const SCOPES: readonly DagScope[] = ['all', 'entity', 'block']
const REFUSALS: readonly BulkRefusal[] = ['NOT_FOUND', 'BUSY', 'BAD_REQUEST']

function record (bytes: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown
  try {
    value = dagCbor.decode(bytes)
  } catch (err: any) {
    throw new BulkMessageError(`the ${what} is not dag-cbor (${String(err?.message ?? err).split('\n')[0]})`)
  }
  if (value == null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array || CID.asCID(value) != null) {
    throw new BulkMessageError(`the ${what} is not a map`)
  }
  return value as Record<string, unknown>
}

function onlyKeys (value: Record<string, unknown>, allowed: string[], what: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new BulkMessageError(`the ${what} has an unknown field ${JSON.stringify(key)}`)
  }
}

function cidField (value: unknown, what: string): CID {
  const cid = CID.asCID(value)
  if (cid == null) throw new BulkMessageError(`${what} is not a CID`)
  return cid
}

function safeInteger (value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new BulkMessageError(`${what} is not a whole number`)
  return value
}

/** The wire form of a request */
export function encodeRequest (request: BulkRequest): Uint8Array {
  const value: Record<string, unknown> = { type: REQUEST, version: 1, root: request.root, scope: request.scope, skip: request.skip, have: request.have }
  if (request.entityBytes !== undefined) value.entityBytes = [request.entityBytes.from, request.entityBytes.to ?? null]
  return dagCbor.encode(value)
}

/** A request from its wire form; anything that does not fit throws `BulkMessageError` */
export function decodeRequest (bytes: Uint8Array): BulkRequest {
  const value = record(bytes, 'request')
  onlyKeys(value, ['type', 'version', 'root', 'scope', 'entityBytes', 'skip', 'have'], 'request')
  if (value.type !== REQUEST) throw new BulkMessageError(`the request's type is ${JSON.stringify(value.type)}, not ${REQUEST}`)
  if (value.version !== 1) throw new BulkMessageError(`request version ${String(value.version)} is not supported (1 is)`)
  const root = cidField(value.root, 'root')
  const scope = value.scope as DagScope
  if (!SCOPES.includes(scope)) throw new BulkMessageError(`scope ${JSON.stringify(value.scope)} is not one of ${SCOPES.join(', ')}`)
  const skip = safeInteger(value.skip, 'skip')
  if (skip < 0 || skip > MAX_BLOCKS) throw new BulkMessageError(`skip ${skip} is not between 0 and ${MAX_BLOCKS}`)
  if (!Array.isArray(value.have)) throw new BulkMessageError('have is not a list')
  if (value.have.length > MAX_HAVE) throw new BulkMessageError(`have lists ${value.have.length} CIDs, more than ${MAX_HAVE}`)
  const have = value.have.map((c, i) => cidField(c, `have[${i}]`))
  const request: BulkRequest = { root, scope, skip, have }
  if (value.entityBytes !== undefined) {
    if (scope !== 'entity') throw new BulkMessageError('entityBytes needs scope entity')
    const range = value.entityBytes
    if (!Array.isArray(range) || range.length !== 2) throw new BulkMessageError('entityBytes is not [from, to]')
    const from = safeInteger(range[0], 'entityBytes from')
    const to = range[1] === null ? undefined : safeInteger(range[1], 'entityBytes to')
    request.entityBytes = to === undefined ? { from } : { from, to }
  }
  return request
}

/** The wire form of a status */
export function encodeResponse (response: BulkResponse): Uint8Array {
  return dagCbor.encode(response.ok
    ? { type: RESPONSE, ok: true }
    : { type: RESPONSE, ok: false, code: response.code, message: response.message.slice(0, MAX_MESSAGE_CHARS) })
}

/** A status from its wire form; anything that does not fit throws `BulkMessageError` */
export function decodeResponse (bytes: Uint8Array): BulkResponse {
  const value = record(bytes, 'response')
  if (value.type !== RESPONSE) throw new BulkMessageError(`the response's type is ${JSON.stringify(value.type)}, not ${RESPONSE}`)
  if (value.ok === true) {
    onlyKeys(value, ['type', 'ok'], 'response')
    return { ok: true }
  }
  onlyKeys(value, ['type', 'ok', 'code', 'message'], 'response')
  if (value.ok !== false) throw new BulkMessageError('the response\'s ok is not true or false')
  const code = value.code as BulkRefusal
  if (!REFUSALS.includes(code)) throw new BulkMessageError(`refusal code ${JSON.stringify(value.code)} is not one of ${REFUSALS.join(', ')}`)
  if (typeof value.message !== 'string' || value.message.length > MAX_MESSAGE_CHARS) throw new BulkMessageError(`the refusal's message is not a string of at most ${MAX_MESSAGE_CHARS} characters`)
  return { ok: false, code, message: value.message }
}

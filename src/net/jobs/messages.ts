import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { decodeJobSpec, encodeRecord } from '../../jobs/records.js'
import { MAX_HAVE_INPUTS } from './constants.js'
import type { JobSpec } from '../../jobs/records.js'

/** Run this job (its spec and the module's bytes) and answer with the signed receipt */
export interface JobRequestMessage {
  type: 'dcx/job-request'
  version: 1
  spec: JobSpec
  module: Uint8Array
}

/** How many bytes of these inputs do you hold in full? */
export interface HaveRequestMessage {
  type: 'dcx/have-request'
  version: 1
  inputs: CID[]
}

/** Fetch this DAG and pin it (`dcx pin add --on`), as the executor's pinning policy allows */
export interface PinRequestMessage {
  type: 'dcx/pin-request'
  version: 1
  cid: CID
}

export type PinResponseMessage =
  | { type: 'dcx/pin-response', ok: true, bytes: number }
  | { type: 'dcx/pin-response', ok: false, message: string }

export type JobResponseMessage =
  | { type: 'dcx/job-response', ok: true, receipt: Uint8Array }
  | { type: 'dcx/job-response', ok: false, code: string, message: string }

export interface HaveResponseMessage {
  type: 'dcx/have-response'
  bytes: number
}

/** A request, decoded and checked: the job's CID is computed here, from its spec */
export type DecodedRequest =
  | { kind: 'job', spec: JobSpec, job: CID, module: Uint8Array }
  | { kind: 'have', inputs: CID[] }
  | { kind: 'pin', cid: CID }

/** A message that does not fit the protocol */
export class MalformedMessageError extends Error {}

/** A message's bytes on the wire (dag-cbor) */
export function encodeMessage (message: JobRequestMessage | HaveRequestMessage | PinRequestMessage | JobResponseMessage | HaveResponseMessage | PinResponseMessage): Uint8Array {
  return dagCbor.encode(message)
}

function decode (bytes: Uint8Array): any {
  try {
    return dagCbor.decode(bytes)
  } catch {
    throw new MalformedMessageError('not dag-cbor')
  }
}

/** An executor reads a request: a job (its spec checked like any stored spec) or a have-request */
export async function decodeRequest (bytes: Uint8Array): Promise<DecodedRequest> {
  const m = decode(bytes)
  if (m?.type === 'dcx/have-request') {
    if (!Array.isArray(m.inputs) || m.inputs.length > MAX_HAVE_INPUTS) throw new MalformedMessageError('a have-request lists up to 256 inputs')
    const inputs = m.inputs.map((i: unknown) => CID.asCID(i))
    if (inputs.some((i: CID | null) => i === null)) throw new MalformedMessageError('a have-request lists CIDs')
    return { kind: 'have', inputs }
  }
  if (m?.type === 'dcx/pin-request') {
    const cid = CID.asCID(m.cid)
    if (cid === null) throw new MalformedMessageError('a pin-request names a CID')
    return { kind: 'pin', cid }
  }
  if (m?.type !== 'dcx/job-request' || !(m.module instanceof Uint8Array)) throw new MalformedMessageError('not a job request')
  const encoded = await encodeRecord(m.spec)
  try {
    return { kind: 'job', spec: decodeJobSpec(encoded.cid, encoded.bytes), job: encoded.cid, module: m.module }
  } catch (err: any) {
    throw new MalformedMessageError(String(err?.message ?? err))
  }
}

/** A requester reads an executor's answer */
export function decodeJobResponse (bytes: Uint8Array): JobResponseMessage {
  const m = decode(bytes)
  if (m?.type !== 'dcx/job-response' || typeof m.ok !== 'boolean') throw new MalformedMessageError('not a job response')
  if (m.ok === true) {
    if (!(m.receipt instanceof Uint8Array)) throw new MalformedMessageError('a job response without its receipt')
    return { type: m.type, ok: true, receipt: m.receipt }
  }
  return { type: m.type, ok: false, code: String(m.code ?? 'ERR_REFUSED'), message: String(m.message ?? 'no reason given') }
}

/** A requester reads the answer to a have-request; undefined if it is not one */
export function decodeHaveResponse (bytes: Uint8Array): number | undefined {
  const m = decode(bytes)
  return m?.type === 'dcx/have-response' && typeof m.bytes === 'number' && Number.isSafeInteger(m.bytes) && m.bytes >= 0 ? m.bytes : undefined
}

/** A requester reads the answer to a pin-request */
export function decodePinResponse (bytes: Uint8Array): PinResponseMessage {
  const m = decode(bytes)
  if (m?.type !== 'dcx/pin-response' || typeof m.ok !== 'boolean') throw new MalformedMessageError('not a pin response')
  return m.ok === true
    ? { type: m.type, ok: true, bytes: Number.isSafeInteger(m.bytes) ? m.bytes : 0 }
    : { type: m.type, ok: false, message: String(m.message ?? 'no reason given') }
}

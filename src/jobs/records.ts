import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { NotARecordError } from './errors.js'
import type { RecordKind } from './errors.js'
import type { JobLimitValues, LimitHit, Status } from '../wasm/index.js'

/** Limits that decide a job's result; all written into the spec (documented in `wasm/job-limits.ts`) */
export type JobLimits = JobLimitValues

/** One input: a UnixFS CID mounted read-only at an absolute path (not /outputs, /tmp or below them) */
export interface JobInput {
  cid: CID
  path: string
}

/**
 * A job spec (dag-cbor). Its CID is the job's identity: everything that
 * decides the result is in it, defaults included.
 */
export interface JobSpec {
  type: 'dcx/job'
  version: 1
  /** The module, stored as a raw block */
  module: CID
  /** argv[0] */
  name: string
  args: string[]
  /** Environment, in order, as [key, value] */
  env: Array<[string, string]>
  inputs: JobInput[]
  limits: JobLimits
  seed: Uint8Array
  runtime: { abi: number }
}

/**
 * A receipt (dag-cbor): who ran which job, with what result, signed by the
 * executor's Ed25519 key over the dag-cbor encoding of every other field.
 */
export interface Receipt {
  type: 'dcx/receipt'
  version: 1
  job: CID
  output: CID
  status: Exclude<Status, 'timeout'>
  /** For status `exit`; null otherwise */
  exitCode: number | null
  /** For status `trap`: its name */
  trap: string | null
  fuel: number
  runtime: { name: string, version: string, abi: number }
  /**
   * Limits the job ran into and went on from (sorted), e.g. `output-entries`:
   * part of the result. Absent when none was hit.
   */
  limitsHit?: LimitHit[]
  /** Peer ID of the executor (its Ed25519 public key is inside it) */
  executor: string
  /** When it ran, ISO 8601 UTC; not part of the result */
  time: string
  signature: Uint8Array
}

export type UnsignedReceipt = Omit<Receipt, 'signature'>

/** Encode a record as a dag-cbor block */
export async function encodeRecord (value: object): Promise<{ cid: CID, bytes: Uint8Array }> {
  const bytes = dagCbor.encode(value)
  return { cid: CID.createV1(dagCbor.code, await sha256.digest(bytes)), bytes }
}

/** The bytes a receipt's signature covers */
export function signingBytes (receipt: UnsignedReceipt | Receipt): Uint8Array {
  const { signature: _, ...rest } = receipt as Receipt
  return dagCbor.encode(rest)
}

const LIMITS_HIT: LimitHit[] = ['input-entries', 'memory', 'output-entries', 'output-depth']

const isCid = (x: unknown): x is CID => CID.asCID(x) != null
const isStr = (x: unknown): x is string => typeof x === 'string'
const isInt = (x: unknown): boolean => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0

function decodeCbor (cid: CID, bytes: Uint8Array, kind: RecordKind): any {
  if (cid.code !== dagCbor.code) throw new NotARecordError(cid.toString(), kind, 'not a dag-cbor block')
  try {
    return dagCbor.decode(bytes)
  } catch {
    throw new NotARecordError(cid.toString(), kind, 'its dag-cbor does not decode')
  }
}

/** Decode and check a job spec block */
export function decodeJobSpec (cid: CID, bytes: Uint8Array): JobSpec {
  const v = decodeCbor(cid, bytes, 'job spec')
  const ok = v?.type === 'dcx/job' && v.version === 1 && isCid(v.module) && isStr(v.name) &&
    Array.isArray(v.args) && v.args.every(isStr) &&
    Array.isArray(v.env) && v.env.every((e: unknown) => Array.isArray(e) && e.length === 2 && e.every(isStr)) &&
    Array.isArray(v.inputs) && v.inputs.every((i: any) => isCid(i?.cid) && isStr(i?.path)) &&
    ['fuel', 'memory', 'stdout', 'stderr', 'output'].every(k => isInt(v.limits?.[k])) &&
    v.seed instanceof Uint8Array && isInt(v.runtime?.abi) &&
    // ABI 2 added the entry and depth limits; an ABI 1 spec is reported as such when it is run
    (v.runtime.abi < 2 || ['outputEntries', 'outputDepth', 'inputEntries'].every(k => isInt(v.limits?.[k])))
  if (!ok) throw new NotARecordError(cid.toString(), 'job spec', 'fields are missing or of the wrong type')
  return v as JobSpec
}

/** Decode and check a receipt block */
export function decodeReceipt (cid: CID, bytes: Uint8Array): Receipt {
  const v = decodeCbor(cid, bytes, 'receipt')
  const ok = v?.type === 'dcx/receipt' && v.version === 1 && isCid(v.job) && isCid(v.output) &&
    ['exit', 'out-of-fuel', 'stack-exhausted', 'trap'].includes(v.status) &&
    (v.exitCode === null || isInt(v.exitCode)) && (v.trap === null || isStr(v.trap)) && isInt(v.fuel) &&
    (v.limitsHit === undefined || (Array.isArray(v.limitsHit) && v.limitsHit.length > 0 && v.limitsHit.every((l: unknown) => LIMITS_HIT.includes(l as LimitHit)))) &&
    isStr(v.runtime?.name) && isStr(v.runtime?.version) && isInt(v.runtime?.abi) &&
    isStr(v.executor) && isStr(v.time) && v.signature instanceof Uint8Array
  if (!ok) throw new NotARecordError(cid.toString(), 'receipt', 'fields are missing or of the wrong type')
  return v as Receipt
}

/** What a block is, if it is a dcx record: read from its `type` alone (nothing else is checked) */
export function recordKind (cid: CID, bytes: Uint8Array): 'job spec' | 'receipt' | undefined {
  if (cid.code !== dagCbor.code) return undefined
  let type: unknown
  try {
    type = (dagCbor.decode(bytes) as any)?.type
  } catch {
    return undefined
  }
  return type === 'dcx/job' ? 'job spec' : type === 'dcx/receipt' ? 'receipt' : undefined
}

/** A job spec or a receipt, told apart by its `type` */
export type LoadedRecord =
  | { kind: 'job', cid: CID, spec: JobSpec, receipt?: undefined }
  | { kind: 'receipt', cid: CID, receipt: Receipt, spec?: undefined }

/** Decode a block that should be a job spec or a receipt, checking it as what its `type` says it is */
export function loadRecord (cid: CID, bytes: Uint8Array): LoadedRecord {
  const type = decodeCbor(cid, bytes, 'job spec or receipt')?.type
  if (type === 'dcx/receipt') return { kind: 'receipt', cid, receipt: decodeReceipt(cid, bytes) }
  if (type === 'dcx/job') return { kind: 'job', cid, spec: decodeJobSpec(cid, bytes) }
  throw new NotARecordError(cid.toString(), 'job spec or receipt', 'its type is neither dcx/job nor dcx/receipt')
}

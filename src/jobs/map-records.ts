import * as dagCbor from '@ipld/dag-cbor'
import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import { RUNTIME_ABI_VERSION } from '../wasm/index.js'
import { NotARecordError } from './errors.js'
import { buildJobSpec } from './spec.js'
import type { JobLimits, JobSpec } from './records.js'
import type { PrivateKey } from '@libp2p/interface'

/** The environment variable a shard's job finds its entry's name in */
export const SHARD_ENV = 'DCX_SHARD'

/** Most shards one run may have: the map's result is one directory block (`data/link-dir.ts`) */
export const MAX_SHARDS = 10_000

/** A module with the name it runs under (argv[0]) and, for the reduce, its own arguments */
export interface MapModule {
  module: CID
  name: string
  args: string[]
}

/**
 * A map run (dag-cbor): the map module run once per entry of the input
 * directory with the same args, env, limits and seed, then the reduce (if
 * any) once over the directory of their results. Its CID names the run.
 */
export interface MapRunSpec {
  type: 'dcx/map-run'
  version: 1
  map: MapModule
  /** The dataset: a UnixFS directory, one shard per entry */
  input: CID
  env: Array<[string, string]>
  limits: JobLimits
  seed: Uint8Array
  reduce: MapModule | null
  runtime: { abi: number }
}

/** One shard's place in a run's receipt */
export interface ShardRecord {
  name: string
  job: CID
  receipt: CID
  /** Its result directory */
  output: CID
  executor: string
  status: string
}

/**
 * A run's receipt (dag-cbor), signed by the requester: every shard's job,
 * receipt and executor (each shard's receipt is signed by its own executor),
 * the map's result directory, and the reduce's receipt.
 */
export interface MapReceipt {
  type: 'dcx/map-receipt'
  version: 1
  run: CID
  /** The directory of shard results, one entry per shard named as the input's */
  mapOutput: CID
  shards: ShardRecord[]
  reduce: { job: CID, receipt: CID, output: CID, executor: string, status: string } | null
  /** The run's output: the reduce's, else the map's */
  output: CID
  requester: string
  time: string
  signature: Uint8Array
}

export type UnsignedMapReceipt = Omit<MapReceipt, 'signature'>

/** The spec of a map run; the reduce runs with the map's env, limits and seed */
export function buildMapSpec (req: { map: MapModule, input: CID, env?: Array<[string, string]>, limits?: Partial<JobLimits>, seed?: Uint8Array, reduce?: MapModule }): MapRunSpec {
  // the limits checks are the job spec's: build one to apply them
  const probe = buildJobSpec({ module: req.map.module, name: req.map.name, args: req.map.args, env: req.env, limits: req.limits, seed: req.seed })
  return {
    type: 'dcx/map-run',
    version: 1,
    map: req.map,
    input: req.input,
    env: probe.env,
    limits: probe.limits,
    seed: probe.seed,
    reduce: req.reduce ?? null,
    runtime: { abi: RUNTIME_ABI_VERSION }
  }
}

/** The job one shard runs: the map module over the entry, mounted at /inputs, its name in `DCX_SHARD` */
export function shardSpec (run: MapRunSpec, shard: { name: string, cid: CID }): JobSpec {
  return buildJobSpec({
    module: run.map.module,
    name: run.map.name,
    args: run.map.args,
    env: [...run.env, [SHARD_ENV, shard.name]],
    inputs: [{ cid: shard.cid }],
    limits: run.limits,
    seed: run.seed
  })
}

/** The reduce's job: the reduce module over the directory of shard results, mounted at /inputs */
export function reduceSpec (run: MapRunSpec, mapOutput: CID): JobSpec | undefined {
  if (run.reduce === null) return undefined
  return buildJobSpec({
    module: run.reduce.module,
    name: run.reduce.name,
    args: run.reduce.args,
    env: run.env,
    inputs: [{ cid: mapOutput }],
    limits: run.limits,
    seed: run.seed
  })
}

function signedPart (record: UnsignedMapReceipt | MapReceipt): Uint8Array {
  const { signature: _, ...rest } = record as MapReceipt
  return dagCbor.encode(rest)
}

/** Sign a run's receipt with the requester's key */
export async function signMapReceipt (unsigned: UnsignedMapReceipt, key: PrivateKey): Promise<MapReceipt> {
  return { ...unsigned, signature: await key.sign(signedPart(unsigned)) }
}

/** Whether a run's receipt was signed by the key in its requester's peer ID */
export async function checkMapSignature (receipt: MapReceipt): Promise<{ ok: boolean, why?: string }> {
  try {
    const key = peerIdFromString(receipt.requester).publicKey
    if (key === undefined) return { ok: false, why: `requester ${receipt.requester} has no inline public key` }
    return await key.verify(signedPart(receipt), receipt.signature) ? { ok: true } : { ok: false, why: `the signature was not made by ${receipt.requester}` }
  } catch {
    return { ok: false, why: 'the requester or the signature is malformed' }
  }
}

const isCid = (x: unknown): x is CID => CID.asCID(x) != null
const isStr = (x: unknown): x is string => typeof x === 'string'
const isModule = (m: any): boolean => isCid(m?.module) && isStr(m?.name) && Array.isArray(m?.args) && m.args.every(isStr)

/** Whether a dag-cbor value is a map run's spec (its shape, checked) */
export function isMapRunSpec (v: any): v is MapRunSpec {
  return v?.type === 'dcx/map-run' && v.version === 1 && isModule(v.map) && isCid(v.input) &&
    Array.isArray(v.env) && v.env.every((e: unknown) => Array.isArray(e) && e.length === 2 && e.every(isStr)) &&
    typeof v.limits === 'object' && v.seed instanceof Uint8Array && (v.reduce === null || isModule(v.reduce)) &&
    Number.isSafeInteger(v.runtime?.abi)
}

/** Decode and check a run's receipt block */
export function decodeMapReceipt (cid: CID, bytes: Uint8Array): MapReceipt {
  let v: any
  try {
    v = dagCbor.decode(bytes)
  } catch {
    throw new NotARecordError(cid.toString(), 'receipt', 'its dag-cbor does not decode')
  }
  const shardOk = (s: any): boolean => isStr(s?.name) && isCid(s.job) && isCid(s.receipt) && isCid(s.output) && isStr(s.executor) && isStr(s.status)
  const ok = v?.type === 'dcx/map-receipt' && v.version === 1 && isCid(v.run) && isCid(v.mapOutput) && isCid(v.output) &&
    Array.isArray(v.shards) && v.shards.length <= MAX_SHARDS && v.shards.every(shardOk) &&
    (v.reduce === null || (isCid(v.reduce?.job) && isCid(v.reduce.receipt) && isCid(v.reduce.output) && isStr(v.reduce.executor) && isStr(v.reduce.status))) &&
    isStr(v.requester) && isStr(v.time) && v.signature instanceof Uint8Array
  if (!ok) throw new NotARecordError(cid.toString(), 'receipt', 'fields of a map run\'s receipt are missing or of the wrong type')
  return v as MapReceipt
}

/** Whether a block is a map run's receipt (by its type field), without checking the rest */
export function looksLikeMapReceipt (bytes: Uint8Array): boolean {
  try {
    return (dagCbor.decode(bytes) as any)?.type === 'dcx/map-receipt'
  } catch {
    return false
  }
}

/** Whether a block is a map run's receipt or spec (by its type field), without checking the rest */
export function looksLikeMapRecord (bytes: Uint8Array): boolean {
  try {
    const type = (dagCbor.decode(bytes) as any)?.type
    return type === 'dcx/map-receipt' || type === 'dcx/map-run'
  } catch {
    return false
  }
}

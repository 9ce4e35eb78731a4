import { parse as parseYaml, stringify as stringifyYaml } from 'yaml'
import { InvalidArgumentError } from '../errors.js'
import { DEFAULT_JOB_LIMITS, JOB_LIMITS } from '../wasm/index.js'
import type { JobSpec } from './records.js'
import type { JobLimitName } from '../wasm/index.js'

/**
 * A job file (`dcx run -f job.yaml`, or `.json`): the job written down, the
 * way Bacalhau users submit jobs. Paths in it are relative to the file.
 *
 * ```yaml
 * module: wasm-jobs/groupby.wasm   # a .wasm file, or the CID of a stored module
 * name: groupby                    # argv[0]; default: the file's name without .wasm, or the CID
 * inputs:
 *   - cid: bafybei...              # or `file: ./sales.csv` (added first, as `dcx add` would)
 *     path: /inputs/sales.csv      # the mount path; optional for a single input
 * args: [region, amount]
 * env: { MODE: fast }              # or a list of "KEY=VALUE"
 * limits: { fuel: 1000000000000, memory: 256MiB }
 * seed: "00ff"                     # hex
 * ```
 */
export interface JobFile {
  /** A .wasm path (relative to the file) or a module CID, as written */
  module: string
  name?: string
  inputs: JobFileInput[]
  args: string[]
  env: Array<[string, string]>
  limits: Partial<Record<JobLimitName, number>>
  /** Hex */
  seed?: string
}

/** An input as a job file names it: a CID, or a local file or folder (relative to the job file) to add */
export type JobFileInput = { cid: string, path?: string } | { file: string, path?: string } | { ref: string }

const KEYS = ['module', 'name', 'inputs', 'args', 'env', 'limits', 'seed']

/** `output-entries` and `outputEntries` alike */
function limitName (key: string): JobLimitName | undefined {
  const camel = key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
  return Object.hasOwn(JOB_LIMITS, camel) ? camel as JobLimitName : undefined
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, kb: 1e3, mb: 1e6, gb: 1e9 }

function limitValue (where: string, name: JobLimitName, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value
  if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value.replace(/_/g, ''))
    const unit = m === null ? undefined : JOB_LIMITS[name].unit === 'size' ? SIZE_UNITS[m[2].toLowerCase()] : m[2] === '' ? 1 : undefined
    const n = m === null || unit === undefined ? NaN : Math.floor(Number(m[1]) * unit)
    if (Number.isSafeInteger(n)) return n
  }
  const example = JOB_LIMITS[name].unit === 'size' ? 'bytes, or e.g. 256MiB' : 'a whole number'
  throw new InvalidArgumentError(`${where}: limits.${name} is ${JSON.stringify(value)}, not ${example}`)
}

function strings (where: string, key: string, value: unknown): string[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(`${where}: ${key} must be a list of strings`)
  return value.map((v, i) => {
    if (typeof v !== 'string') throw new InvalidArgumentError(`${where}: ${key}[${i}] is ${JSON.stringify(v)}, not a string: quote it`)
    return v
  })
}

function env (where: string, value: unknown): Array<[string, string]> {
  if (Array.isArray(value)) {
    return strings(where, 'env', value).map((kv, i) => {
      const eq = kv.indexOf('=')
      if (eq <= 0) throw new InvalidArgumentError(`${where}: env[${i}] '${kv}' is not KEY=VALUE`)
      return [kv.slice(0, eq), kv.slice(eq + 1)]
    })
  }
  if (value === null || typeof value !== 'object') throw new InvalidArgumentError(`${where}: env must be a map of KEY: value, or a list of KEY=VALUE`)
  return Object.entries(value).map(([k, v]) => {
    if (typeof v !== 'string') throw new InvalidArgumentError(`${where}: env.${k} is ${JSON.stringify(v)}, not a string: quote it`)
    return [k, v]
  })
}

function input (where: string, value: unknown, i: number): JobFileInput {
  if (typeof value === 'string') return { ref: value }
  const at = `${where}: inputs[${i}]`
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidArgumentError(`${at} must be 'CID[:path]' or {cid, path} or {file, path}`)
  const o = value as Record<string, unknown>
  for (const k of Object.keys(o)) if (!['cid', 'file', 'path'].includes(k)) throw new InvalidArgumentError(`${at} has '${k}': an input has cid or file, and path`)
  if (o.path !== undefined && typeof o.path !== 'string') throw new InvalidArgumentError(`${at}.path must be a string`)
  const path = o.path as string | undefined
  if (typeof o.cid === 'string' && o.file === undefined) return { cid: o.cid, path }
  if (typeof o.file === 'string' && o.cid === undefined) return { file: o.file, path }
  throw new InvalidArgumentError(`${at} needs exactly one of cid (a CID) and file (a local path)`)
}

/** Parse a job file's text (YAML, of which JSON is a part); `where` names it in errors */
export function parseJobFile (text: string, where: string): JobFile {
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (err) {
    throw new InvalidArgumentError(`${where} is not YAML or JSON: ${String((err as Error).message).split('\n')[0]}`)
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new InvalidArgumentError(`${where} must hold a map with at least module: (see \`dcx run --help\`)`)
  const o = doc as Record<string, unknown>
  for (const k of Object.keys(o)) {
    if (!KEYS.includes(k)) throw new InvalidArgumentError(`${where}: unknown key '${k}' (a job file has ${KEYS.join(', ')})`)
  }
  if (typeof o.module !== 'string' || o.module === '') throw new InvalidArgumentError(`${where}: module must name a .wasm file or a module CID`)
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name === '')) throw new InvalidArgumentError(`${where}: name must be a non-empty string`)
  if (o.seed !== undefined && typeof o.seed !== 'string') throw new InvalidArgumentError(`${where}: seed must be hex in quotes, e.g. seed: "00ff"`)
  if (o.inputs !== undefined && !Array.isArray(o.inputs)) throw new InvalidArgumentError(`${where}: inputs must be a list`)
  const limits: Partial<Record<JobLimitName, number>> = {}
  if (o.limits !== undefined) {
    if (o.limits === null || typeof o.limits !== 'object' || Array.isArray(o.limits)) throw new InvalidArgumentError(`${where}: limits must be a map, e.g. { fuel: 1000000, memory: 64MiB }`)
    for (const [k, v] of Object.entries(o.limits)) {
      const name = limitName(k)
      if (name === undefined) throw new InvalidArgumentError(`${where}: '${k}' is not a job limit (limits: ${Object.keys(JOB_LIMITS).join(', ')})`)
      limits[name] = limitValue(where, name, v)
    }
  }
  return {
    module: o.module,
    name: o.name as string | undefined,
    inputs: ((o.inputs ?? []) as unknown[]).map((v, i) => input(where, v, i)),
    args: o.args === undefined ? [] : strings(where, 'args', o.args),
    env: o.env === undefined ? [] : env(where, o.env),
    limits,
    seed: o.seed as string | undefined
  }
}

function sizeText (bytes: number): number | string {
  for (const [unit, n] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (bytes >= n && bytes % n === 0) return `${bytes / n}${unit}`
  }
  return bytes
}

/**
 * A job file for a spec: running it (`dcx run -f`) gives the same job CID.
 * Every limit is written, defaults too, so the file means the same job
 * after a dcx whose defaults differ; the runtime ABI is not (it is the
 * running dcx's).
 */
export function renderJobFile (spec: JobSpec, job: string): string {
  const keys = new Set(spec.env.map(([k]) => k))
  const doc = {
    module: spec.module.toString(),
    name: spec.name,
    inputs: spec.inputs.map(i => ({ cid: i.cid.toString(), path: i.path })),
    args: spec.args,
    // a map unless a key repeats or looks like an index (JavaScript puts those first): the spec keeps every pair, in order
    env: keys.size === spec.env.length && ![...keys].some(k => /^\d+$/.test(k)) ? Object.fromEntries(spec.env) : spec.env.map(([k, v]) => `${k}=${v}`),
    limits: Object.fromEntries(Object.keys(DEFAULT_JOB_LIMITS).map(k => {
      const name = k as JobLimitName
      const value = spec.limits[name]
      return [name, JOB_LIMITS[name].unit === 'size' ? sizeText(value) : value]
    })),
    seed: Buffer.from(spec.seed).toString('hex')
  }
  return `# dcx job ${job} (runtime ABI ${spec.runtime.abi}): dcx run -f <this file>\n${stringifyYaml(doc, { lineWidth: 0 })}`
}

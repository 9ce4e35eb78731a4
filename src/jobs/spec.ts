import { posix } from 'node:path'
import { InvalidArgumentError } from '../errors.js'
import { DEFAULT_JOB_LIMITS, RUNTIME_ABI_VERSION } from '../wasm/index.js'
import type { JobInput, JobLimits, JobSpec } from './records.js'
import type { CID } from 'multiformats/cid'

export { DEFAULT_JOB_LIMITS }

export interface JobRequest {
  module: CID
  name: string
  args?: string[]
  env?: Array<[string, string]>
  /** Inputs; a single one may omit its path (it mounts at /inputs) */
  inputs?: Array<{ cid: CID, path?: string }>
  limits?: Partial<JobLimits>
  seed?: Uint8Array
}

/**
 * Normalize mount paths: one input without a path mounts at /inputs; with
 * several, each names a path under /inputs; no two on one path, none inside
 * another.
 */
export function mountInputs (inputs: Array<{ cid: CID, path?: string }>): JobInput[] {
  if (inputs.length === 1 && inputs[0].path === undefined) return [{ cid: inputs[0].cid, path: '/inputs' }]
  const out: JobInput[] = []
  for (const input of inputs) {
    if (input.path === undefined) throw new InvalidArgumentError(`with several inputs, give each a mount path: --input ${input.cid}:/inputs/<name>`)
    const path = posix.normalize(input.path).replace(/\/+$/, '')
    if (!path.startsWith('/inputs/') && path !== '/inputs') throw new InvalidArgumentError(`mount path '${input.path}' is outside /inputs: inputs mount at /inputs or below it, e.g. /inputs/books`)
    if (path.split('/').includes('..')) throw new InvalidArgumentError(`mount path '${input.path}' must not contain '..'`)
    for (const other of out) {
      if (other.path === path) throw new InvalidArgumentError(`two inputs mount at ${path}: give each its own path`)
      if (other.path.startsWith(`${path}/`) || path.startsWith(`${other.path}/`)) throw new InvalidArgumentError(`mount paths ${other.path} and ${path} are inside one another: give them separate paths`)
    }
    out.push({ cid: input.cid, path })
  }
  return out.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
}

/** The full spec for a request, defaults written in */
export function buildJobSpec (req: JobRequest): JobSpec {
  for (const key of Object.keys(req.limits ?? {})) {
    if (!Object.hasOwn(DEFAULT_JOB_LIMITS, key)) throw new InvalidArgumentError(`'${key}' is not a job limit (limits: ${Object.keys(DEFAULT_JOB_LIMITS).join(', ')})`)
  }
  const limits = { ...DEFAULT_JOB_LIMITS, ...req.limits }
  for (const [k, v] of Object.entries(limits)) {
    if (!Number.isSafeInteger(v) || v < 0) throw new InvalidArgumentError(`limit ${k} must be a whole number of at least 0`)
  }
  if (limits.memory > 4 * 2 ** 30) throw new InvalidArgumentError('--memory can be at most 4GiB (a 32-bit memory)')
  return {
    type: 'dcx/job',
    version: 1,
    module: req.module,
    name: req.name,
    args: req.args ?? [],
    env: req.env ?? [],
    inputs: mountInputs(req.inputs ?? []),
    limits,
    seed: req.seed ?? new Uint8Array(0),
    runtime: { abi: RUNTIME_ABI_VERSION }
  }
}

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

/** Writable places of the job's world: no input may mount at or below them */
const RESERVED_MOUNTS = ['/outputs', '/tmp']

/** A mount path checked and normalized (no trailing or doubled slashes) */
function mountPath (text: string): string {
  if (!text.startsWith('/')) throw new InvalidArgumentError(`mount path '${text}' is not absolute: give a path such as /inputs/books or /share`)
  const parts = text.split('/').filter(p => p !== '')
  if (parts.includes('..') || parts.includes('.')) throw new InvalidArgumentError(`mount path '${text}' must not contain '.' or '..'`)
  if (parts.length === 0) throw new InvalidArgumentError('an input cannot mount at /: it would hide /outputs and /tmp; give it a path such as /inputs')
  for (const p of parts) {
    if (p.includes('\0') || Buffer.byteLength(p) > 255) throw new InvalidArgumentError(`mount path '${text}' has a name no file system can hold (NUL, or over 255 bytes)`)
  }
  const path = `/${parts.join('/')}`
  for (const reserved of RESERVED_MOUNTS) {
    if (path === reserved || path.startsWith(`${reserved}/`)) throw new InvalidArgumentError(`mount path '${text}' is inside ${reserved}, which the job writes: mount inputs anywhere else, e.g. /inputs or /share`)
  }
  return path
}

/**
 * Normalize mount paths: one input without a path mounts at /inputs; with
 * several, each names a path. A path may be any absolute path but `/`,
 * `/outputs`, `/tmp` and what is below those two (programs with compiled-in
 * resource paths, such as `/share`, need that); no two inputs on one path,
 * none inside another.
 */
export function mountInputs (inputs: ReadonlyArray<{ cid: CID, path?: string }>): JobInput[] {
  if (inputs.length === 1 && inputs[0].path === undefined) return [{ cid: inputs[0].cid, path: '/inputs' }]
  const out: JobInput[] = []
  for (const input of inputs) {
    if (input.path === undefined) throw new InvalidArgumentError(`with several inputs, give each a mount path: --input ${input.cid}:/inputs/<name>`)
    const path = mountPath(input.path)
    for (const other of out) {
      if (other.path === path) throw new InvalidArgumentError(`two inputs mount at ${path}: give each its own path`)
      if (other.path.startsWith(`${path}/`) || path.startsWith(`${other.path}/`)) throw new InvalidArgumentError(`mount paths ${other.path} and ${path} are inside one another: give them separate paths`)
    }
    out.push({ cid: input.cid, path })
  }
  return out.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
}

/**
 * Check the mounts of a spec made elsewhere (a peer's request, a receipt's
 * job being verified) by the rules `mountInputs` applies to a new one: a
 * spec that mounts over /outputs or /tmp, or at a path written two ways, is
 * refused before anything runs.
 */
export function checkMounts (inputs: readonly JobInput[]): void {
  mountInputs(inputs)
  for (const input of inputs) {
    if (mountPath(input.path) !== input.path) throw new InvalidArgumentError(`the job mounts an input at '${input.path}', which is not a normalized path: a job made by dcx never does`)
  }
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

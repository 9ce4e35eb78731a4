import { InvalidArgumentError } from '../../errors.js'
import { DEFAULT_TIMEOUT_MS, JOB_LIMITS } from '../../wasm/job-limits.js'
import type { JobSpec } from '../../jobs/records.js'

/** What an executor accepts (repo config `executor`) */
export interface ExecutorPolicy {
  maxConcurrentJobs: number
  maxFuel: number
  maxMemory: number
  maxOutput: number
  /** Most output entries (files, directories, links) a job may ask for: each costs memory and time to store */
  maxOutputEntries: number
  maxOutputDepth: number
  /** Most input entries a job may ask to list */
  maxInputEntries: number
  /** Peer IDs allowed to submit jobs; empty means open */
  allow: string[]
  /** Run jobs whose inputs this peer does not hold (fetching them); default no */
  runWithoutInputs: boolean
  /** Wall-clock safety net per job, ms */
  timeoutMs: number
}

export const DEFAULT_POLICY: ExecutorPolicy = {
  maxConcurrentJobs: 2,
  maxFuel: JOB_LIMITS.fuel.executorCap,
  maxMemory: JOB_LIMITS.memory.executorCap,
  maxOutput: JOB_LIMITS.output.executorCap,
  maxOutputEntries: JOB_LIMITS.outputEntries.executorCap,
  maxOutputDepth: JOB_LIMITS.outputDepth.executorCap,
  maxInputEntries: JOB_LIMITS.inputEntries.executorCap,
  allow: [],
  runWithoutInputs: false,
  timeoutMs: DEFAULT_TIMEOUT_MS
}

/**
 * The executor policy from the repo config's `executor` object over the
 * defaults; a wrong key or type is a clear error at daemon start, not a
 * surprise when a job arrives.
 */
export function executorPolicy (config: Record<string, unknown> | undefined): ExecutorPolicy {
  const policy: Record<string, unknown> = { ...DEFAULT_POLICY }
  for (const [key, value] of Object.entries(config ?? {})) {
    const expected = Object.hasOwn(DEFAULT_POLICY, key) ? DEFAULT_POLICY[key as keyof ExecutorPolicy] : undefined
    const fits = expected === undefined
      ? false
      : Array.isArray(expected)
        ? Array.isArray(value) && value.every(v => typeof v === 'string')
        : typeof value === typeof expected && (typeof value !== 'number' || (Number.isFinite(value) && value >= 0))
    if (!fits) {
      const known = Object.keys(DEFAULT_POLICY).join(', ')
      throw new InvalidArgumentError(expected === undefined
        ? `config.json: executor.${key} is not a setting (known: ${known})`
        : `config.json: executor.${key} must be ${Array.isArray(expected) ? 'a list of peer IDs' : `a ${typeof expected}${typeof expected === 'number' ? ' >= 0' : ''}`}, not ${JSON.stringify(value)}`)
    }
    policy[key] = value
  }
  return policy as unknown as ExecutorPolicy
}

/** Why this executor will not run `spec` for `from` now, or undefined if it will */
export function refusal (policy: ExecutorPolicy, spec: JobSpec, from: string, running: number): string | undefined {
  if (policy.allow.length > 0 && !policy.allow.includes(from)) return 'not on its allowlist'
  if (running >= policy.maxConcurrentJobs) return `busy (${running} jobs running, its limit is ${policy.maxConcurrentJobs})`
  const caps: Array<[string, number, number]> = [
    ['fuel', spec.limits.fuel, policy.maxFuel],
    ['memory', spec.limits.memory, policy.maxMemory],
    ['output', spec.limits.output, policy.maxOutput],
    ['output entries', spec.limits.outputEntries, policy.maxOutputEntries],
    ['output depth', spec.limits.outputDepth, policy.maxOutputDepth],
    ['input entries', spec.limits.inputEntries, policy.maxInputEntries]
  ]
  for (const [what, asked, cap] of caps) if (asked > cap) return `${what} ${asked} is over its limit of ${cap}`
  return undefined
}

/** Whether and for whom this peer fetches and pins DAGs when asked (`dcx pin add --on`; repo config `pinning`) */
export interface PinningPolicy {
  /** Off unless turned on: fetching and storing for others costs disk and bandwidth */
  enabled: boolean
  /** Peer IDs that may ask; empty means any peer (once enabled) */
  allow: string[]
  /** The largest DAG it fetches for one request, in bytes */
  maxBytes: number
}

export const DEFAULT_PINNING: PinningPolicy = { enabled: false, allow: [], maxBytes: 2 ** 30 }

/** The pinning policy from the repo config's `pinning` object over the defaults; a wrong key or type is a clear error at daemon start */
export function pinningPolicy (config: Record<string, unknown> | undefined): PinningPolicy {
  const policy: Record<string, unknown> = { ...DEFAULT_PINNING }
  for (const [key, value] of Object.entries(config ?? {})) {
    const expected = Object.hasOwn(DEFAULT_PINNING, key) ? DEFAULT_PINNING[key as keyof PinningPolicy] : undefined
    const fits = expected === undefined
      ? false
      : Array.isArray(expected) ? Array.isArray(value) && value.every(v => typeof v === 'string') : typeof value === typeof expected && (typeof value !== 'number' || (Number.isSafeInteger(value) && value >= 0))
    if (!fits) throw new InvalidArgumentError(`config.json: pinning.${key} ${expected === undefined ? `is not a setting (known: ${Object.keys(DEFAULT_PINNING).join(', ')})` : `must be ${Array.isArray(expected) ? 'a list of peer IDs' : `a ${typeof expected}`}, not ${JSON.stringify(value)}`}`)
    policy[key] = value
  }
  return policy as unknown as PinningPolicy
}

/** Why this peer will not pin for `from`, or undefined if it will */
export function pinRefusal (policy: PinningPolicy, from: string): string | undefined {
  if (!policy.enabled) return 'it does not pin for other peers (pinning.enabled is false in its config.json)'
  if (policy.allow.length > 0 && !policy.allow.includes(from)) return 'not on its pinning allowlist'
  return undefined
}

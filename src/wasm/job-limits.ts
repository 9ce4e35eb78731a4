/**
 * The limits that are part of a job, each documented once, here (as
 * wasmtime's `Config` documents its knobs): its default, the flag of `dcx
 * run` that sets it, what an executor accepts by default, and what the job
 * sees when it reaches it. The runtime's defaults, the job spec's, the
 * executor policy's caps and `dcx run --help` are all made from this table.
 */
export interface LimitKnob {
  /** Written into every spec that does not set it */
  default: number
  /** The most an executor accepts unless its config says otherwise (`executor.max...`) */
  executorCap: number
  /** `dcx run`'s flag for it, if it has one */
  flag?: string
  /** How values are written: a count (`1e11`, `1_000`) or a size (`64MiB`) */
  unit: 'count' | 'size'
  /** A size must be a whole number of these (memory: 64 KiB pages) */
  multipleOf?: number
  /** What one `multipleOf` is called in messages */
  multipleName?: string
  /** The most a spec may ask for, whatever an executor allows */
  max?: number
  /** What it bounds, for help texts */
  summary: string
  /** What the job sees past it */
  past: string
}

const MiB = 2 ** 20
const GiB = 2 ** 30

export const JOB_LIMITS = {
  fuel: {
    // about two minutes of the fastest compute measured on the 2-core CI
    // machine (8.6e9 fuel/s), four of integer-heavy code: docs/rationale.md
    default: 1_000_000_000_000,
    executorCap: 10_000_000_000_000,
    flag: 'fuel',
    unit: 'count',
    summary: 'instructions the job may run (wasmtime\'s fuel counting)',
    past: 'the job ends with status out-of-fuel'
  },
  memory: {
    default: 256 * MiB,
    executorCap: GiB,
    flag: 'memory',
    unit: 'size',
    multipleOf: 64 * 2 ** 10,
    multipleName: '64 KiB pages',
    // a 32-bit memory
    max: 4 * GiB,
    summary: 'linear memory, a whole number of 64 KiB pages',
    past: 'memory.grow returns -1 (malloc fails)'
  },
  stdout: {
    default: 16 * MiB,
    executorCap: 16 * MiB,
    unit: 'size',
    summary: 'bytes of stdout kept',
    past: 'the rest is counted, not kept'
  },
  stderr: {
    default: 16 * MiB,
    executorCap: 16 * MiB,
    unit: 'size',
    summary: 'bytes of stderr kept',
    past: 'the rest is counted, not kept'
  },
  output: {
    default: GiB,
    executorCap: GiB,
    unit: 'size',
    summary: 'bytes /outputs and /tmp may hold together',
    past: 'writing fails with ENOSPC'
  },
  outputEntries: {
    // storing costs about 4 KiB of memory and 0.15 ms per entry (docs/rationale.md)
    default: 10_000,
    executorCap: 100_000,
    flag: 'output-entries',
    unit: 'count',
    summary: 'files, directories and links /outputs and /tmp may hold together',
    past: 'creating one fails with EDQUOT'
  },
  outputDepth: {
    default: 256,
    executorCap: 256,
    flag: 'output-depth',
    unit: 'count',
    summary: 'how deep directories may nest below /outputs or /tmp',
    past: 'mkdir fails with ENAMETOOLONG'
  },
  inputEntries: {
    // a listed entry costs about 1.3 KiB across the worker and the main thread
    default: 100_000,
    executorCap: 1_000_000,
    flag: 'input-entries',
    unit: 'count',
    summary: 'directory entries of the inputs the job may list, in all',
    past: 'listing another directory fails with ENOMEM'
  }
} as const satisfies Record<string, LimitKnob>

export type JobLimitName = keyof typeof JOB_LIMITS

/** Every limit's value: what a job spec holds */
export type JobLimitValues = Record<JobLimitName, number>

/** Each limit at its default */
export const DEFAULT_JOB_LIMITS: JobLimitValues = Object.fromEntries(
  Object.entries(JOB_LIMITS).map(([name, knob]) => [name, knob.default])
) as JobLimitValues

/**
 * The wall-clock safety net of a run, checking inputs and storing the result
 * included. Not a limit of the job: it depends on the machine, and a run
 * that reaches it is not a result.
 */
export const DEFAULT_TIMEOUT_MS = 10 * 60_000

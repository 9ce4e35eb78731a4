import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { isFile } from './is-file.js'
import { parseInputRef } from './job-inputs.js'
import { parseCid } from '../data/cid-path.js'
import { JobFlagsError, LocalPathError } from '../errors.js'
import { moduleName } from '../jobs/execute.js'
import { parseJobFile } from '../jobs/job-file.js'
import { parseEnvFlag, parseLimit, parseSeed } from '../jobs/parse.js'
import { JOB_LIMITS } from '../wasm/job-limits.js'
import type { InputRef } from './job-inputs.js'
import type { JobLimitName } from '../wasm/job-limits.js'

/** The limits `dcx run` has a flag for, from the one table that documents them */
export const LIMIT_FLAGS = Object.entries(JOB_LIMITS).filter(([, knob]) => 'flag' in knob) as Array<[JobLimitName, typeof JOB_LIMITS[JobLimitName] & { flag: string }]>

/** What `run` hands the operation, from flags or a job file (local inputs not yet added) */
export interface JobRequest {
  /** The module's bytes, base64 (a file) */
  module?: string
  moduleCid?: string
  name: string
  args: string[]
  env: Array<[string, string]>
  inputs: InputRef[]
  limits: Partial<Record<JobLimitName, number>>
  seed?: string
}

/** `dcx run`'s flags that define a job (the rest say how and where to run it) */
export interface JobFlags {
  input?: string[]
  env?: string[]
  seed?: string
  [limitFlag: string]: unknown
}

function parseModuleCid (text: string): ReturnType<typeof parseCid> {
  try {
    return parseCid(text)
  } catch {
    throw new LocalPathError(text, 'no such file, and not a CID either: pass a .wasm file or the CID of a stored module')
  }
}

/** A module given as a file (relative to `base`) or as the CID of a stored one; its default name (argv[0]) */
export async function moduleRef (text: string, base: string): Promise<Pick<JobRequest, 'module' | 'moduleCid' | 'name'>> {
  const path = resolve(base, text)
  if (await isFile(path)) return { module: Buffer.from(await readFile(path)).toString('base64'), name: moduleName(text) }
  const cid = parseModuleCid(text).toString()
  return { moduleCid: cid, name: cid }
}

/** The job as `dcx run`'s module argument, flags and job arguments give it (paths relative to the working directory) */
export async function jobFromFlags (module: string | undefined, flags: JobFlags, jobArgs: string[]): Promise<JobRequest> {
  if (module === undefined) throw new JobFlagsError('give a module (a .wasm file or a module CID), or a job file with -f')
  const limits: Partial<Record<JobLimitName, number>> = {}
  for (const [name, knob] of LIMIT_FLAGS) {
    const text = flags[knob.flag] as string | undefined
    if (text !== undefined) limits[name] = parseLimit(knob, text)
  }
  if (flags.seed !== undefined) parseSeed(flags.seed)
  return {
    ...await moduleRef(module, process.cwd()),
    args: jobArgs,
    env: (flags.env ?? []).map(parseEnvFlag),
    inputs: (flags.input ?? []).map(text => parseInputRef(text, process.cwd())),
    limits,
    seed: flags.seed
  }
}

/**
 * The job a job file gives (`dcx run -f`; paths in it relative to the file).
 * The flags that define a job, or a module argument, beside it are refused:
 * which would win is not obvious, and the file would no longer be the job.
 */
export async function jobFromFile (file: string, module: string | undefined, flags: JobFlags): Promise<JobRequest> {
  const clash = ['input', 'env', 'seed', ...LIMIT_FLAGS.map(([, knob]) => knob.flag)].filter(f => flags[f] !== undefined)
  if (module !== undefined || clash.length > 0) {
    throw new JobFlagsError(`-f takes the whole job from ${file}: ${module !== undefined ? `the module and job arguments ('${module}')` : clash.map(f => `--${f}`).join(', ')} belong in the file`)
  }
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err: any) {
    throw new LocalPathError(file, err?.code === 'ENOENT' ? 'no such file' : String(err?.message ?? err))
  }
  const parsed = parseJobFile(text, file)
  const base = dirname(resolve(file))
  const ref = await moduleRef(parsed.module, base)
  if (parsed.seed !== undefined) parseSeed(parsed.seed)
  return {
    ...ref,
    name: parsed.name ?? ref.name,
    args: parsed.args,
    env: parsed.env,
    inputs: parsed.inputs.map((i, n): InputRef => 'ref' in i
      ? parseInputRef(i.ref, base, `${file}: inputs[${n}] '${i.ref}'`)
      : 'file' in i ? { local: resolve(base, i.file), path: i.path, given: i.file } : { cid: parseCid(i.cid).toString(), path: i.path }),
    limits: parsed.limits,
    seed: parsed.seed
  }
}

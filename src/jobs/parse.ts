import { UsageError } from '../errors.js'
import { parseCid } from '../data/cid-path.js'
import type { LimitKnob } from '../wasm/job-limits.js'
import type { CID } from 'multiformats/cid'

/*
 * The values of `dcx run`'s (and other commands') flags. A value that
 * cannot be read is a usage error (exit 2), whatever the flag.
 */

const KiB = 2 ** 10

/**
 * Size suffixes, by lower-cased spelling: IEC's (`KiB` ... `TiB`) and
 * Docker's single letters (`k`, `m`, `g`, `t`), which Docker reads as
 * binary: `--memory 64m` is 64 MiB in `docker run` and here.
 */
const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: KiB, kib: KiB,
  m: KiB ** 2, mib: KiB ** 2,
  g: KiB ** 3, gib: KiB ** 3,
  t: KiB ** 4, tib: KiB ** 4
}

/** Spellings that mean 1000s to some and 1024s to others (Docker reads `64mb` as MiB, most tools as 64,000,000) */
const AMBIGUOUS_UNITS = new Set(['kb', 'mb', 'gb', 'tb'])

/** How many bytes a size suffix stands for, as it is written best */
function unitName (bytes: number): string {
  return bytes === 1 ? '' : ['KiB', 'MiB', 'GiB', 'TiB'][Math.round(Math.log2(bytes) / 10) - 1]
}

/** `n` bytes in the largest IEC unit that divides it (67108864 -> 64MiB) */
export function formatSize (n: number): string {
  for (const unit of [KiB ** 4, KiB ** 3, KiB ** 2, KiB]) if (n >= unit && n % unit === 0) return `${n / unit}${unitName(unit)}`
  return String(n)
}

export interface SizeOptions {
  /** The flag, for messages (`--memory`) */
  flag: string
  /** The value must be a whole number of these (64 KiB pages for memory) */
  multipleOf?: number
  /** What one `multipleOf` is called in messages */
  multipleName?: string
  /** The smallest value allowed */
  min?: number
  /** The largest value allowed */
  max?: number
}

/**
 * A size in bytes: `67108864`, `64MiB`, `1.5GiB`, or Docker's `64m`, `1g`
 * (binary). `64MB` and the like are refused as ambiguous, and so is a value
 * that is not a whole number of bytes (or of `multipleOf`), naming values
 * that are.
 */
export function parseSize (text: string, options: SizeOptions): number {
  const { flag } = options
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text)
  const suffix = m?.[2].toLowerCase() ?? ''
  if (m != null && AMBIGUOUS_UNITS.has(suffix)) {
    const binary = Number(m[1]) * SIZE_UNITS[suffix[0]]
    throw new UsageError(`${flag} '${text}' is ambiguous (decimal or binary?): write ${m[1]}${unitName(SIZE_UNITS[suffix[0]])} or ${m[1]}${suffix[0]} for ${binary} bytes, or the bytes themselves`)
  }
  const unit = SIZE_UNITS[suffix]
  if (m == null || unit === undefined) {
    throw new UsageError(`${flag} '${text}' is not a size: use bytes or a number with KiB, MiB, GiB or TiB (or Docker's k, m, g, t), e.g. 256MiB`)
  }
  const bytes = Number(m[1]) * unit
  if (!Number.isSafeInteger(bytes)) {
    throw new UsageError(Number.isInteger(bytes) ? `${flag} '${text}' is too large` : `${flag} '${text}' is not a whole number of bytes`)
  }
  const step = options.multipleOf ?? 1
  if (bytes % step !== 0) {
    const below = Math.floor(bytes / step) * step
    const near = [below, below + step].filter(n => n >= (options.min ?? 0) && n > 0)
    throw new UsageError(`${flag} '${text}' is ${bytes} bytes, not a whole number of ${options.multipleName ?? `${step}-byte units`}: use ${near.map(formatSize).join(' or ')}`)
  }
  if (options.min !== undefined && bytes < options.min) throw new UsageError(`${flag} '${text}' is below the least allowed, ${formatSize(options.min)}`)
  if (options.max !== undefined && bytes > options.max) throw new UsageError(`${flag} '${text}' is over the most allowed, ${formatSize(options.max)}`)
  return bytes
}

/** "500ms", "30s", "5m", "1h", "1.5s" to milliseconds; a bare number is seconds; more than 0 */
export function parseDuration (text: string, flag = '--timeout'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text)
  if (m == null) throw new UsageError(`${flag} '${text}' is not a duration: use e.g. 500ms, 30s, 5m or 1h`)
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h']
  const ms = Math.round(Number(m[1]) * factor)
  if (ms <= 0) throw new UsageError(`${flag} '${text}' must be longer than 0, e.g. 30s`)
  if (!Number.isSafeInteger(ms)) throw new UsageError(`${flag} '${text}' is too long`)
  return ms
}

/** A CID given to a flag (`--input`, `--job`): a malformed one is a usage error */
export function parseFlagCid (text: string, flag: string): CID {
  try {
    return parseCid(text)
  } catch (err: any) {
    throw new UsageError(`${flag}: ${String(err?.message ?? err)}`)
  }
}

/** "<cid>[:<mount path>]" */
export function parseInputFlag (text: string): { cid: CID, path?: string } {
  const colon = text.indexOf(':')
  const cidText = colon < 0 ? text : text.slice(0, colon)
  const path = colon < 0 ? undefined : text.slice(colon + 1)
  if (path === '') throw new UsageError(`--input '${text}' has an empty mount path: use <cid>:/inputs/<name>`)
  return { cid: parseFlagCid(cidText, '--input'), path }
}

/** "K=V" */
export function parseEnvFlag (text: string): [string, string] {
  const eq = text.indexOf('=')
  if (eq <= 0) throw new UsageError(`--env '${text}' is not KEY=VALUE`)
  return [text.slice(0, eq), text.slice(eq + 1)]
}

/** A seed given in hex */
export function parseSeed (text: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new UsageError(`--seed '${text}' is not hex (an even number of 0-9a-f digits)`)
  return new Uint8Array(Buffer.from(text, 'hex'))
}

/** A non-negative whole number such as --fuel: `10000000000`, `10_000_000_000` or `1e10` */
export function parseCount (text: string, flag: string): number {
  const clean = text.trim().replace(/_/g, '')
  const n = /^\d+(\.\d+)?(e\+?\d+)?$/i.test(clean) ? Number(clean) : NaN
  if (!Number.isSafeInteger(n)) {
    throw new UsageError(`${flag} '${text}' is not a whole number from 0 to 2^53: write e.g. 1000000, 1_000_000 or 1e6`)
  }
  return n
}

/** A job limit's flag (`--memory 64MiB`, `--fuel 1e11`), read as its knob says */
export function parseLimit (knob: LimitKnob & { flag: string }, text: string): number {
  const flag = `--${knob.flag}`
  if (knob.unit === 'count') return parseCount(text, flag)
  return parseSize(text, { flag, multipleOf: knob.multipleOf, multipleName: knob.multipleName, max: knob.max })
}

import { InvalidArgumentError } from '../errors.js'
import { parseCid } from '../data/cid-path.js'
import type { CID } from 'multiformats/cid'

const UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9,
  ki: 2 ** 10, kib: 2 ** 10, mi: 2 ** 20, mib: 2 ** 20, gi: 2 ** 30, gib: 2 ** 30
}

/** "64MiB", "1GiB", "500MB", "1048576" to bytes */
export function parseSize (text: string, what = 'size'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text)
  const unit = UNITS[m?.[2].toLowerCase() ?? 'x']
  if (m == null || unit === undefined) {
    throw new InvalidArgumentError(`'${text}' is not a ${what}: use bytes or a number with KiB, MiB or GiB (e.g. 256MiB)`)
  }
  const bytes = Math.floor(Number(m[1]) * unit)
  if (!Number.isSafeInteger(bytes)) throw new InvalidArgumentError(`${what} '${text}' is too large`)
  return bytes
}

/** "500ms", "30s", "5m", "1h" to milliseconds */
export function parseDuration (text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text)
  if (m == null) throw new InvalidArgumentError(`'${text}' is not a duration: use e.g. 500ms, 30s, 5m or 1h`)
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h']
  return Math.round(Number(m[1]) * factor)
}

/** "<cid>[:<mount path>]" */
export function parseInputFlag (text: string): { cid: CID, path?: string } {
  const colon = text.indexOf(':')
  const cidText = colon < 0 ? text : text.slice(0, colon)
  const path = colon < 0 ? undefined : text.slice(colon + 1)
  if (path === '') throw new InvalidArgumentError(`--input '${text}' has an empty mount path: use <cid>:/inputs/<name>`)
  return { cid: parseCid(cidText), path }
}

/** "K=V" */
export function parseEnvFlag (text: string): [string, string] {
  const eq = text.indexOf('=')
  if (eq <= 0) throw new InvalidArgumentError(`--env '${text}' is not KEY=VALUE`)
  return [text.slice(0, eq), text.slice(eq + 1)]
}

/** A seed given in hex */
export function parseSeed (text: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new InvalidArgumentError(`--seed '${text}' is not hex (an even number of 0-9a-f digits)`)
  return new Uint8Array(Buffer.from(text, 'hex'))
}

/** A non-negative integer flag such as --fuel */
export function parseCount (text: string, what: string): number {
  const clean = text.replace(/_/g, '')
  if (!/^\d+$/.test(clean) || !Number.isSafeInteger(Number(clean))) throw new InvalidArgumentError(`${what} '${text}' is not a whole number (at most 2^53)`)
  return Number(clean)
}

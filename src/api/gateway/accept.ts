/** One media range of an `Accept` header: `type/subtype; k=v; q=0.5` */
export interface MediaRange {
  /** Lower-cased `type/subtype` */
  type: string
  /** Parameters other than `q`, keys lower-cased, values unquoted */
  params: Record<string, string>
  /** Preference, 0 to 1 (RFC 9110 section 12.4.2) */
  q: number
}

/** Most media ranges looked at in one `Accept` header: clients send a handful */
const MAX_RANGES = 64

/** Split on `sep` outside double quotes */
function splitOutsideQuotes (text: string, sep: string): string[] {
  const parts: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '"') quoted = !quoted
    if (c === '\\' && quoted && i + 1 < text.length) {
      current += c + text[++i]
      continue
    }
    if (c === sep && !quoted) {
      parts.push(current)
      current = ''
    } else {
      current += c
    }
  }
  parts.push(current)
  return parts
}

function unquote (value: string): string {
  return value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value
}

/**
 * The media ranges of an `Accept` header, most preferred first (ties keep
 * header order, as RFC 9110 leaves them to the server). Ranges that do not
 * parse are skipped, as a server may; only the first 64 are looked at.
 */
export function parseAccept (header: string): MediaRange[] {
  const ranges: Array<MediaRange & { index: number }> = []
  const items = splitOutsideQuotes(header, ',').slice(0, MAX_RANGES)
  for (let index = 0; index < items.length; index++) {
    const [head, ...rest] = splitOutsideQuotes(items[index], ';')
    const type = head.trim().toLowerCase()
    if (!/^[a-z0-9!#$%&'*+.^_`|~-]+\/[a-z0-9!#$%&'*+.^_`|~-]+$/.test(type)) continue
    const params: Record<string, string> = {}
    let q = 1
    for (const p of rest) {
      const eq = p.indexOf('=')
      if (eq < 0) continue
      const key = p.slice(0, eq).trim().toLowerCase()
      const value = unquote(p.slice(eq + 1).trim())
      if (key === 'q') {
        const n = Number(value)
        q = Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0
      } else if (key !== '') {
        params[key] = value
      }
    }
    ranges.push({ type, params, q, index })
  }
  return ranges
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map(({ type, params, q }) => ({ type, params, q }))
}

/*
 * A POSIX ustar writer, just what `get` over the RPC needs: regular files,
 * directories and symlinks, with a PAX extended header ('x') in front of an
 * entry whose path or link target does not fit ustar's 100-byte fields or
 * whose size does not fit its 11 octal digits. Written here, not taken from
 * a library, because it is about sixty lines and only ever writes.
 */

/** Bytes of a tar block: headers are one, content is padded to whole ones */
export const TAR_BLOCK = 512

const encoder = new TextEncoder()
/** Largest size ustar's 11 octal digits hold */
const MAX_USTAR_SIZE = 8 ** 11 - 1

export interface TarEntry {
  /** The path inside the archive, `/`-separated, without a trailing `/` */
  path: string
  type: 'file' | 'directory' | 'symlink'
  /** Bytes of content that follow (files only) */
  size?: number
  /** A symlink's target */
  linkTarget?: string
}

function octal (header: Uint8Array, offset: number, width: number, value: number): void {
  header.set(encoder.encode(value.toString(8).padStart(width - 1, '0') + '\0'), offset)
}

function header (name: Uint8Array, type: string, size: number, mode: number, link: Uint8Array = new Uint8Array()): Uint8Array {
  const h = new Uint8Array(TAR_BLOCK)
  h.set(name.subarray(0, 100), 0)
  octal(h, 100, 8, mode)
  octal(h, 108, 8, 0) // uid
  octal(h, 116, 8, 0) // gid
  octal(h, 124, 12, size)
  octal(h, 136, 12, 0) // mtime: none is recorded in most UnixFS DAGs; 0 keeps the archive a function of the DAG
  h.fill(0x20, 148, 156) // the checksum field counts as spaces while summing
  h[156] = type.charCodeAt(0)
  h.set(link.subarray(0, 100), 157)
  h.set(encoder.encode('ustar\u000000'), 257)
  let sum = 0
  for (const b of h) sum += b
  h.set(encoder.encode(sum.toString(8).padStart(6, '0') + '\0 '), 148)
  return h
}

/** One PAX record, `<length> <key>=<value>\n`, its length counting its own digits */
function paxRecord (key: string, value: string): string {
  const rest = ` ${key}=${value}\n`
  const restBytes = encoder.encode(rest).length
  let length = restBytes + 1
  while (String(length).length + restBytes !== length) length = String(length).length + restBytes
  return `${length}${rest}`
}

/** Zero bytes that pad `size` bytes of content to a whole block */
export function tarPadding (size: number): Uint8Array {
  return new Uint8Array((TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK)
}

/** The two zero blocks that end an archive */
export function tarEnd (): Uint8Array {
  return new Uint8Array(2 * TAR_BLOCK)
}

/** The header blocks of one entry (a PAX header first when it needs one); its content and `tarPadding` follow */
export function tarHeader (entry: TarEntry): Uint8Array {
  const path = entry.type === 'directory' ? `${entry.path}/` : entry.path
  const name = encoder.encode(path)
  const link = encoder.encode(entry.linkTarget ?? '')
  const size = entry.type === 'file' ? entry.size ?? 0 : 0
  const records: string[] = []
  if (name.length > 100) records.push(paxRecord('path', path))
  if (link.length > 100) records.push(paxRecord('linkpath', entry.linkTarget ?? ''))
  if (size > MAX_USTAR_SIZE) records.push(paxRecord('size', String(size)))
  const type = entry.type === 'file' ? '0' : entry.type === 'directory' ? '5' : '2'
  const mode = entry.type === 'file' ? 0o644 : entry.type === 'directory' ? 0o755 : 0o777
  const main = header(name, type, Math.min(size, MAX_USTAR_SIZE), mode, link)
  if (records.length === 0) return main
  const pax = encoder.encode(records.join(''))
  const parts = [header(encoder.encode('PaxHeader'), 'x', pax.length, 0o644), pax, tarPadding(pax.length), main]
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

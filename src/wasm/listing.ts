import { LISTED } from './protocol.js'

/** One entry of a lazy directory as it crosses from the main thread to the worker */
export type ListedEntry =
  | { name: string, kind: 'dir', source: number }
  | { name: string, kind: 'file', source: number, size: number, direct: boolean }
  | { name: string, kind: 'symlink', target: string }

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * A directory listing as bytes, so it can cross the shared-memory bridge
 * while the worker blocks: u32 count, then per entry u8 kind, u32 name
 * length, the UTF-8 name, and the kind's fields (u32 source, f64 size and
 * u8 direct for a file, u32 source for a directory, u32 length and the
 * target for a link).
 */
export function encodeListing (entries: ListedEntry[]): Uint8Array {
  const names = entries.map(e => encoder.encode(e.name))
  const targets = entries.map(e => e.kind === 'symlink' ? encoder.encode(e.target) : undefined)
  let size = 4
  entries.forEach((e, i) => {
    size += 5 + names[i].length + (e.kind === 'file' ? 13 : e.kind === 'dir' ? 4 : 4 + targets[i]!.length)
  })
  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  view.setUint32(0, entries.length, true)
  let at = 4
  entries.forEach((e, i) => {
    view.setUint8(at, LISTED[e.kind])
    view.setUint32(at + 1, names[i].length, true)
    out.set(names[i], at + 5)
    at += 5 + names[i].length
    if (e.kind === 'symlink') {
      view.setUint32(at, targets[i]!.length, true)
      out.set(targets[i]!, at + 4)
      at += 4 + targets[i]!.length
    } else {
      view.setUint32(at, e.source, true)
      at += 4
      if (e.kind === 'file') {
        view.setFloat64(at, e.size, true)
        view.setUint8(at + 8, e.direct ? 1 : 0)
        at += 9
      }
    }
  })
  return out
}

/** The inverse of `encodeListing` */
export function decodeListing (bytes: Uint8Array): ListedEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const count = view.getUint32(0, true)
  const out: ListedEntry[] = []
  let at = 4
  for (let i = 0; i < count; i++) {
    const kind = view.getUint8(at)
    const nameLength = view.getUint32(at + 1, true)
    const name = decoder.decode(bytes.subarray(at + 5, at + 5 + nameLength))
    at += 5 + nameLength
    if (kind === LISTED.symlink) {
      const length = view.getUint32(at, true)
      out.push({ name, kind: 'symlink', target: decoder.decode(bytes.subarray(at + 4, at + 4 + length)) })
      at += 4 + length
    } else if (kind === LISTED.file) {
      out.push({ name, kind: 'file', source: view.getUint32(at, true), size: view.getFloat64(at + 4, true), direct: view.getUint8(at + 12) === 1 })
      at += 13
    } else {
      out.push({ name, kind: 'dir', source: view.getUint32(at, true) })
      at += 4
    }
  }
  return out
}

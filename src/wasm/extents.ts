import type { FileExtent } from './protocol.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const HAS_PATH = 1
const HAS_CHECK = 2

/**
 * Extents as bytes, to cross the shared-memory bridge while the worker
 * blocks: u32 count, then per extent f64 start, f64 length, u8 flags, and
 * when flagged a path (u32 length, UTF-8, then f64 at) and a check (u32
 * length, UTF-8).
 */
export function encodeExtents (extents: FileExtent[]): Uint8Array {
  const paths = extents.map(e => e.path !== undefined ? encoder.encode(e.path) : undefined)
  const checks = extents.map(e => e.check !== undefined ? encoder.encode(e.check) : undefined)
  let size = 4
  extents.forEach((_, i) => {
    size += 17
    if (paths[i] !== undefined) size += 12 + paths[i]!.length
    if (checks[i] !== undefined) size += 4 + checks[i]!.length
  })
  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  view.setUint32(0, extents.length, true)
  let at = 4
  extents.forEach((e, i) => {
    view.setFloat64(at, e.start, true)
    view.setFloat64(at + 8, e.length, true)
    const path = paths[i]
    const check = checks[i]
    view.setUint8(at + 16, (path !== undefined ? HAS_PATH : 0) | (check !== undefined ? HAS_CHECK : 0))
    at += 17
    if (path !== undefined) {
      view.setUint32(at, path.length, true)
      out.set(path, at + 4)
      view.setFloat64(at + 4 + path.length, e.at ?? 0, true)
      at += 12 + path.length
    }
    if (check !== undefined) {
      view.setUint32(at, check.length, true)
      out.set(check, at + 4)
      at += 4 + check.length
    }
  })
  return out
}

/** The inverse of `encodeExtents` */
export function decodeExtents (bytes: Uint8Array): FileExtent[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const count = view.getUint32(0, true)
  const out: FileExtent[] = []
  let at = 4
  for (let i = 0; i < count; i++) {
    const e: FileExtent = { start: view.getFloat64(at, true), length: view.getFloat64(at + 8, true) }
    const flags = view.getUint8(at + 16)
    at += 17
    if ((flags & HAS_PATH) !== 0) {
      const length = view.getUint32(at, true)
      e.path = decoder.decode(bytes.subarray(at + 4, at + 4 + length))
      e.at = view.getFloat64(at + 4 + length, true)
      at += 12 + length
    }
    if ((flags & HAS_CHECK) !== 0) {
      const length = view.getUint32(at, true)
      e.check = decoder.decode(bytes.subarray(at + 4, at + 4 + length))
      at += 4 + length
    }
    out.push(e)
  }
  return out
}

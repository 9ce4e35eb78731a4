import { ModuleRejectedError } from '../errors.js'

const UTF8 = new TextDecoder('utf-8', { fatal: true })

/** Thrown for bytes that are not a well-formed module; carries the offset */
export function malformed (offset: number, what: string): ModuleRejectedError {
  return new ModuleRejectedError(`bytes at offset ${offset}`, `are malformed: ${what}`)
}

/**
 * A cursor over module bytes. LEB128 decoding is inlined for the common
 * one-byte case because the rewriter decodes every immediate of every
 * instruction: this loop is the rewriter's hot path.
 */
export class Reader {
  pos: number
  constructor (readonly bytes: Uint8Array, pos = 0, readonly end = bytes.length) {
    this.pos = pos
  }

  get done (): boolean { return this.pos >= this.end }

  byte (): number {
    if (this.pos >= this.end) throw malformed(this.pos, 'unexpected end')
    return this.bytes[this.pos++]
  }

  u32 (): number {
    const b = this.bytes
    let p = this.pos
    if (p >= this.end) throw malformed(p, 'unexpected end in LEB128')
    let x = b[p++]
    if (x < 0x80) { this.pos = p; return x }
    x &= 0x7f
    let shift = 7
    for (;;) {
      if (p >= this.end) throw malformed(p, 'unexpected end in LEB128')
      const c = b[p++]
      x += (c & 0x7f) * 2 ** shift
      if (c < 0x80) break
      shift += 7
      if (shift > 28) throw malformed(p, 'LEB128 u32 too long')
    }
    if (x > 0xffffffff) throw malformed(p, 'LEB128 u32 out of range')
    this.pos = p
    return x
  }

  /** Skips a signed or unsigned LEB of at most `maxBytes` bytes */
  skipLeb (maxBytes: number): void {
    const b = this.bytes
    let p = this.pos
    for (let i = 0; i < maxBytes; i++) {
      if (p >= this.end) throw malformed(p, 'unexpected end in LEB128')
      if (b[p++] < 0x80) { this.pos = p; return }
    }
    throw malformed(p, 'LEB128 too long')
  }

  /** A signed 33-bit LEB (block types); small values only matter to us */
  s33 (): number {
    let result = 0
    let shift = 0
    let c: number
    do {
      c = this.byte()
      result += (c & 0x7f) * 2 ** shift
      shift += 7
      if (shift > 35) throw malformed(this.pos, 'LEB128 s33 too long')
    } while (c >= 0x80)
    if ((c & 0x40) !== 0) result -= 2 ** shift
    return result
  }

  skip (n: number): void {
    if (this.pos + n > this.end) throw malformed(this.pos, 'unexpected end')
    this.pos += n
  }

  name (): string {
    const len = this.u32()
    const start = this.pos
    this.skip(len)
    return UTF8.decode(this.bytes.subarray(start, start + len))
  }
}

/** Bytes of `x` as a minimal unsigned LEB128 */
export function lebLength (x: number): number {
  let n = 1
  while (x >= 128) { x = Math.floor(x / 128); n++ }
  return n
}

/** A growable byte buffer with LEB128 encoders */
export class Writer {
  buf: Uint8Array
  len = 0
  constructor (capacity = 1024) {
    this.buf = new Uint8Array(capacity)
  }

  private ensure (n: number): void {
    if (this.len + n <= this.buf.length) return
    let cap = this.buf.length * 2
    while (cap < this.len + n) cap *= 2
    const next = new Uint8Array(cap)
    next.set(this.buf.subarray(0, this.len))
    this.buf = next
  }

  byte (b: number): void {
    this.ensure(1)
    this.buf[this.len++] = b
  }

  bytes (src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start
    this.ensure(n)
    if (n < 48) {
      // most runs between rewritten instructions are short: a subarray costs more than the copy
      const buf = this.buf
      let at = this.len
      for (let i = start; i < end; i++) buf[at++] = src[i]
    } else {
      this.buf.set(src.subarray(start, end), this.len)
    }
    this.len += n
  }

  u32 (x: number): void {
    this.ensure(5)
    do {
      let b = x & 0x7f
      x = Math.floor(x / 128)
      if (x !== 0) b |= 0x80
      this.buf[this.len++] = b
    } while (x !== 0)
  }

  /** Signed LEB */
  s64 (x: number | bigint): void {
    if (typeof x === 'number' && Number.isSafeInteger(x)) {
      this.ensure(10)
      for (;;) {
        const b = ((x % 128) + 128) % 128
        x = Math.floor(x / 128)
        const done = (x === 0 && (b & 0x40) === 0) || (x === -1 && (b & 0x40) !== 0)
        this.buf[this.len++] = done ? b : b | 0x80
        if (done) return
      }
    }
    let v = BigInt(x)
    this.ensure(10)
    for (;;) {
      const b = Number(v & 0x7fn)
      v >>= 7n
      const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)
      this.buf[this.len++] = done ? b : b | 0x80
      if (done) return
    }
  }

  s32 (x: number): void { this.s64(x) }

  /** A u32 LEB padded to exactly 5 bytes, so it can be patched in place */
  u32Padded (x: number, at = -1): void {
    if (at < 0) { this.ensure(5); at = this.len; this.len += 5 }
    for (let i = 0; i < 4; i++) { this.buf[at + i] = (x & 0x7f) | 0x80; x >>>= 7 }
    this.buf[at + 4] = x & 0x7f
  }

  /**
   * Starts a vector or body whose byte length is written before it: reserves
   * room for the length and returns where, for `endSized`. Lets a large
   * payload be written once, in place, instead of built apart and copied.
   */
  beginSized (): number {
    this.ensure(5)
    const at = this.len
    this.len += 5
    return at
  }

  /**
   * Ends what `beginSized` started at `at`: writes its length as a minimal
   * LEB128 and moves the payload down over the unused reserved bytes (so the
   * bytes are those a separate buffer and a copy would have given). Returns
   * the payload's length.
   */
  endSized (at: number): number {
    const start = at + 5
    const size = this.len - start
    const n = lebLength(size)
    let x = size
    for (let i = 0; i < n; i++) {
      this.buf[at + i] = (x & 0x7f) | (i < n - 1 ? 0x80 : 0)
      x = Math.floor(x / 128)
    }
    if (n < 5) this.buf.copyWithin(at + n, start, this.len)
    this.len -= 5 - n
    return size
  }

  name (s: string): void {
    const b = new TextEncoder().encode(s)
    this.u32(b.length)
    this.bytes(b)
  }

  result (): Uint8Array { return this.buf.slice(0, this.len) }
  view (): Uint8Array { return this.buf.subarray(0, this.len) }
}

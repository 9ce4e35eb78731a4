/**
 * A captured stream (stdout or stderr): the first `cap` bytes are kept, the
 * rest is counted and dropped, so a job writing gigabytes costs no memory.
 */
export class Capture {
  private readonly chunks: Uint8Array[] = []
  kept = 0
  total = 0
  constructor (readonly cap: number, private readonly onData?: (chunk: Uint8Array) => void) {}

  write (bytes: Uint8Array): void {
    this.total += bytes.length
    const room = this.cap - this.kept
    if (room <= 0) return
    const part = bytes.length <= room ? bytes.slice() : bytes.slice(0, room)
    this.chunks.push(part)
    this.kept += part.length
    this.onData?.(part)
  }

  get truncated (): boolean { return this.total > this.kept }

  bytes (): Uint8Array {
    const out = new Uint8Array(this.kept)
    let at = 0
    for (const c of this.chunks) { out.set(c, at); at += c.length }
    return out
  }
}

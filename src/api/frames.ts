/**
 * What crosses the daemon's socket for one operation: a stream of frames,
 * each a kind byte, a 4-byte big-endian length and a payload. Progress
 * events and the result are JSON; a byte-stream operation sends its bytes as
 * `bytes` frames; a failure ends the stream with an `error` frame.
 */
export const FRAME = {
  progress: 0x70,
  result: 0x72,
  bytes: 0x62,
  error: 0x65
} as const

export type FrameKind = typeof FRAME[keyof typeof FRAME]

/** The request header that carries the caller's fetch timeout (ms): it is the caller's, not the operation's input */
export const FETCH_TIMEOUT_HEADER = 'x-dcx-fetch-timeout-ms'

/** The largest frame either side accepts: a result (a listing, a run summary) can be large, but not unbounded */
export const MAX_FRAME_BYTES = 64 * 2 ** 20

const encoder = new TextEncoder()

/** One frame's bytes */
export function frame (kind: FrameKind, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + payload.length)
  out[0] = kind
  new DataView(out.buffer).setUint32(1, payload.length)
  out.set(payload, 5)
  return out
}

/** A JSON frame */
export function jsonFrame (kind: FrameKind, value: unknown): Uint8Array {
  return frame(kind, encoder.encode(JSON.stringify(value)))
}

/** Frames out of a byte stream, checked: an unknown kind or an oversized frame ends it with an error */
export async function * readFrames (source: AsyncIterable<Uint8Array>): AsyncGenerator<{ kind: FrameKind, payload: Uint8Array }> {
  // chunks held until a whole frame is there: a large frame is copied once, not once per chunk
  const held: Uint8Array[] = []
  let size = 0
  const take = (n: number): Uint8Array => {
    const out = new Uint8Array(n)
    let at = 0
    while (at < n) {
      const head = held[0]
      const part = Math.min(head.length, n - at)
      out.set(head.subarray(0, part), at)
      at += part
      if (part === head.length) held.shift()
      else held[0] = head.subarray(part)
    }
    size -= n
    return out
  }
  let header: Uint8Array | undefined
  for await (const chunk of source) {
    held.push(chunk)
    size += chunk.length
    for (;;) {
      if (header === undefined) {
        if (size < 5) break
        header = take(5)
        const kind = header[0]
        if (!Object.values(FRAME).includes(kind as FrameKind)) throw new Error(`unknown frame kind ${kind}`)
        const length = new DataView(header.buffer).getUint32(1)
        if (length > MAX_FRAME_BYTES) throw new Error(`a frame of ${length} bytes is over the limit of ${MAX_FRAME_BYTES}`)
      }
      const length = new DataView(header.buffer).getUint32(1)
      if (size < length) break
      yield { kind: header[0] as FrameKind, payload: take(length) }
      header = undefined
    }
  }
  if (header !== undefined || size > 0) throw new Error('the stream ended inside a frame')
}

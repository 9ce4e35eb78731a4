import { READ_HIGH_WATER, READ_LOW_WATER } from './constants.js'
import { BulkMessageError } from '../errors.js'
import type { Stream } from '@libp2p/interface'
import type { AbortOptions } from 'abort-error'

/** The stream ended (or broke) before the bytes a reader needed */
export class StreamEndedError extends Error {
  /** It was reset or aborted (a connection lost, a peer gone), not closed in the middle of something */
  readonly broken: boolean
  constructor (why: string, broken = false) {
    super(why)
    this.name = 'StreamEndedError'
    this.broken = broken
  }
}

/**
 * Reads exact byte counts off a libp2p stream with bounded memory. A
 * stream's own async iterator queues whatever arrives without limit, and
 * yamux grants window as data arrives, not as it is read; so this reader
 * pauses the stream (yamux then stops granting window, and the sender
 * stops) when more than `highWater` bytes wait unread, and resumes it below
 * `lowWater`.
 */
export class StreamReader {
  private readonly stream: Stream
  /** Received chunks not yet read; the first is read from `offset` on */
  private readonly chunks: Uint8Array[] = []
  private offset = 0
  private length = 0
  private readonly highWater: number
  private readonly lowWater: number
  private ended = false
  private resuming = false
  private failure?: Error
  private wake?: () => void
  private readonly detach: () => void

  constructor (stream: Stream, options: { highWater?: number, lowWater?: number } = {}) {
    this.stream = stream
    this.highWater = options.highWater ?? READ_HIGH_WATER
    this.lowWater = options.lowWater ?? READ_LOW_WATER
    const onMessage = (evt: { data: Uint8Array | Iterable<Uint8Array> }): void => {
      // a Uint8ArrayList iterates over its chunks
      for (const chunk of evt.data instanceof Uint8Array ? [evt.data] : evt.data) {
        if (chunk.byteLength === 0) continue
        this.chunks.push(chunk)
        this.length += chunk.byteLength
      }
      if (!this.resuming) this.pauseIfFull()
      this.notify()
    }
    // 'end', not 'remoteCloseWrite': the remote may close while a paused stream still holds bytes it has not handed over
    const onEnd = (): void => { this.ended = true; this.notify() }
    const onClose = (evt: Event & { error?: Error }): void => {
      if (evt.error != null) {
        this.failure = evt.error
        this.ended = true
      }
      this.notify()
    }
    stream.addEventListener('message', onMessage as any)
    stream.addEventListener('end', onEnd)
    stream.addEventListener('close', onClose as any)
    if (stream.readableEnded || stream.status === 'aborted' || stream.status === 'reset') this.ended = true
    this.detach = () => {
      stream.removeEventListener('message', onMessage as any)
      stream.removeEventListener('end', onEnd)
      stream.removeEventListener('close', onClose as any)
    }
  }

  private pauseIfFull (): void {
    if (this.length > this.highWater && this.stream.readStatus === 'readable') this.stream.pause()
  }

  /**
   * Resume the stream. It hands over what it buffered while paused from
   * inside `resume()`, before it grants window again: pausing from that
   * handover would be undone by the grant (the stream would stay 'paused'
   * while the muxer sends window updates, and overflow its read buffer), so
   * a pause that is due is made once `resume()` returns.
   */
  private resumeStream (): void {
    this.resuming = true
    try {
      this.stream.resume()
    } finally {
      this.resuming = false
    }
    this.pauseIfFull()
  }

  private notify (): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }

  /** Bytes received and not yet read */
  get buffered (): number {
    return this.length
  }

  /** Wait until `n` bytes are buffered; false when the stream ended first */
  private async fill (n: number, options: AbortOptions): Promise<boolean> {
    while (this.length < n) {
      if (this.ended) {
        if (this.failure != null) throw new StreamEndedError(`its stream broke: ${this.failure.message}`, true)
        return false
      }
      options.signal?.throwIfAborted()
      // a stream we paused (above the high mark) with too few bytes buffered for this read: let it flow again
      if (this.stream.readStatus === 'paused') this.resumeStream()
      if (this.length >= n) break
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => { this.wake = undefined; reject(options.signal!.reason) }
        options.signal?.addEventListener('abort', onAbort, { once: true })
        this.wake = () => { options.signal?.removeEventListener('abort', onAbort); resolve() }
      })
    }
    return true
  }

  /** The byte `i` places ahead (it must be buffered) */
  private peek (i: number): number {
    let at = this.offset + i
    for (const chunk of this.chunks) {
      if (at < chunk.byteLength) return chunk[at]
      at -= chunk.byteLength
    }
    throw new RangeError('peek past the buffered bytes')
  }

  /** Take `n` buffered bytes: a view when they lie in one chunk, else a copy */
  private take (n: number): Uint8Array {
    const first = this.chunks[0]
    let out: Uint8Array
    if (first !== undefined && first.byteLength - this.offset >= n) {
      out = first.subarray(this.offset, this.offset + n)
      this.offset += n
    } else {
      out = new Uint8Array(n)
      let filled = 0
      while (filled < n) {
        const chunk = this.chunks[0]
        const part = Math.min(n - filled, chunk.byteLength - this.offset)
        out.set(chunk.subarray(this.offset, this.offset + part), filled)
        filled += part
        this.offset += part
        if (this.offset === chunk.byteLength) { this.chunks.shift(); this.offset = 0 }
      }
    }
    if (this.chunks.length > 0 && this.offset === this.chunks[0].byteLength) { this.chunks.shift(); this.offset = 0 }
    this.length -= n
    if (this.stream.readStatus === 'paused' && this.length < this.lowWater) this.resumeStream()
    return out
  }

  /**
   * An unsigned varint of at most `max`; undefined when the stream ends
   * cleanly before its first byte.
   */
  async varint (max: number, options: AbortOptions = {}): Promise<number | undefined> {
    let value = 0
    // 8 bytes of 7 bits cover every safe integer; more is not a length we would take
    for (let i = 0; i < 8; i++) {
      if (!(await this.fill(i + 1, options))) {
        if (i === 0) return undefined
        throw new StreamEndedError('the stream ended inside a length prefix')
      }
      const byte = this.peek(i)
      value += (byte & 0x7f) * 2 ** (7 * i)
      if (value > max) throw new BulkMessageError(`a length prefix says more than the ${max} bytes allowed`)
      if ((byte & 0x80) === 0) {
        this.take(i + 1)
        return value
      }
    }
    throw new BulkMessageError('a length prefix runs on for more than 8 bytes')
  }

  /** Exactly `n` bytes, as one contiguous array */
  async bytes (n: number, options: AbortOptions = {}): Promise<Uint8Array> {
    if (!(await this.fill(n, options))) throw new StreamEndedError(`the stream ended with ${this.length} of ${n} bytes`)
    return this.take(n)
  }

  /** A length-prefixed message of at most `max` bytes */
  async message (max: number, options: AbortOptions = {}): Promise<Uint8Array> {
    const length = await this.varint(max, options)
    if (length === undefined) throw new StreamEndedError('the stream ended before a message')
    return await this.bytes(length, options)
  }

  /** Stop listening to the stream */
  release (): void {
    this.detach()
  }
}

/**
 * Grant the sender the muxer's whole stream window at once. js-yamux grows
 * a stream's receive window from the spec's 256 KiB only while each window
 * update follows the last within four round trips; on loopback, where a
 * round trip rounds to 0 ms, or on a busy host, that seldom holds, and a
 * 256 KiB window over a few milliseconds of event-loop delay caps a stream
 * at tens of MB/s. A receiver may grant any window up to its maximum (this
 * is how the spec grows it); memory stays bounded by that maximum, which the
 * reader's pause stops granting again. A muxer without these fields (not
 * yamux) is left as it is.
 */
export function widenReceiveWindow (stream: Stream): void {
  const yamux = stream as unknown as { recvWindow?: unknown, maxStreamWindowSize?: unknown, sendWindowUpdate?: unknown }
  if (typeof yamux.recvWindow !== 'number' || typeof yamux.maxStreamWindowSize !== 'number' || typeof yamux.sendWindowUpdate !== 'function') return
  if (yamux.recvWindow >= yamux.maxStreamWindowSize) return
  yamux.recvWindow = yamux.maxStreamWindowSize
  ;(yamux.sendWindowUpdate as () => void).call(stream)
}

import { createCipheriv, createHash, type Cipheriv } from 'node:crypto'
import { EPOCH_NS, NS_PER_FUEL } from '../abi.js'

/**
 * The deterministic world a job sees: time is a function of the fuel it has
 * burned (1 ns per unit) plus what it slept, starting from a fixed epoch;
 * randomness is a ChaCha20 keystream keyed by the SHA-256 of the job's seed.
 * Nothing here reads the host's clock or entropy.
 */
export class World {
  private slept = 0n
  private last = 0n
  private calls = 0n
  private readonly cipher: Cipheriv

  /** @param fuelUsed - reads the fuel burned so far; undefined for uninstrumented modules (then each read advances 1 µs) */
  constructor (seed: Uint8Array, private readonly fuelUsed?: () => bigint) {
    const key = createHash('sha256').update(seed).digest()
    this.cipher = createCipheriv('chacha20', key, Buffer.alloc(16))
  }

  /** Nanoseconds since the job started; strictly increasing between reads */
  elapsed (): bigint {
    const burned = this.fuelUsed !== undefined ? this.fuelUsed() * NS_PER_FUEL : ++this.calls * 1000n
    let t = burned + this.slept
    if (t <= this.last) t = this.last + 1n
    this.last = t
    return t
  }

  realtime (): bigint { return EPOCH_NS + this.elapsed() }
  monotonic (): bigint { return this.elapsed() }

  /** Advances virtual time to `monotonicDeadline` if it is in the future */
  sleepUntil (monotonicDeadline: bigint): void {
    const now = this.elapsed()
    if (monotonicDeadline > now) this.slept += monotonicDeadline - now
  }

  random (dst: Uint8Array): void {
    const out = this.cipher.update(new Uint8Array(dst.length))
    dst.set(out)
  }
}

import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { distFile } from '../package-root.js'

interface Waiting {
  resolve: (r: { digest: Uint8Array, bytes: Uint8Array }) => void
  reject: (err: Error) => void
}

/** True when `bytes` is a whole buffer of its own: then it can move to another thread and back */
export function ownsBuffer (bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
}

/** Threads an add hashes on: one per core beyond the main thread's, at least one, at most four */
export function defaultHashThreads (): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1))
}

/**
 * SHA-256 on worker threads, for an add's leaves. Each buffer moves to a
 * worker and back (transferred, not copied): WebCrypto's digest, which runs
 * on libuv's pool, first copies its input, and that copy cost the main
 * thread more than hashing it there (docs/rationale.md). Threads start on
 * the first hash and end with `close`.
 */
export class HashPool {
  private workers: Worker[] = []
  private next = 0
  private seq = 0
  private readonly waiting = new Map<number, Waiting>()
  private failure: Error | undefined
  private closed = false

  constructor (private readonly threads = defaultHashThreads()) {}

  private start (): Worker[] {
    if (this.workers.length > 0) return this.workers
    for (let i = 0; i < this.threads; i++) {
      const worker = new Worker(distFile('data/hash-worker.js'))
      worker.on('message', ({ id, bytes, digest }: { id: number, bytes: Uint8Array, digest: Uint8Array }) => {
        const w = this.waiting.get(id)
        this.waiting.delete(id)
        w?.resolve({ digest, bytes })
      })
      worker.on('error', err => this.fail(err))
      worker.on('exit', code => { if (code !== 0) this.fail(new Error(`a hashing thread exited with code ${code}`)) })
      this.workers.push(worker)
    }
    return this.workers
  }

  private fail (err: Error): void {
    if (this.closed) return
    this.failure ??= err
    for (const w of this.waiting.values()) w.reject(err)
    this.waiting.clear()
  }

  /**
   * The SHA-256 of `bytes`, which must own its buffer (`ownsBuffer`): it is
   * moved to a worker, so `bytes` is empty afterwards; use the `bytes`
   * returned, the same memory moved back.
   */
  async sha256 (bytes: Uint8Array): Promise<{ digest: Uint8Array, bytes: Uint8Array }> {
    if (this.failure !== undefined) throw this.failure
    const workers = this.start()
    const worker = workers[this.next++ % workers.length]
    const id = this.seq++
    return await new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      worker.postMessage({ id, bytes }, [bytes.buffer as ArrayBuffer])
    })
  }

  /**
   * Ends the threads. An add closes its pool when it is over, failed or
   * not; hashes still waiting then (an add that failed) are left unsettled
   * rather than rejected, so that nothing is left to reject unobserved.
   */
  async close (): Promise<void> {
    this.closed = true
    this.failure ??= new Error('the hash pool is closed')
    const workers = this.workers
    this.workers = []
    this.waiting.clear()
    await Promise.all(workers.map(async w => await w.terminate()))
  }
}

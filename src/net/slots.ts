import type { AbortOptions } from 'abort-error'

/**
 * Slots per key (a peer, or `local`): a task takes a free slot from any of
 * the keys it may use, waiting when all are taken, so work spreads over
 * whoever is free and no one gets more than its share at once.
 */
export class SlotPool {
  private readonly used = new Map<string, number>()
  private readonly waiting: Array<{ keys: string[], take: (key: string) => void }> = []

  /**
   * @param perKey slots of a key not named in `capacity`
   * @param capacity slots of particular keys
   */
  constructor (private readonly perKey: number, private readonly capacity: Record<string, number> = {}) {}

  private free (key: string): boolean {
    return (this.used.get(key) ?? 0) < (this.capacity[key] ?? this.perKey)
  }

  /** Take a slot of the first of `keys` with one free, in order, waiting until one is */
  async acquireAny (keys: string[], options: AbortOptions = {}): Promise<string> {
    options.signal?.throwIfAborted()
    const key = keys.find(k => this.free(k))
    if (key !== undefined) {
      this.used.set(key, (this.used.get(key) ?? 0) + 1)
      return key
    }
    return await new Promise<string>((resolve, reject) => {
      const waiter = {
        keys,
        take: (k: string) => {
          options.signal?.removeEventListener('abort', onAbort)
          resolve(k)
        }
      }
      const onAbort = (): void => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1)
        reject(options.signal!.reason)
      }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      this.waiting.push(waiter)
    })
  }

  /** Give a slot back; the first waiter that may use it takes it */
  release (key: string): void {
    this.used.set(key, Math.max(0, (this.used.get(key) ?? 1) - 1))
    const i = this.waiting.findIndex(w => w.keys.includes(key))
    if (i < 0 || !this.free(key)) return
    const [waiter] = this.waiting.splice(i, 1)
    this.used.set(key, (this.used.get(key) ?? 0) + 1)
    waiter.take(key)
  }
}

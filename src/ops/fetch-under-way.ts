import { CID } from 'multiformats/cid'
import { multihashKey } from '../data/walk.js'
import type { AbortOptions } from 'abort-error'

/**
 * A daemon fetch running while this process reads what it brings: the
 * blocks it reports as landed in the repo wake the readers waiting for
 * them, and its end (or failure) wakes the rest. Nothing is kept per block
 * but the waiters, so a long fetch costs no memory here.
 */
export class FetchUnderWay {
  private readonly waiting = new Map<string, Set<() => void>>()
  private ended = false
  private failure?: { error: unknown }
  /** Settles when the fetch does; rejects with its error */
  readonly done: Promise<void>

  /**
   * @param run starts the fetch, calling `landed` with the CID (text) of each block once it is in the repo
   */
  constructor (run: (landed: (cid: string) => void) => Promise<unknown>) {
    this.done = run(cid => { this.landed(cid) }).then(() => {}, (error: unknown) => {
      this.failure = { error }
      throw error
    }).finally(() => {
      this.ended = true
      for (const wakers of this.waiting.values()) for (const wake of wakers) wake()
      this.waiting.clear()
    })
    // a failure reaches readers through `until` and callers through `done`; never unhandled
    this.done.catch(() => {})
  }

  private landed (text: string): void {
    let key: string
    try {
      key = multihashKey(CID.parse(text))
    } catch {
      return
    }
    const wakers = this.waiting.get(key)
    if (wakers === undefined) return
    this.waiting.delete(key)
    for (const wake of wakers) wake()
  }

  /**
   * Wait until `cid` has landed or the fetch has ended; `check` (is it in the
   * repo?) runs once the wait is registered, so a block that landed just
   * before is not waited for. Resolves whether it can be read now (false:
   * the fetch ended without it), rejects with the fetch's error.
   */
  async until (cid: CID, check: () => Promise<boolean>, options: AbortOptions = {}): Promise<boolean> {
    if (this.ended) return this.outcome()
    const key = multihashKey(cid)
    let wake!: () => void
    const woken = new Promise<void>(resolve => { wake = resolve })
    let wakers = this.waiting.get(key)
    if (wakers === undefined) this.waiting.set(key, wakers = new Set())
    wakers.add(wake)
    const aborted = (): void => wake()
    options.signal?.addEventListener('abort', aborted, { once: true })
    try {
      if (await check()) return true
      await woken
      options.signal?.throwIfAborted()
      return await check() || this.outcome()
    } finally {
      options.signal?.removeEventListener('abort', aborted)
      wakers.delete(wake)
      if (wakers.size === 0 && this.waiting.get(key) === wakers) this.waiting.delete(key)
    }
  }

  /** After the end: false when it succeeded (what was not landed will not be), its error when it failed */
  private outcome (): false {
    if (this.failure !== undefined) throw this.failure.error
    return false
  }
}

import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import { FetchUnderWay } from '../../src/ops/fetch-under-way.js'

const cidOf = async (n: number): Promise<CID> => CID.createV1(raw.code, await sha256.digest(Uint8Array.of(n)))

/** A fetch driven by the test: `land` reports a block, `end` settles it */
function driven (): { fetch: FetchUnderWay, land: (cid: CID) => void, end: (error?: Error) => void } {
  let land!: (cid: string) => void
  let settle!: (error?: Error) => void
  const fetch = new FetchUnderWay(async landed => {
    land = landed
    await new Promise<void>((resolve, reject) => { settle = error => { if (error === undefined) resolve(); else reject(error) } })
  })
  return { fetch, land: cid => land(cid.toString()), end: error => settle(error) }
}

describe('a reader following a fetch under way', () => {
  it('waits for the block it needs to land, not for the whole fetch', async () => {
    const { fetch, land, end } = driven()
    const [a, b] = [await cidOf(1), await cidOf(2)]
    const here = new Set<string>()
    const waiting = fetch.until(b, async () => here.has(b.toString()))
    here.add(a.toString()); land(a)
    here.add(b.toString()); land(b)
    await expect(waiting).resolves.toBe(true)
    end()
    await fetch.done
  })

  it('a block that landed before the wait began is read at once', async () => {
    const { fetch, end } = driven()
    const a = await cidOf(3)
    await expect(fetch.until(a, async () => true)).resolves.toBe(true)
    end()
  })

  it('the fetch ending without the block says so; failing, it throws the fetch\'s error to every waiter', async () => {
    const first = driven()
    const missing = first.fetch.until(await cidOf(4), async () => false)
    first.end()
    await expect(missing).resolves.toBe(false)

    const second = driven()
    const waiters = [second.fetch.until(await cidOf(5), async () => false), second.fetch.until(await cidOf(6), async () => false)]
    second.end(new Error('block did not arrive'))
    for (const w of waiters) await expect(w).rejects.toThrow('block did not arrive')
    await expect(second.fetch.done).rejects.toThrow('block did not arrive')
    // a wait that begins after the failure fails the same way
    await expect(second.fetch.until(await cidOf(7), async () => false)).rejects.toThrow('block did not arrive')
  })
})

import { describe, expect, it } from 'vitest'
import { run, wasm, WAT } from '../helpers/wasm.js'

describe('call depth', () => {
  it('ends unbounded recursion as stack-exhausted, the same under any host stack size', async () => {
    const results = []
    for (const stackSizeMb of [16, 64, 256]) {
      const r = await run(wasm(WAT, 'recurse'), { stackSizeMb })
      results.push([r.status, r.fuelUsed])
    }
    expect(results[0][0]).toBe('stack-exhausted')
    expect(results[1]).toEqual(results[0])
    expect(results[2]).toEqual(results[0])
  })
})

import { describe, expect, it } from 'vitest'
import { run, wasm, WAT } from '../helpers/wasm.js'

function words (bytes: Uint8Array): string[] {
  return Buffer.from(bytes).toString('hex').match(/.{8}/g)!
}

describe('NaN canonicalization', () => {
  it('stores canonical NaN bits for every NaN-producing operation, scalar and SIMD', async () => {
    const r = await run(wasm(WAT, 'nan'))
    expect(r.status).toBe('exit')
    // little-endian words: f32 7fc00000, f64 7ff8000000000000
    expect(words(r.stdoutBytes)).toEqual([
      '0000c07f', '0000c07f', // f32 0/0, sqrt(-1)
      '00000000', '0000f87f', // f64 0/0
      '00000000', '0000f87f', // f64 inf-inf
      '0000c07f', '0000c07f', '0000c07f', '0000c07f', // f32x4 0/0
      '00000000', '0000f87f', // promote of a payload NaN
      '0000c07f', // demote of a payload NaN
      '0000c07f' // f32 add of a payload NaN
    ])
  })

  it('differs from what this CPU gives the unrewritten module (the bits it closes)', async () => {
    const raw = await run(wasm(WAT, 'nan'), { raw: true })
    const fixed = await run(wasm(WAT, 'nan'))
    expect(words(raw.stdoutBytes)).not.toEqual(words(fixed.stdoutBytes))
  })
})

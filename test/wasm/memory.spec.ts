import { describe, expect, it } from 'vitest'
import { run, wasm, WAT } from '../helpers/wasm.js'

describe('memory limit', () => {
  it('makes memory.grow fail at the limit, at the same point every time', async () => {
    for (const mib of [1, 16, 100]) {
      const a = await run(wasm(WAT, 'grow'), { memoryLimit: mib * 2 ** 20 })
      const b = await run(wasm(WAT, 'grow'), { memoryLimit: mib * 2 ** 20 })
      expect(Buffer.from(a.stdoutBytes).readUInt32LE(0)).toBe(Math.floor(mib * 16))
      expect(a.fuelUsed).toBe(b.fuelUsed)
    }
  })
})

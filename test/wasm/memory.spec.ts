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

describe('memory limit, through malloc', () => {
  it('a memory-hungry C program fails to allocate at the same point every time', async () => {
    const { PROGRAMS } = await import('./programs.js')
    const counts = []
    for (let i = 0; i < 2; i++) {
      const r = await run(wasm(PROGRAMS, 'hungry'), { memoryLimit: 48 * 2 ** 20 })
      expect(r.status).toBe('exit')
      counts.push(r.stdout)
    }
    expect(counts[0]).toMatch(/^allocated 4[0-7] MiB before malloc failed /)
    expect(counts[1]).toBe(counts[0])
  })
})

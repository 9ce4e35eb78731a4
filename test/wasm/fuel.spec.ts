import { describe, expect, it } from 'vitest'
import { run, wasm, WAT } from '../helpers/wasm.js'

describe('fuel', () => {
  it('counts one per instruction as wasmtime does', async () => {
    const r = await run(wasm(WAT, 'hello'))
    expect(r.status).toBe('exit')
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toBe('hello\n')
    expect(r.fuelUsed).toBe(11n)
  })

  it('ends an infinite loop as out-of-fuel, charging exactly the limit', async () => {
    const r = await run(wasm(WAT, 'spin'), { limits: { fuel: 1_000_000n } })
    expect(r.status).toBe('out-of-fuel')
    expect(r.fuelUsed).toBe(1_000_000n)
  })

  it('reports the exact fuel spent up to a trap', async () => {
    const r = await run(wasm(WAT, 'trap-after-loop'))
    expect(r.status).toBe('trap')
    expect(r.trap).toBe('unreachable')
    expect(r.fuelUsed).toBe(62n)
  })

  it('stops at the same place for every limit around the edge', async () => {
    // 62 instructions run before the trap: with 61 the job runs out first
    expect((await run(wasm(WAT, 'trap-after-loop'), { limits: { fuel: 62n } })).status).toBe('trap')
    const short = await run(wasm(WAT, 'trap-after-loop'), { limits: { fuel: 61n } })
    expect(short.status).toBe('out-of-fuel')
    expect(short.fuelUsed).toBe(61n)
  })

  it('gives identical results and fuel for the same module twice', async () => {
    const a = await run(wasm(WAT, 'grow'), { memoryLimit: 8 * 2 ** 20 })
    const b = await run(wasm(WAT, 'grow'), { memoryLimit: 8 * 2 ** 20 })
    expect(a.fuelUsed).toBe(b.fuelUsed)
    expect(a.stdout).toBe(b.stdout)
    expect([a.status, a.exitCode]).toEqual([b.status, b.exitCode])
  })

  it('reports a trap with a stable name', async () => {
    const r = await run(wasm(WAT, 'divzero'))
    expect(r.status).toBe('trap')
    expect(r.trap).toBe('integer divide by zero')
    expect(r.fuelUsed).toBe(4n)
  })
})

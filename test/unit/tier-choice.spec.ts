// Which jobs V8 compiles with TurboFan from the start (src/wasm/tier-choice.ts):
// every example job, and not a module with a shape TurboFan compiles slowly.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseModule } from '../../dist/wasm/binary/module.js'
import { MAX_OPTIMIZED_BODY_BYTES, MAX_OPTIMIZED_LOOP_DEPTH, optimizableFromStart } from '../../dist/wasm/tier-choice.js'
import { PROJECT } from '../helpers/cli.js'
import { command, nestedBlocks } from '../helpers/wasm-builder.js'

const choice = (bytes: Uint8Array): boolean => optimizableFromStart(bytes, parseModule(bytes))

describe('the tier a job is compiled in', () => {
  it('every example job is compiled by TurboFan from the start', () => {
    const jobs = readdirSync(join(PROJECT, 'wasm-jobs')).filter(f => f.endsWith('.wasm'))
    expect(jobs.length).toBeGreaterThan(5)
    for (const f of jobs) expect([f, choice(new Uint8Array(readFileSync(join(PROJECT, 'wasm-jobs', f))))]).toEqual([f, true])
  })

  it(`loops nested ${MAX_OPTIMIZED_LOOP_DEPTH} deep are; one deeper keeps the baseline tier (TurboFan's loop analysis is quadratic)`, () => {
    expect(choice(command({ start: { body: nestedBlocks(MAX_OPTIMIZED_LOOP_DEPTH, 0x03) } }))).toBe(true)
    expect(choice(command({ start: { body: nestedBlocks(MAX_OPTIMIZED_LOOP_DEPTH + 1, 0x03) } }))).toBe(false)
    // blocks do not count, however deep
    expect(choice(command({ start: { body: nestedBlocks(10_000) } }))).toBe(true)
  })

  it(`a body over ${MAX_OPTIMIZED_BODY_BYTES / 1024} KiB keeps the baseline tier`, () => {
    const nops = (n: number) => (w: any) => { for (let i = 0; i < n; i++) w.byte(0x01) }
    expect(choice(command({ start: { body: nops(MAX_OPTIMIZED_BODY_BYTES - 16) } }))).toBe(true)
    expect(choice(command({ start: { body: nops(MAX_OPTIMIZED_BODY_BYTES + 1) } }))).toBe(false)
  })
})

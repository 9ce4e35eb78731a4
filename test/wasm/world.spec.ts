import { describe, expect, it } from 'vitest'
import { run, wasm, dir } from '../helpers/wasm.js'
import { PROGRAMS } from './programs.js'

const inputs = dir({
  'b.txt': { type: 'file', bytes: new TextEncoder().encode('bb') },
  'a.txt': { type: 'file', bytes: new TextEncoder().encode('a') },
  sub: dir({ 'z.bin': { type: 'file', size: 5, read: async () => new Uint8Array(5) } })
})

describe('deterministic world (clocks, random, stat, readdir)', () => {
  it('prints the same bytes on every run', async () => {
    const seed = new TextEncoder().encode('job seed')
    const a = await run(wasm(PROGRAMS, 'world'), { seed, mounts: [{ path: '/inputs', node: inputs }] })
    const b = await run(wasm(PROGRAMS, 'world'), { seed, mounts: [{ path: '/inputs', node: inputs }] })
    expect(a.status).toBe('exit')
    expect(a.stdout).toBe(b.stdout)
    expect(a.fuelUsed).toBe(b.fuelUsed)
  })

  it('starts clocks at the fixed epoch and advances them by fuel and sleeps, never host time', async () => {
    const r = await run(wasm(PROGRAMS, 'world'))
    expect(r.stdout).toMatch(/^res 1 ns, realtime 1704067200\.0000\d+, time\(\) 1704067200\n/)
    expect(r.stdout).toContain('(>= 5 ms: yes)')
  })

  it('lists directories sorted by name with inode numbers from the tree and fixed non-zero times', async () => {
    const r = await run(wasm(PROGRAMS, 'world'), { mounts: [{ path: '/inputs', node: inputs }] })
    const listing = r.stdout.split('\n').filter(l => l.startsWith('/'))
    expect(listing.map(l => l.split(' ')[0])).toEqual([
      '/inputs', '/inputs/a.txt', '/inputs/b.txt', '/inputs/sub', '/inputs/sub/z.bin',
      '/outputs', '/outputs/sub', '/tmp', '/tmp/made.txt'
    ])
    expect(listing[1]).toBe('/inputs/a.txt type=4 size=1 ino=3 nlink=1 mtime=1704067200.000000000')
  })

  it('draws random bytes from the seed: same seed same bytes, other seed other bytes', async () => {
    const random = (s: string): string => /random ([0-9a-f]+)/.exec(s)![1]
    const a = await run(wasm(PROGRAMS, 'world'), { seed: new Uint8Array([1]) })
    const b = await run(wasm(PROGRAMS, 'world'), { seed: new Uint8Array([1]) })
    const c = await run(wasm(PROGRAMS, 'world'), { seed: new Uint8Array([2]) })
    expect(random(a.stdout)).toBe(random(b.stdout))
    expect(random(a.stdout)).not.toBe(random(c.stdout))
  })
})

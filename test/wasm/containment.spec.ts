import { describe, expect, it } from 'vitest'
import { run, wasm, WAT, dir } from '../helpers/wasm.js'
import { PROGRAMS } from './programs.js'

const inputs = dir({ 'data.txt': { type: 'file', bytes: new TextEncoder().encode('hello world\n') } })

describe('containment', () => {
  it('refuses every path out of the tree: .., absolute paths, symlinks, and writes outside /outputs and /tmp', async () => {
    const r = await run(wasm(PROGRAMS, 'escape'), { mounts: [{ path: '/inputs', node: inputs }] })
    expect(r.stderr).toBe('')
    expect(r.status).toBe('exit')
    expect(r.exitCode).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines.filter(l => !l.startsWith('ok '))).toEqual([])
    expect(r.stdout).toContain('ok dotdot (Capabilities insufficient)')
    expect(r.stdout).toContain('ok symlink-dotdot (Capabilities insufficient)')
    expect(r.stdout).toContain('ok symlink-absolute refused at creation (Operation not permitted)')
    expect(r.stdout).toContain('ok symlink-loop (Symbolic link loop)')
    expect(r.stdout).toContain('ok write-inputs (Read-only file system)')
    expect(r.stdout).toContain('ok write-input-file (Read-only file system)')
    expect(r.stdout).toContain('ok unlink-input (Read-only file system)')
    expect(r.outputs).toEqual([])
  })

  it('ends an infinite loop at the fuel limit', async () => {
    const r = await run(wasm(WAT, 'spin'), { limits: { fuel: 50_000_000n } })
    expect(r.status).toBe('out-of-fuel')
    expect(r.fuelUsed).toBe(50_000_000n)
  })

  it('caps a job that writes gigabytes to stdout, keeping host memory bounded', async () => {
    const before = process.memoryUsage().rss
    // each loop writes 64 KiB for about 12 fuel: 600k fuel is about 3 GiB
    const r = await run(wasm(WAT, 'flood'), { limits: { fuel: 600_000n, stdoutBytes: 2 ** 20 } })
    expect(r.status).toBe('out-of-fuel')
    expect(r.stdoutBytes.length).toBe(2 ** 20)
    expect(r.stdoutTruncated).toBe(true)
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 2 ** 20)
  })

  it('fails writes past the output budget with ENOSPC, like a full disk', async () => {
    const big = { type: 'file' as const, size: 3 * 2 ** 20, read: async (offset: number, length: number) => new Uint8Array(Math.min(length, 3 * 2 ** 20 - offset)).fill(7) }
    const r = await run(wasm(PROGRAMS, 'copy'), {
      args: ['copy', '/inputs', '/outputs/copy'],
      mounts: [{ path: '/inputs', node: big }],
      limits: { outputBytes: 2 ** 20 }
    })
    expect(r.status).toBe('exit')
    expect(r.exitCode).toBe(4)
    expect(r.stderr).toContain('No space left on device')
  })
})

describe('wall-clock timeout', () => {
  it('reports timeout, a status that is not a result, with no fuel or output claimed', async () => {
    const r = await run(wasm(WAT, 'spin'), { limits: { fuel: 10n ** 15n }, timeoutMs: 300 })
    expect(r.status).toBe('timeout')
    expect(r.exitCode).toBeUndefined()
    expect(r.fuelUsed).toBe(0n)
    expect(r.outputs).toEqual([])
  })
})

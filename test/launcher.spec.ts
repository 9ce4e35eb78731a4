import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DCX, tempDir } from './helpers/cli.js'

const run = promisify(execFile)
let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => { ({ path: dir, cleanup } = await tempDir()) })
afterAll(async () => cleanup())

describe('bin/dcx', () => {
  it('runs on the bundled Node >= 22 through a symlink (npm link, node_modules/.bin), whatever node is on PATH', async () => {
    const link = join(dir, 'dcx')
    await symlink(DCX, link)
    // Only the system's folders on PATH: its node (if any) may be older than 22
    const { stdout } = await run(link, ['--version'], { env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dir } })
    const major = Number(/node-v(\d+)/.exec(stdout)?.[1])
    expect(major).toBeGreaterThanOrEqual(22)
  })

  it('refuses a node older than 22 with one line when the project has no Node of its own', async () => {
    const { copyFile, mkdir, writeFile } = await import('node:fs/promises')
    await mkdir(join(dir, 'bare/bin'), { recursive: true })
    await copyFile(DCX, join(dir, 'bare/bin/dcx'))
    await mkdir(join(dir, 'oldbin'))
    // A stand-in for an old system node: answers the version probe with 20
    await writeFile(join(dir, 'oldbin/node'), '#!/bin/sh\ncase "$1" in -p) echo 20 ;; *) echo v20.0.0 ;; esac\n', { mode: 0o755 })
    const r = await run(join(dir, 'bare/bin/dcx'), ['--version'], { env: { PATH: `${join(dir, 'oldbin')}:/usr/bin:/bin` } }).catch(e => e)
    expect(r.code).toBe(1)
    expect(r.stderr.trim()).toBe(`dcx: needs Node 22 or newer, found v20.0.0: run npm install in ${join(dir, 'bare')}, or set DCX_NODE`)
  })

  it.skipIf(!existsSync('/usr/bin/node'))('DCX_NODE overrides the bundled Node', async () => {
    const { stdout: version } = await run('/usr/bin/node', ['--version'])
    const r = await run(DCX, ['--version'], { env: { PATH: '/usr/bin:/bin', DCX_NODE: '/usr/bin/node' } })
    expect(r.stdout).toContain(`node-${version.trim()}`)
  })
})

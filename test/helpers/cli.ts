import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const DCX = join(PROJECT, 'bin', 'dcx')
export const FIXTURES = join(PROJECT, 'fixtures')

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  stdoutBytes: Buffer
}

export interface RunOptions {
  repo?: string
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Called with the child as soon as it starts (to signal it) */
  onSpawn?: (child: ReturnType<typeof spawn>) => void
}

/** Run bin/dcx as a user would, with no TTY */
export async function dcx (args: string[], options: RunOptions = {}): Promise<RunResult> {
  const env = { ...process.env }
  delete env.DEBUG
  Object.assign(env, options.env)
  if (options.repo != null) env.DCX_PATH = options.repo
  return new Promise((resolve, reject) => {
    const child = spawn(DCX, args, { cwd: options.cwd ?? PROJECT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', d => out.push(d))
    child.stderr.on('data', d => err.push(d))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      const stdoutBytes = Buffer.concat(out)
      resolve({ code, signal, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes })
    })
    options.onSpawn?.(child)
  })
}

/** Run dcx and fail with its stderr unless it exits 0 */
export async function ok (args: string[], options: RunOptions = {}): Promise<RunResult> {
  const r = await dcx(args, options)
  if (r.code !== 0) throw new Error(`dcx ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
  return r
}

/** A fresh temporary folder, removed by the returned cleanup */
export async function tempDir (prefix = 'dcx-test-'): Promise<{ path: string, cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix))
  return { path, cleanup: async () => rm(path, { recursive: true, force: true }) }
}

/** A fresh initialised repo in a temp folder */
export async function tempRepo (): Promise<{ repo: string, dir: string, cleanup: () => Promise<void> }> {
  const t = await tempDir()
  const repo = join(t.path, 'repo')
  await ok(['init', '--repo', repo])
  return { repo, dir: t.path, cleanup: t.cleanup }
}

/** The single line a failing command printed, checked for the one-line, no-stack rule */
export function errorLine (r: RunResult): string {
  const lines = r.stderr.trim().split('\n')
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got:\n${r.stderr}`)
  if (/\n\s+at /.test(r.stderr)) throw new Error(`stack trace on stderr:\n${r.stderr}`)
  return lines[0]
}

import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { DCX, PROJECT } from './cli.js'

/** A real `dcx daemon` child process on a repo, started and waited for until "ready" */
export interface RunningDaemon {
  child: ChildProcess
  peerId: string
  addrs: string[]
  output: () => string
  /** SIGTERM, then wait for the exit; resolves with the exit code */
  stop: () => Promise<number | null>
}

export async function startDaemon (repo: string, timeoutMs = 30_000): Promise<RunningDaemon> {
  const env = { ...process.env, DCX_PATH: repo }
  delete env.DEBUG
  const child = spawn(DCX, ['daemon'], { cwd: PROJECT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', d => { out += d })
  child.stderr!.on('data', d => { out += d })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon not ready after ${timeoutMs} ms:\n${out}`)), timeoutMs)
    const check = (): void => { if (/^ready$/m.test(out)) { clearTimeout(timer); resolve() } }
    child.stdout!.on('data', check)
    void exited.then(code => { clearTimeout(timer); reject(new Error(`daemon exited ${code} before ready:\n${out}`)) })
  })
  return {
    child,
    peerId: /^peer ID: (\S+)$/m.exec(out)![1],
    addrs: [...out.matchAll(/^listening on (\S+)$/gm)].map(m => m[1]),
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      return await exited
    }
  }
}

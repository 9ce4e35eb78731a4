import { link, open, readFile, rename, unlink } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { RepoLockedError } from '../errors.js'

/** Who holds a repo lock, as written into the lock file */
export interface LockHolder {
  pid: number
  command: string
  since: string
}

/** A held repo lock; release it exactly once */
export interface RepoLock {
  release: () => Promise<void>
}

export interface AcquireOptions {
  /** What the holder is doing, shown to a process that has to wait */
  command: string
  /** How long to wait for another holder before failing, in ms */
  waitMs?: number
}

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err: any) {
    return err.code === 'EPERM'
  }
}

async function readHolder (file: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8'))
  } catch {
    return undefined
  }
}

/**
 * Take the repo's exclusive lock. The lock file names its holder, so a second
 * process can say who it waited for; a lock whose process died is taken over.
 * LevelDB's own LOCK would also stop a second opener, but it cannot say by whom.
 */
export async function acquireRepoLock (file: string, root: string, options: AcquireOptions): Promise<RepoLock> {
  const me: LockHolder = { pid: process.pid, command: options.command, since: new Date().toISOString() }
  const deadline = Date.now() + (options.waitMs ?? 2000)
  for (;;) {
    try {
      const handle = await open(file, 'wx', 0o600)
      await handle.writeFile(JSON.stringify(me))
      await handle.close()
      let released = false
      return {
        release: async () => {
          if (released) return
          released = true
          await unlink(file).catch(() => {})
        }
      }
    } catch (err: any) {
      if (err.code !== 'EEXIST') throw err
    }
    const holder = await readHolder(file)
    if (holder != null && !alive(holder.pid)) {
      // The holder died without releasing: move its lock aside atomically so
      // that only one waiter wins the takeover.
      const stale = `${file}.stale-${process.pid}`
      try {
        await rename(file, stale)
        const moved = await readHolder(stale)
        // Between our read and the rename a live process may have taken the
        // lock: put its file back, but never over a newer lock (link, not rename)
        if (moved != null && moved.pid !== holder.pid) await link(stale, file).catch(() => {})
        await unlink(stale).catch(() => {})
      } catch {}
      continue
    }
    if (Date.now() >= deadline) {
      const who = holder == null ? 'another process' : `\`dcx ${holder.command}\` (pid ${holder.pid}, since ${holder.since})`
      throw new RepoLockedError(root, who)
    }
    await sleep(50)
  }
}

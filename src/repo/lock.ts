import { link, readFile, readdir, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { RepoLockedError } from './errors.js'
import { publishFile, publishTempPid } from './publish-file.js'

/** Who holds a repo lock, as written into the lock file */
export interface LockHolder {
  pid: number
  command: string
  since: string
}

/** A held repo lock; release it exactly once */
export interface RepoLock {
  /** Remove the lock file if it is still ours; never throws */
  release: () => Promise<void>
}

export interface AcquireOptions {
  /** What the holder is doing, shown to a process that has to wait */
  command: string
  /** How long to wait for another holder before failing, in ms */
  waitMs?: number
}

/** Whether a process with this pid runs (one we may not signal still runs) */
export function processAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err: any) {
    return err.code === 'EPERM'
  }
}

/** The lock file's text, or undefined when there is none */
async function readText (file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8')
  } catch (err: any) {
    if (err.code === 'ENOENT') return undefined
    throw err
  }
}

/** The holder a lock file's text names, or undefined for empty or unparseable text */
function parseHolder (text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text)
    if (Number.isSafeInteger(h?.pid) && h.pid > 0) return { pid: h.pid, command: String(h.command ?? '?'), since: String(h.since ?? '?') }
  } catch {}
  return undefined
}

/**
 * Remove what takeovers and publishing left behind when their process died
 * at the wrong moment (`repo.lock.stale-<pid>`, `.repo.lock.<pid>-<hex>.tmp`).
 * Only files of dead processes go: a live waiter may be using its own.
 */
async function sweepLeftovers (file: string): Promise<void> {
  const base = basename(file)
  let names: string[]
  try {
    names = await readdir(dirname(file))
  } catch {
    return
  }
  for (const name of names) {
    const pid = name.startsWith(`${base}.stale-`) ? Number(name.slice(base.length + 7)) : publishTempPid(name, base)
    if (pid === undefined || !Number.isSafeInteger(pid) || pid === process.pid || processAlive(pid)) continue
    await unlink(join(dirname(file), name)).catch(() => {})
  }
}

/**
 * Take the repo's exclusive lock. The lock file names its holder, so a second
 * process can say who it waited for; LevelDB's own LOCK would also stop a
 * second opener, but it cannot say by whom.
 *
 * The file is published whole (written to a temp file, then hard-linked into
 * place), so a lock file is never seen empty or half-written, not even after
 * a full disk or a crash. A lock file that names no live process (a dead pid,
 * or text that is empty or not a holder, which can only be left from before
 * publishing was atomic or by a power loss) is stale and taken over.
 */
export async function acquireRepoLock (file: string, root: string, options: AcquireOptions): Promise<RepoLock> {
  const me = JSON.stringify({ pid: process.pid, command: options.command, since: new Date().toISOString() } satisfies LockHolder)
  const deadline = Date.now() + (options.waitMs ?? 2000)
  for (;;) {
    if (await publishFile(file, me)) {
      await sweepLeftovers(file)
      let released = false
      return {
        release: async () => {
          if (released) return
          released = true
          // Only our own file: if ours was ever wrongly taken over, the new holder's must stay
          try {
            if (await readText(file) === me) await unlink(file)
          } catch {}
        }
      }
    }
    const text = await readText(file)
    if (text === undefined) continue // released between our publish and our read
    const holder = parseHolder(text)
    if (holder === undefined || !processAlive(holder.pid)) {
      await takeOver(file, text)
      continue
    }
    if (Date.now() >= deadline) {
      throw new RepoLockedError(root, `\`dcx ${holder.command}\` (pid ${holder.pid}, since ${holder.since})`)
    }
    await sleep(50)
  }
}

/**
 * Remove a stale lock file whose text was `stale`, so that only one of
 * several waiters wins: the file is moved aside atomically (rename), and if
 * what was moved is not what was judged stale, a live process took the lock
 * between our read and the rename, and its file is put back (with link, which
 * never replaces a lock published in the meantime).
 */
async function takeOver (file: string, stale: string): Promise<void> {
  const aside = `${file}.stale-${process.pid}`
  try {
    await rename(file, aside)
  } catch {
    return // another waiter moved it first
  }
  try {
    if (await readText(aside) !== stale) await link(aside, file).catch(() => {})
  } finally {
    await unlink(aside).catch(() => {})
  }
}

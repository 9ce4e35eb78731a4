import { randomBytes } from 'node:crypto'
import { rename, stat, unlink, writeFile } from 'node:fs/promises'

/**
 * Bytes a repo keeps in reserve on its disk (see docs/rationale.md). Opening
 * LevelDB writes (a new manifest, CURRENT, a log, and a table from the
 * recovered log), so on a full disk no command could open the repo, not even
 * `dcx repo gc`, which is how space is freed; giving this file back makes
 * room for that.
 */
export const RESERVE_BYTES = 1 << 20

/**
 * Write the reserve file whole (temp file, then rename), or leave nothing
 * behind and throw. The bytes are random so that a compressing or
 * deduplicating file system really keeps them.
 */
export async function createReserve (file: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`
  try {
    await writeFile(tmp, randomBytes(RESERVE_BYTES), { mode: 0o600 })
    await rename(tmp, file)
  } catch (err) {
    await unlink(tmp).catch(() => {})
    throw err
  }
}

/**
 * Make sure the reserve file exists at its full size. Best effort, never
 * throws: on a disk still too full for it, returns false and leaves nothing.
 */
export async function ensureReserve (file: string): Promise<boolean> {
  try {
    if ((await stat(file)).size === RESERVE_BYTES) return true
  } catch {}
  try {
    await createReserve(file)
    return true
  } catch {
    return false
  }
}

/** Give the reserve back to the disk; true if there was one to give */
export async function releaseReserve (file: string): Promise<boolean> {
  try {
    await unlink(file)
    return true
  } catch {
    return false
  }
}

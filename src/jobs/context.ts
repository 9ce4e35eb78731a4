import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { PinStore } from '../data/pins.js'
import { processAlive } from '../repo/lock.js'
import { SPILL_PREFIX } from '../wasm/index.js'
import { ReceiptIndex } from './receipts.js'
import type { JobContext } from './execute.js'
import type { Identity } from '../repo/identity.js'
import type { Repo } from '../repo/repo.js'

/**
 * A repo opened for writing, as a job context: its blocks, pins, receipts,
 * identity, module cache and scratch folder. Scratch left by a process that
 * was killed mid-job (spilled outputs can be large) is removed here.
 */
export async function jobContext (repo: Repo, identity: Identity): Promise<Required<JobContext>> {
  await mkdir(repo.paths.tmp, { recursive: true, mode: 0o700 })
  await removeStaleSpills(repo.paths.tmp)
  return {
    blockstore: repo.blockstore,
    pins: new PinStore(repo.datastore, repo.blockstore),
    receipts: new ReceiptIndex(repo.datastore),
    identity,
    cacheDir: repo.paths.wasmCache,
    tmpDir: repo.paths.tmp
  }
}

/**
 * Remove spill folders left in `dir` by runs whose process is gone (killed
 * before it could clean up); folders of live processes are left alone.
 */
async function removeStaleSpills (dir: string): Promise<void> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return
  }
  for (const name of names) {
    if (!name.startsWith(SPILL_PREFIX)) continue
    const pid = Number(name.slice(SPILL_PREFIX.length).split('-')[0])
    if (!Number.isSafeInteger(pid) || pid === process.pid || processAlive(pid)) continue
    await rm(join(dir, name), { recursive: true, force: true }).catch(() => {})
  }
}

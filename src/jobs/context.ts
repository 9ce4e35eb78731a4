import { mkdir } from 'node:fs/promises'
import { PinStore } from '../data/pins.js'
import { removeStaleSpills } from '../wasm/index.js'
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

import { PinStore } from '../data/pins.js'
import { openRepo } from '../repo/repo.js'
import type { OpenOptions, Repo } from '../repo/repo.js'

/** A writable repo with its pin set */
export interface RepoSession extends Repo {
  pins: PinStore
}

/** Open the repo under its lock, run `fn`, and always close it */
export async function withRepo<T> (root: string, command: string, fn: (repo: RepoSession) => Promise<T>, options: Omit<OpenOptions, 'command'> = {}): Promise<T> {
  const repo = await openRepo(root, { ...options, command })
  try {
    return await fn({ ...repo, pins: new PinStore(repo.datastore, repo.blockstore) })
  } finally {
    await repo.close()
  }
}

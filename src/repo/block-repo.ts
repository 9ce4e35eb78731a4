import { stat } from 'node:fs/promises'
import { NoRepoError, NotARepoError } from './errors.js'
import { RepoBlockstore } from './blockstore.js'
import { repoPaths } from './paths.js'
import type { RepoPaths } from './paths.js'

/** A repo opened for reading blocks only: no lock, no datastore */
export interface BlockRepo {
  paths: RepoPaths
  blockstore: RepoBlockstore
}

/** Throw `NoRepoError` or `NotARepoError` unless `paths.root` holds a repo */
export async function checkRepo (paths: RepoPaths): Promise<void> {
  try {
    const s = await stat(paths.root)
    if (!s.isDirectory()) throw new NotARepoError(paths.root, 'it is a file')
  } catch (err: any) {
    if (err.code === 'ENOENT') throw new NoRepoError(paths.root)
    throw err
  }
  try {
    await stat(paths.config)
  } catch (err: any) {
    if (err.code === 'ENOENT') throw new NotARepoError(paths.root, 'no config.json')
    throw err
  }
}

/**
 * Open a repo's blockstore for reading. Takes no lock: block files are
 * written atomically (temp file, then rename), so a reader never sees half a
 * block, and commands like `cat` stay fast and never wait on an `add`.
 */
export async function openBlockRepo (root: string): Promise<BlockRepo> {
  const paths = repoPaths(root)
  await checkRepo(paths)
  const blockstore = new RepoBlockstore(paths.blocks)
  return { paths, blockstore }
}


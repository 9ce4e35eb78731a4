import { mkdir, readdir } from 'node:fs/promises'
import { LevelDatastore } from 'datastore-level'
import { NotARepoError, RepoExistsError } from '../errors.js'
import { RepoBlockstore } from './blockstore.js'
import { defaultConfig, readConfig, writeConfig } from './config.js'
import { createIdentity, loadIdentity } from './identity.js'
import { acquireRepoLock } from './lock.js'
import { checkRepo } from './block-repo.js'
import type { BlockRepo } from './block-repo.js'
import { repoPaths } from './paths.js'
import type { RepoConfig, RepoProfile } from './config.js'
import type { Identity } from './identity.js'
import type { RepoLock } from './lock.js'

/** A repo opened for writing: holds the repo lock until closed */
export interface Repo extends BlockRepo {
  config: RepoConfig
  datastore: LevelDatastore
  close: () => Promise<void>
}

export interface InitOptions {
  profile?: RepoProfile
}

/** What `dcx init` made */
export interface InitResult {
  root: string
  config: RepoConfig
  identity: Identity
}

/**
 * Create a repo: config file, Ed25519 identity key (0600), flat-file
 * blockstore and LevelDB datastore. Refuses a folder that already holds a
 * repo or other files, so an init never mixes with someone's data.
 */
export async function initRepo (root: string, options: InitOptions = {}): Promise<InitResult> {
  const paths = repoPaths(root)
  let entries: string[] = []
  try {
    entries = await readdir(root)
  } catch (err: any) {
    if (err.code === 'ENOTDIR') throw new NotARepoError(root, 'it is a file')
    if (err.code !== 'ENOENT') throw err
  }
  if (entries.includes('config.json')) throw new RepoExistsError(root)
  if (entries.length > 0) throw new NotARepoError(root, 'the folder is not empty; init a new repo in an empty or missing folder')
  await mkdir(root, { recursive: true, mode: 0o700 })
  const lock = await acquireRepoLock(paths.lock, root, { command: 'init' })
  try {
    const identity = await createIdentity(paths.identity)
    const blockstore = new RepoBlockstore(paths.blocks)
    await blockstore.open()
    const datastore = new LevelDatastore(paths.datastore)
    await datastore.open()
    await datastore.close()
    const config = defaultConfig(options.profile ?? 'local', identity.peerId)
    // The config is written last: its presence is what makes a folder a repo.
    await writeConfig(paths.config, config)
    return { root, config, identity }
  } finally {
    await lock.release()
  }
}

export interface OpenOptions {
  /** The command taking the lock, named to anyone who has to wait */
  command: string
  /** How long to wait for another holder, in ms */
  waitMs?: number
}

/** Open a repo for writing: take the lock, read the config, open both stores */
export async function openRepo (root: string, options: OpenOptions): Promise<Repo> {
  const paths = repoPaths(root)
  await checkRepo(paths)
  const lock: RepoLock = await acquireRepoLock(paths.lock, root, { command: options.command, waitMs: options.waitMs })
  try {
    const config = await readConfig(paths.config, root)
    const blockstore = new RepoBlockstore(paths.blocks)
    await blockstore.open()
    const datastore = new LevelDatastore(paths.datastore, { createIfMissing: false })
    try {
      await datastore.open()
    } catch (err: any) {
      throw new NotARepoError(root, `datastore cannot be opened: ${err.cause?.message ?? err.message}`)
    }
    return {
      paths,
      config,
      blockstore,
      datastore,
      close: async () => {
        try {
          await datastore.close()
          await blockstore.close()
        } finally {
          await lock.release()
        }
      }
    }
  } catch (err) {
    await lock.release()
    throw err
  }
}

/** Load the repo's identity (for `dcx id` and signing) */
export async function readIdentity (root: string): Promise<Identity> {
  const paths = repoPaths(root)
  await checkRepo(paths)
  return loadIdentity(paths.identity, root)
}

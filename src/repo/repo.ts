import { mkdir, readdir, rm, rmdir } from 'node:fs/promises'
import { join } from 'node:path'
import { NoSpaceError, REPO_SPACE_HINT, storageFailure } from '../errors.js'
import { NotARepoError, RepoExistsError } from './errors.js'
import { RepoBlockstore } from './blockstore.js'
import { RepoDatastore } from './datastore.js'
import { createReserve, ensureReserve, releaseReserve } from './reserve.js'
import { defaultConfig, readConfig, writeConfig } from './config.js'
import { pickLoopbackPort } from './ports.js'
import { createIdentity, loadIdentity } from './identity.js'
import { acquireRepoLock } from './lock.js'
import { checkRepo } from './block-repo.js'
import type { BlockRepo } from './block-repo.js'
import { repoPaths } from './paths.js'
import type { RepoPaths } from './paths.js'
import type { RepoConfig, RepoProfile } from './config.js'
import type { Identity } from './identity.js'
import type { RepoLock } from './lock.js'

/** A repo opened for writing: holds the repo lock until closed */
export interface Repo extends BlockRepo {
  config: RepoConfig
  datastore: RepoDatastore
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

/** What `initRepo` creates inside the root, removed again if it fails */
const INIT_MADE = ['identity.key', 'blocks', 'datastore', 'reserve', 'config.json', 'config.json.tmp']

/**
 * Create a repo: config file, Ed25519 identity key (0600), flat-file
 * blockstore, LevelDB datastore and the disk reserve. Refuses a folder that
 * already holds a repo or other files, so an init never mixes with someone's
 * data; one that fails (e.g. on a full disk) removes what it made, so the
 * folder can be inited again.
 */
export async function initRepo (root: string, options: InitOptions = {}): Promise<InitResult> {
  const paths = repoPaths(root)
  const check = async (ignore: (name: string) => boolean): Promise<boolean> => {
    let entries: string[] = []
    try {
      entries = (await readdir(root)).filter(n => !ignore(n))
    } catch (err: any) {
      if (err.code === 'ENOTDIR') throw new NotARepoError(root, 'it is a file')
      if (err.code !== 'ENOENT') throw storageFailure(err, root) ?? err
      return false
    }
    if (entries.includes('config.json')) throw new RepoExistsError(root)
    if (entries.length > 0) throw new NotARepoError(root, 'the folder is not empty; init a new repo in an empty or missing folder')
    return true
  }
  const existed = await check(() => false)
  try {
    await mkdir(root, { recursive: true, mode: 0o700 })
  } catch (err) {
    throw storageFailure(err, root) ?? err
  }
  let lock: RepoLock
  try {
    lock = await acquireRepoLock(paths.lock, root, { command: 'init' })
  } catch (err) {
    if (!existed) await rmdir(root).catch(() => {})
    throw storageFailure(err, root) ?? err
  }
  let made = false
  try {
    // Another init may have finished while we waited for the lock
    await check(name => name.startsWith('repo.lock') || name.startsWith('.repo.lock'))
    try {
      const identity = await createIdentity(paths.identity)
      const blockstore = new RepoBlockstore(paths.blocks)
      await blockstore.open()
      const datastore = new RepoDatastore(paths.datastore)
      await datastore.open()
      await datastore.close()
      await createReserve(paths.reserve)
      const profile = options.profile ?? 'local'
      const gateway = await pickLoopbackPort('Addresses.Gateway')
      const api = await pickLoopbackPort('Addresses.API', [gateway])
      const swarm = profile === 'local' ? await pickLoopbackPort('listen', [gateway, api]) : undefined
      const config = defaultConfig(profile, identity.peerId, { gateway, api, swarm })
      // The config is written last: its presence is what makes a folder a repo.
      await writeConfig(paths.config, config)
      made = true
      return { root, config, identity }
    } catch (err) {
      for (const name of INIT_MADE) await rm(join(root, name), { recursive: true, force: true }).catch(() => {})
      throw storageFailure(err, root) ?? err
    }
  } finally {
    await lock.release()
    if (!made && !existed) await rmdir(root).catch(() => {}) // only if empty: another init may own it now
  }
}

export interface OpenOptions {
  /** The command taking the lock, named to anyone who has to wait */
  command: string
  /** How long to wait for another holder, in ms */
  waitMs?: number
  /**
   * May give back the repo's disk reserve when the disk is too full to open
   * the repo. For commands that read or free space (pin ls, pin rm, repo gc,
   * repo verify, repo stat), so that a full disk can be cleaned up with dcx;
   * not for commands that add data, which would only fill the reserve too.
   */
  useReserve?: boolean
}

/**
 * Open a repo for writing: take the lock, read the config, open both stores.
 * On a disk too full to do that, a command allowed to (`useReserve`) gives
 * the reserve back and tries once more.
 */
export async function openRepo (root: string, options: OpenOptions): Promise<Repo> {
  const paths = repoPaths(root)
  await checkRepo(paths)
  try {
    return await openOnce(paths, options)
  } catch (err) {
    if (options.useReserve !== true || !(err instanceof NoSpaceError)) throw err
    // With the reserve already spent, suggesting `dcx repo gc` would send the user in a circle
    if (!await releaseReserve(paths.reserve)) throw new NoSpaceError(err.path)
    return await openOnce(paths, options)
  }
}

async function openOnce (paths: RepoPaths, options: OpenOptions): Promise<Repo> {
  const { root } = paths
  let lock: RepoLock
  try {
    lock = await acquireRepoLock(paths.lock, root, { command: options.command, waitMs: options.waitMs })
  } catch (err) {
    throw storageFailure(err, root, { hint: REPO_SPACE_HINT }) ?? err
  }
  try {
    const config = await readConfig(paths.config, root)
    const blockstore = new RepoBlockstore(paths.blocks)
    try {
      await blockstore.open()
    } catch (err) {
      throw storageFailure(err, paths.blocks, { hint: REPO_SPACE_HINT }) ?? err
    }
    const datastore = new RepoDatastore(paths.datastore, { createIfMissing: false })
    await datastore.open()
    return {
      paths,
      config,
      blockstore,
      datastore,
      close: async () => {
        try {
          await datastore.close()
          await blockstore.close()
          // Taken back once there is room again (e.g. after a gc), given back when needed
          await ensureReserve(paths.reserve)
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

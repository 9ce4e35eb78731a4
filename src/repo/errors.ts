import { DcxError } from '../errors.js'

/** Failures of the repo: finding, opening and locking it, its stores and keys */

export class NoRepoError extends DcxError {
  constructor (path: string) {
    super(`no dcx repo at ${path}: run \`dcx init\` first (or pass --repo / set DCX_PATH)`, 'ERR_NO_REPO')
  }
}

export class NotARepoError extends DcxError {
  constructor (path: string, why: string) {
    super(`${path} is not a dcx repo (${why}): point --repo at a repo, or run \`dcx init --repo <empty dir>\``, 'ERR_NOT_A_REPO')
  }
}

export class RepoExistsError extends DcxError {
  constructor (path: string) {
    super(`a dcx repo already exists at ${path}: nothing to do (remove it first to start over)`, 'ERR_REPO_EXISTS')
  }
}

export class RepoLockedError extends DcxError {
  constructor (path: string, holder: string) {
    super(`repo ${path} is in use by ${holder}: wait for it to finish, or stop it`, 'ERR_REPO_LOCKED')
  }
}

export class BlockNotFoundError extends DcxError {
  readonly cid: string
  constructor (cid: string) {
    super(`block ${cid} is not in the repo and no daemon is running to fetch it: add or import it first (or start \`dcx daemon\`)`, 'ERR_BLOCK_NOT_FOUND')
    this.cid = cid
  }
}

/** The file system cannot do what the repo needs (hard links for the repo lock) */
export class UnsupportedFileSystemError extends DcxError {
  constructor (path: string, why: string) {
    super(`the file system holding ${path} ${why}: put the repo on a local file system (ext4, xfs, btrfs, apfs, tmpfs...)`, 'ERR_UNSUPPORTED_FS')
  }
}

/**
 * The repo is there (its config.json is) but its LevelDB datastore, which
 * holds pins, names and receipts, cannot be opened. Never "not a repo": the
 * advice must not lead anyone to re-init over their data.
 */
export class DatastoreOpenError extends DcxError {
  constructor (dir: string, why: 'locked' | 'missing' | 'damaged', detail: string) {
    const advice = why === 'locked'
      ? 'another process holds its LevelDB LOCK although repo.lock names none: stop that process (a dcx daemon or command, perhaps an older dcx) and retry'
      : why === 'missing'
        ? 'restore it from a backup; the blocks under blocks/ are not affected, and `dcx pin add <root cid>` pins what they hold again'
        : 'back up the whole repo folder before changing anything, check the disk (free space, fsck) and retry; the blocks under blocks/ are not affected'
    super(`the repo's datastore ${dir} cannot be opened (${detail}): ${advice}`, 'ERR_DATASTORE_OPEN')
  }
}

/** A repo whose config is there but another part it needs is damaged or missing */
export class RepoDamagedError extends DcxError {
  constructor (root: string, why: string) {
    super(`the dcx repo at ${root} is damaged (${why}): back up the folder and restore that file from a backup; do not init over it`, 'ERR_REPO_DAMAGED')
  }
}

export class KeyNotFoundError extends DcxError {
  constructor (name: string) {
    super(`no key named '${name}': create it with \`dcx key gen ${name}\` (see \`dcx key ls\`)`, 'ERR_KEY_NOT_FOUND')
  }
}

export class KeyExistsError extends DcxError {
  constructor (name: string) {
    super(`a key named '${name}' exists already: pick another name (see \`dcx key ls\`)`, 'ERR_KEY_EXISTS')
  }
}

/**
 * Every failure a user can cause or meet has a class here with a stable
 * `code`. Callers branch on the class or the code, never on message text; the
 * CLI maps them to one line on stderr and an exit code in `cli/errors.ts`.
 */
export class DcxError extends Error {
  /** Stable machine-readable code, e.g. `ERR_REPO_LOCKED` */
  readonly code: string
  /** Process exit code the CLI uses for this error */
  readonly exitCode: number

  constructor (message: string, code: string, exitCode = 1) {
    super(message)
    this.name = new.target.name
    this.code = code
    this.exitCode = exitCode
  }
}

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

export class InvalidCidError extends DcxError {
  constructor (input: string) {
    super(`'${input}' is not a valid CID: pass a CID such as bafy... or Qm..., optionally followed by /path`, 'ERR_INVALID_CID')
  }
}

export class BlockNotFoundError extends DcxError {
  readonly cid: string
  constructor (cid: string) {
    super(`block ${cid} is not in the repo and no daemon is running to fetch it: add or import it first (or start \`dcx daemon\`)`, 'ERR_BLOCK_NOT_FOUND')
    this.cid = cid
  }
}

export class PathNotFoundError extends DcxError {
  constructor (path: string, root: string) {
    super(`no link named '${path}' under ${root}: check the path with \`dcx ls ${root}\``, 'ERR_PATH_NOT_FOUND')
  }
}

export class NotAFileError extends DcxError {
  constructor (what: string) {
    super(`${what} is a directory, not a file: use \`dcx ls\` to list it or \`dcx get\` to save it`, 'ERR_NOT_A_FILE')
  }
}

export class NotUnixFSError extends DcxError {
  constructor (cid: string) {
    super(`${cid} is not UnixFS data: use \`dcx dag export\` to read it as blocks`, 'ERR_NOT_UNIXFS')
  }
}

export class LocalPathError extends DcxError {
  constructor (path: string, why: string) {
    super(`cannot read ${path}: ${why}`, 'ERR_LOCAL_PATH')
  }
}

export class OutputPathError extends DcxError {
  constructor (path: string, why: string) {
    super(`cannot write ${path}: ${why}`, 'ERR_OUTPUT_PATH')
  }
}

export class InvalidArgumentError extends DcxError {
  constructor (message: string) {
    super(message, 'ERR_INVALID_ARGUMENT')
  }
}

export class NotPinnedError extends DcxError {
  constructor (cid: string) {
    super(`${cid} is not pinned: \`dcx pin ls\` lists the pins`, 'ERR_NOT_PINNED')
  }
}

export class CarError extends DcxError {
  constructor (file: string, why: string) {
    super(`${file}: ${why}; nothing was imported from it`, 'ERR_BAD_CAR')
  }
}

export class HashMismatchError extends DcxError {
  constructor (file: string, cid: string) {
    super(`${file}: block ${cid} does not match its hash; nothing was imported from it`, 'ERR_HASH_MISMATCH')
  }
}

/** A block file in the repo whose bytes do not hash to its name: the disk or someone changed it */
export class CorruptBlockError extends DcxError {
  constructor (cid: string) {
    super(`block ${cid} in the repo does not match its hash: its file is damaged, nothing was recorded; \`dcx repo verify\` lists every damaged block`, 'ERR_CORRUPT_BLOCK')
  }
}

export class UnsupportedHashError extends DcxError {
  constructor (code: number) {
    super(`hash function 0x${code.toString(16)} is not supported (supported: sha2-256, sha2-512, blake2b-256, identity)`, 'ERR_UNSUPPORTED_HASH')
  }
}

export class AbortedError extends DcxError {
  constructor () {
    super('interrupted: nothing was pinned; unpinned blocks are removed by `dcx repo gc`', 'ERR_ABORTED', 130)
  }
}

export class ModuleRejectedError extends DcxError {
  /** The offending item, e.g. `import env.foo` or `instruction i32.atomic.load` */
  readonly item: string
  constructor (item: string, why: string) {
    super(`module rejected: ${item} ${why}`, 'ERR_MODULE_REJECTED')
    this.item = item
  }
}

/**
 * The host failed in a way that says nothing about the job (a worker crashed,
 * the machine ran out of memory below the job's limit). Never a job result.
 */
export class RuntimeHostError extends DcxError {
  constructor (why: string) {
    super(`the runtime failed, not the job: ${why}; this is not a result, run it again`, 'ERR_RUNTIME_HOST', 70)
  }
}

export class NotARecordError extends DcxError {
  constructor (cid: string, kind: 'receipt' | 'job spec', why: string) {
    super(`${cid} is not a dcx ${kind} (${why}): pass the CID that \`dcx run\` printed as ${kind === 'receipt' ? 'receipt' : 'job'}`, kind === 'receipt' ? 'ERR_NOT_A_RECEIPT' : 'ERR_NOT_A_JOB', 2)
  }
}

export class UnsupportedAbiError extends DcxError {
  constructor (abi: unknown, ours: number) {
    super(`the job was run with runtime ABI version ${String(abi)}, and this dcx runs only version ${ours}: it cannot be re-run here (use a dcx that supports that ABI)`, 'ERR_UNSUPPORTED_ABI', 2)
  }
}

/** A job could not be checked (something needed is missing); exit 2, unlike a false claim (exit 1) */
export class CannotVerifyError extends DcxError {
  constructor (why: string) {
    super(`cannot verify: ${why}`, 'ERR_CANNOT_VERIFY', 2)
  }
}

export class DaemonError extends DcxError {
  constructor (why: string) {
    super(`the daemon refused: ${why}`, 'ERR_DAEMON')
  }
}

/** A directory in a DAG names an entry that no file system can hold safely */
export class UnsafeEntryNameError extends DcxError {
  /** The name as found, for callers that report it */
  readonly entry: string
  constructor (name: string, dir: string, why: string) {
    super(`directory ${dir} holds an entry named ${JSON.stringify(name)}, which ${why}: the DAG is malformed or hostile, nothing was written from it`, 'ERR_UNSAFE_NAME')
    this.entry = name
  }
}

/** A directory in a DAG lists one name twice (the second would shadow or write through the first) */
export class DuplicateEntryError extends DcxError {
  readonly entry: string
  constructor (name: string, dir: string) {
    super(`directory ${dir} lists the name ${JSON.stringify(name)} twice: the DAG is malformed or hostile, nothing was written from it`, 'ERR_DUPLICATE_NAME')
    this.entry = name
  }
}

/** What to tell a user whose repo ran out of space */
export const REPO_SPACE_HINT = '`dcx repo gc` removes blocks no pin needs'

/** The device a file lives on is full (ENOSPC) or the user's quota on it is used up (EDQUOT) */
export class NoSpaceError extends DcxError {
  /** The file or folder whose device is full, when known */
  readonly path?: string
  constructor (path: string | undefined, options: { quota?: boolean, hint?: string } = {}) {
    const what = options.quota === true ? 'disk quota exceeded on the device' : 'no space left on the device'
    const where = path != null ? ` holding ${path}` : ''
    const hint = options.hint != null ? ` (${options.hint})` : ''
    super(`${what}${where}: free space${hint} and retry`, 'ERR_NO_SPACE')
    this.path = path
  }
}

/** The file system a file lives on is mounted read-only (EROFS) */
export class ReadOnlyFileSystemError extends DcxError {
  readonly path?: string
  constructor (path: string | undefined) {
    super(`the file system${path != null ? ` holding ${path}` : ''} is read-only: remount it read-write, or use a folder elsewhere`, 'ERR_READ_ONLY_FS')
    this.path = path
  }
}

/** The OS refused access to a file (EACCES, EPERM) */
export class PermissionDeniedError extends DcxError {
  readonly path?: string
  constructor (path: string | undefined) {
    super(`permission denied${path != null ? ` on ${path}` : ''}: run dcx as the user who owns it, or fix its permissions`, 'ERR_PERMISSION_DENIED')
    this.path = path
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

/** Syscalls that act on files, for telling a file's EPERM from, say, kill(2)'s */
const FILE_SYSCALLS = new Set(['open', 'read', 'write', 'close', 'fsync', 'fdatasync', 'ftruncate', 'mkdir', 'mkdtemp', 'rmdir', 'rm', 'unlink', 'rename', 'link', 'symlink', 'chmod', 'fchmod', 'chown', 'copyfile', 'scandir', 'opendir', 'stat', 'lstat', 'fstat', 'access', 'utime', 'futime', 'readlink', 'realpath', 'truncate'])

/**
 * What the OS said, as strerror(3) words: LevelDB reports an OS error only
 * as text ("IO error: <file>: No space left on device") and interface-store
 * wrappers (blockstore-fs, datastore-level) keep only `String(err)` of the
 * cause, so for those two the text is all there is to go on.
 */
const STRERROR: Array<[RegExp, string]> = [
  [/no space left on device/i, 'ENOSPC'],
  [/disk quota exceeded/i, 'EDQUOT'],
  [/read-only file system/i, 'EROFS'],
  [/permission denied/i, 'EACCES']
]

/** Errors that carry an OS error only in their message text */
function textOnly (err: any): boolean {
  return (typeof err.code === 'string' && err.code.startsWith('LEVEL_')) ||
    ['PutFailedError', 'GetFailedError', 'DeleteFailedError', 'OpenFailedError', 'NotFoundError'].includes(err.name)
}

/** The file an OS error names: Node's `path`, or the path in LevelDB's or Node's message text */
function pathIn (err: any): string | undefined {
  if (typeof err.path === 'string') return err.path
  const text = String(err.message ?? '')
  return /IO error: (\/[^:]+):/.exec(text)?.[1] ?? /, \w+ '([^']+)'/.exec(text)?.[1]
}

/** The OS error code in `err` itself, if it is one of those mapped here */
function osCode (err: any): string | undefined {
  if (typeof err.code === 'string' && ['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM'].includes(err.code)) {
    // EPERM also comes from kill(2), and EACCES from bind(2): only file errors are ours to name
    if ((err.code === 'EPERM' || err.code === 'EACCES') && typeof err.syscall === 'string' && !FILE_SYSCALLS.has(err.syscall)) return undefined
    return err.code === 'EPERM' ? 'EACCES' : err.code
  }
  if (textOnly(err)) return STRERROR.find(([re]) => re.test(String(err.message ?? '')))?.[1]
  return undefined
}

/**
 * The error a storage failure stands for: a full disk, a read-only file
 * system or a refused permission, found anywhere in `err`'s `cause` chain.
 * `path` names the place the caller was writing (a repo, an output file);
 * without it, the file the OS named. Undefined for anything else (and for
 * our own errors, which already say what happened).
 */
export function storageFailure (err: unknown, path?: string, options: { hint?: string } = {}): DcxError | undefined {
  const seen = new Set<unknown>()
  for (let e: any = err; e != null && typeof e === 'object' && !seen.has(e); e = e.cause) {
    seen.add(e)
    if (e instanceof DcxError) return undefined
    const code = osCode(e)
    if (code === undefined) continue
    const where = path ?? pathIn(e)
    switch (code) {
      case 'ENOSPC': return new NoSpaceError(where, options)
      case 'EDQUOT': return new NoSpaceError(where, { ...options, quota: true })
      case 'EROFS': return new ReadOnlyFileSystemError(where)
      default: return new PermissionDeniedError(where)
    }
  }
  return undefined
}

/** A DAG that cannot be a UnixFS tree: a shard listed twice, a bad HAMT, an unusable symlink target */
export class MalformedDagError extends DcxError {
  constructor (cid: string, why: string) {
    super(`${cid} ${why}: the DAG is malformed or hostile, nothing was written from it`, 'ERR_MALFORMED_DAG')
  }
}

/** A tree holds more entries than a command writes without being asked */
export class TooManyEntriesError extends DcxError {
  constructor (what: string, count: string, limit: number) {
    super(`${what} holds ${count} entries (files, directories and symlinks), more than the limit of ${limit}: nothing was written; save a part of it (<cid>/<path>), or pass --max-entries to raise the limit`, 'ERR_TOO_MANY_ENTRIES')
  }
}

/** A tree's bytes do not fit on the file system it is to be written to */
export class NotEnoughSpaceError extends DcxError {
  constructor (what: string, bytes: number, entries: number, free: number, where: string) {
    super(`${what} holds ${bytes} bytes in ${entries} entries, more than the ${free} bytes free at ${where}: nothing was written; free some space or choose an -o on another file system`, 'ERR_NO_SPACE')
  }
}

/** A tree is nested too deeply for its paths to fit in the OS's path length limit */
export class TooDeepError extends DcxError {
  constructor (what: string, pathBytes: number, limit: number) {
    super(`${what} is nested too deeply to save: its paths would reach at least ${pathBytes} bytes, and the OS allows ${limit}: nothing was written; save a part of it (<cid>/<path>) or choose a shorter -o`, 'ERR_TOO_DEEP')
  }
}

/** A block's bytes do not decode as the codec its CID names (its hash matches: the hash does not cover the codec) */
export class UndecodableBlockError extends DcxError {
  constructor (cid: string, codec: string, why: string) {
    super(`block ${cid} is not valid ${codec} (${why}): the data is corrupt or hostile`, 'ERR_UNDECODABLE_BLOCK')
  }
}

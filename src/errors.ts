/**
 * The base of every failure a user can cause or meet, and the failures that
 * cross layers (bad arguments, interruptions, storage). Each layer keeps its
 * own failures in its `errors.ts` (`repo/`, `data/`, `wasm/`, `jobs/`, `net/`,
 * `ops/`), each a class with a stable `code`. Callers branch on the class or
 * the code, never on message text; the CLI maps them to one line on stderr
 * and an exit code in `cli/errors.ts`.
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

/**
 * A usage error: a flag given a value it cannot take (malformed, out of
 * range, ambiguous) or flags that do not go together. Exit 2, as oclif's
 * own parse errors (an unknown flag, a missing argument): the command line
 * is wrong, nothing was tried.
 */
export class UsageError extends DcxError {
  constructor (message: string) {
    super(message, 'ERR_USAGE', 2)
  }
}

export class AbortedError extends DcxError {
  constructor () {
    super('interrupted: nothing was pinned; unpinned blocks are removed by `dcx repo gc`', 'ERR_ABORTED', 130)
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

/** `dcx run` given a job two ways (a job file and flags that define the job), or none: a usage error */
export class JobFlagsError extends DcxError {
  constructor (message: string) {
    super(message, 'ERR_JOB_FLAGS', 2)
  }
}

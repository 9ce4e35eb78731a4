import { DcxError } from '../errors.js'
import type { CID } from 'multiformats/cid'

/** Failures of data: CIDs and paths, UnixFS and hostile DAGs, CARs, pins */

export class InvalidCidError extends DcxError {
  constructor (input: string) {
    super(`'${input}' is not a valid CID: pass a CID such as bafy... or Qm..., optionally followed by /path`, 'ERR_INVALID_CID')
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

export class UnsupportedHashError extends DcxError {
  constructor (code: number) {
    super(`hash function 0x${code.toString(16)} is not supported (supported: sha2-256, sha2-512, blake2b-256, identity)`, 'ERR_UNSUPPORTED_HASH')
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

/** A codec this repo cannot follow links through */
export class UnknownCodecError extends DcxError {
  constructor (cid: CID) {
    super(`cannot follow links of ${cid}: codec 0x${cid.code.toString(16)} is not supported (dag-pb, raw, dag-cbor, dag-json are)`, 'ERR_UNKNOWN_CODEC')
  }
}

/** A block in the repo whose bytes no longer match its CID (its file was damaged on disk) */
export class CorruptBlockError extends DcxError {
  readonly cid: string
  constructor (cid: string) {
    super(`block ${cid} in the repo does not match its hash (its file is damaged): nothing was served or recorded from it; \`dcx repo verify\` lists damaged blocks, remove the file it names and fetch or import the block again`, 'ERR_CORRUPT_BLOCK')
    this.cid = cid
  }
}

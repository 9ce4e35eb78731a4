import { NotAFileError, NotUnixFSError } from './errors.js'
import { InvalidArgumentError } from '../errors.js'
import { fileContent } from './file-content.js'
import { resolveEntry, symlinkTarget, translateExportError } from './resolve.js'
import type { CidPath } from './cid-path.js'
import type { AbortOptions } from 'abort-error'
import type { ReadableStorage } from 'ipfs-unixfs-exporter'

export interface CatOptions extends AbortOptions {
  /** Start reading at this byte */
  offset?: number
  /** Read at most this many bytes */
  length?: number
  /** Blocks read ahead (more for a network-backed store, where each read is a round trip) */
  window?: number
}

/** Stream the bytes of a file (UnixFS file, raw block or identity CID) */
export async function * cat (target: CidPath, blockstore: ReadableStorage, options: CatOptions = {}): AsyncGenerator<Uint8Array> {
  if ((options.offset ?? 0) < 0) throw new InvalidArgumentError('--offset must be 0 or more')
  if ((options.length ?? 0) < 0) throw new InvalidArgumentError('--length must be 0 or more')
  const entry = await resolveEntry(target, blockstore, options)
  if (entry.type === 'directory') throw new NotAFileError(target.text)
  const link = symlinkTarget(entry)
  if (link != null) throw new InvalidArgumentError(`${target.text} is a symlink to '${link}': cat the target instead`)
  // a dag-cbor or dag-json node: not a directory either
  if (entry.type === 'object') throw new NotUnixFSError(target.text)
  try {
    yield * fileContent(entry, blockstore, options)
  } catch (err) {
    throw translateExportError(err, target)
  }
}

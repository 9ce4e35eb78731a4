import { exporter } from 'ipfs-unixfs-exporter'
import { MalformedDagError, NotUnixFSError, PathNotFoundError } from './errors.js'
import { DcxError } from '../errors.js'
import { exporterPath } from './cid-path.js'
import type { CidPath } from './cid-path.js'
import type { AbortOptions } from 'abort-error'
import type { ReadableStorage, UnixFSEntry } from 'ipfs-unixfs-exporter'

/**
 * Resolve `<cid>/path` to a UnixFS entry, turning the exporter's errors into
 * ours: a missing block keeps its `BlockNotFoundError`, a missing link names
 * the path.
 */
export async function resolveEntry (target: CidPath, blockstore: ReadableStorage, options: AbortOptions = {}): Promise<UnixFSEntry> {
  try {
    return await exporter(exporterPath(target), blockstore, options)
  } catch (err: any) {
    const translated = translateExportError(err, target)
    if (translated instanceof DcxError || err?.name === 'AbortError' || typeof err?.syscall === 'string') throw translated
    // The exporter reads nothing but the blockstore (whose failures are above):
    // anything else it throws is a decoder choking on a node along the path
    throw new MalformedDagError(exporterPath(target), `cannot be resolved: a node on the way is not valid UnixFS (${String(err?.message ?? err).split('\n')[0]})`)
  }
}

/** Map an exporter error to a DcxError (missing blocks pass through untouched) */
export function translateExportError (err: any, target: CidPath): Error {
  if (err instanceof DcxError) return err
  switch (err?.name) {
    case 'NotFoundError': return new PathNotFoundError(target.segments.join('/'), target.cid.toString())
    case 'NotUnixFSError':
    case 'NoResolverError': return new NotUnixFSError(target.cid.toString())
    case 'BadPathError': return new PathNotFoundError(target.segments.join('/'), target.cid.toString())
    default: return err
  }
}

/** The target of a UnixFS symlink entry, or undefined for anything else */
export function symlinkTarget (entry: UnixFSEntry): string | undefined {
  if (entry.type === 'file' && entry.unixfs.type === 'symlink') {
    return new TextDecoder().decode(entry.unixfs.data ?? new Uint8Array())
  }
  return undefined
}

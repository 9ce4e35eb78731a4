import { NotUnixFSError } from './errors.js'
import { resolveEntry, translateExportError } from './resolve.js'
import type { CidPath } from './cid-path.js'
import type { AbortOptions } from 'abort-error'
import type { ReadableStorage } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'

/** One line of `dcx ls` */
export interface LsEntry {
  cid: CID
  name: string
  type: 'file' | 'directory' | 'symlink' | 'raw' | 'other'
  /** File size in bytes; undefined for directories */
  size?: bigint
  /** A symlink's target */
  target?: string
}

/** List a directory's entries (or the single file a CID names) */
export async function * ls (target: CidPath, blockstore: ReadableStorage, options: AbortOptions = {}): AsyncGenerator<LsEntry> {
  const entry = await resolveEntry(target, blockstore, options)
  // a dag-cbor or dag-json node has no entries: listing it as a file of itself would mislead
  if (entry.type === 'object') throw new NotUnixFSError(target.text)
  if (entry.type !== 'directory') {
    yield await describe(target, entry.cid, entry.name, blockstore, options)
    return
  }
  try {
    for await (const child of entry.entries({ signal: options.signal } as any)) {
      yield await describe({ ...target, segments: [...target.segments, child.name] }, child.cid, child.name, blockstore, options)
    }
  } catch (err) {
    throw translateExportError(err, target)
  }
}

async function describe (target: CidPath, cid: CID, name: string, blockstore: ReadableStorage, options: AbortOptions): Promise<LsEntry> {
  const e = await resolveEntry({ ...target, cid, segments: [] }, blockstore, options)
  if (e.type === 'directory') return { cid, name, type: 'directory' }
  if (e.type === 'file') {
    if (e.unixfs.type === 'symlink') return { cid, name, type: 'symlink', size: e.size, target: new TextDecoder().decode(e.unixfs.data ?? new Uint8Array()) }
    return { cid, name, type: 'file', size: e.size }
  }
  if (e.type === 'raw' || e.type === 'identity') return { cid, name, type: 'raw', size: e.size }
  return { cid, name, type: 'other' }
}

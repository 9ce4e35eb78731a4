import { createWriteStream } from 'node:fs'
import { lstat, mkdir, rename, rm, symlink } from 'node:fs/promises'
import { dirname, join, basename } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { InvalidArgumentError, OutputPathError, storageFailure } from '../errors.js'
import { fileContent } from './file-content.js'
import { resolveEntry, symlinkTarget, translateExportError } from './resolve.js'
import type { CidPath } from './cid-path.js'
import type { AbortOptions } from 'abort-error'
import type { ReadableStorage, UnixFSEntry } from 'ipfs-unixfs-exporter'
import type { ProgressEvent, ProgressOptions } from 'progress-events'

export type GetProgress = ProgressEvent<'get:bytes', { done: number }>

export interface GetOptions extends AbortOptions, ProgressOptions<GetProgress> {}

/** What `dcx get` wrote */
export interface GetResult {
  path: string
  files: number
  bytes: number
}

/** The name Kubo gives a download when no `-o` is given: the last path segment, else the CID */
export function defaultOutputName (target: CidPath): string {
  return target.segments.at(-1) ?? target.cid.toString()
}

/**
 * Save a UnixFS file or tree to `out`. Everything is written under a
 * temporary sibling and renamed into place at the end, so a missing block,
 * Ctrl-C or a full disk never leaves a half tree at `out`.
 */
export async function get (target: CidPath, out: string, blockstore: ReadableStorage, options: GetOptions = {}): Promise<GetResult> {
  try {
    await lstat(out)
    throw new OutputPathError(out, 'it already exists: choose another -o or remove it')
  } catch (err: any) {
    if (err.code !== 'ENOENT') throw err
  }
  try {
    await mkdir(dirname(out), { recursive: true })
  } catch (err: any) {
    throw storageFailure(err, out) ?? new OutputPathError(out, err.code ?? err.message)
  }
  const tmp = join(dirname(out), `.${basename(out)}.dcx-partial-${process.pid}`)
  const result: GetResult = { path: out, files: 0, bytes: 0 }
  try {
    const root = await resolveEntry(target, blockstore, options)
    await write(root, tmp, target, blockstore, result, options)
    await rename(tmp, out)
    return result
  } catch (err) {
    await rm(tmp, { recursive: true, force: true })
    throw storageFailure(err, out) ?? err
  }
}

async function write (entry: UnixFSEntry, path: string, target: CidPath, blockstore: ReadableStorage, result: GetResult, options: GetOptions): Promise<void> {
  options.signal?.throwIfAborted()
  const link = symlinkTarget(entry)
  if (link != null) {
    await symlink(link, path)
    return
  }
  if (entry.type === 'directory') {
    await mkdir(path)
    try {
      for await (const child of entry.entries({ signal: options.signal } as any)) {
        if (child.name === '' || child.name === '.' || child.name === '..' || child.name.includes('/')) {
          throw new InvalidArgumentError(`refusing unsafe entry name '${child.name}' in ${entry.cid}`)
        }
        const childTarget = { ...target, segments: [...target.segments, child.name] }
        const childEntry = await resolveEntry({ ...childTarget, cid: child.cid, segments: [] }, blockstore, options)
        await write(childEntry, join(path, child.name), childTarget, blockstore, result, options)
      }
    } catch (err) {
      throw translateExportError(err, target)
    }
    return
  }
  if (entry.type === 'object') throw new InvalidArgumentError(`${entry.cid} is not a UnixFS file or directory`)
  const counted = async function * (source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      result.bytes += chunk.length
      options.onProgress?.({ type: 'get:bytes', detail: { done: result.bytes } } as GetProgress)
      yield chunk
    }
  }
  try {
    await pipeline(counted(fileContent(entry, blockstore, { signal: options.signal })), createWriteStream(path), { signal: options.signal })
  } catch (err) {
    throw translateExportError(err, target)
  }
  result.files++
}

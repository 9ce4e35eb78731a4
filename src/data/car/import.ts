import { createReadStream } from 'node:fs'
import type { ReadStream } from 'node:fs'
import { CarBlockIterator } from '@ipld/car/iterator'
import { CarError, HashMismatchError } from '../errors.js'
import { DcxError, LocalPathError } from '../../errors.js'
import { BlockNotFoundError } from '../../repo/errors.js'
import { matchesMultihash } from '../hashers.js'
import { multihashKey } from '../walk.js'
import type { PinStore } from '../pins.js'
import type { RepoBlockstore } from '../../repo/blockstore.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'
import type { ProgressEvent, ProgressOptions } from 'progress-events'

export type ImportProgress = ProgressEvent<'car:block', { blocks: number }>

export interface CarImportOptions extends AbortOptions, ProgressOptions<ImportProgress> {
  /** Pin the CAR's roots recursively (default true) */
  pinRoots?: boolean
}

/** What one CAR file gave */
export interface CarImportResult {
  file: string
  blocks: number
  /** Bytes of those blocks */
  bytes: number
  roots: Array<{
    cid: CID
    pinned: boolean
    /** Why a root was not pinned: the first block of its DAG that is missing */
    missing?: string
  }>
}

/**
 * Import a CARv1 or CARv2 file, streaming. Every block is re-hashed; if any
 * block does not match its CID, or the file is corrupt or truncated, every
 * block this import wrote is deleted again, so a bad file imports nothing.
 * Roots whose DAG is complete are pinned; a root with a gap is reported with
 * the missing CID and left unpinned (the blocks that were there stay).
 */
export async function importCar (file: string, blockstore: RepoBlockstore, pins: PinStore, options: CarImportOptions = {}): Promise<CarImportResult> {
  const written: CID[] = []
  const seen = new Set<string>()
  let roots: CID[]
  let blocks = 0
  let bytesRead = 0
  try {
    let stream: ReadStream
    try {
      stream = createReadStream(file)
      await new Promise<void>((resolve, reject) => { stream.once('ready', () => resolve()).once('error', reject) })
    } catch (err: any) {
      throw new LocalPathError(file, err.code === 'ENOENT' ? 'no such file' : err.code ?? err.message)
    }
    let iterator: CarBlockIterator
    try {
      iterator = await CarBlockIterator.fromIterable(stream)
      roots = await iterator.getRoots()
    } catch (err: any) {
      throw new CarError(file, `not a valid CAR (${err.message})`)
    }
    try {
      for await (const { cid, bytes } of iterator) {
        options.signal?.throwIfAborted()
        if (!(await matchesMultihash(cid.multihash, bytes))) throw new HashMismatchError(file, cid.toString())
        blocks++
        bytesRead += bytes.length
        const key = multihashKey(cid)
        if (!seen.has(key)) {
          seen.add(key)
          if (!(await blockstore.has(cid))) {
            await blockstore.put(cid, bytes)
            written.push(cid)
          }
        }
        options.onProgress?.({ type: 'car:block', detail: { blocks } } as ImportProgress)
      }
    } catch (err: any) {
      if (err instanceof DcxError || err.name === 'AbortError') throw err
      throw new CarError(file, `corrupt or truncated (${err.message})`)
    }
  } catch (err) {
    for (const cid of written) await blockstore.delete(cid).catch(() => {})
    throw err
  }
  const result: CarImportResult = { file, blocks, bytes: bytesRead, roots: [] }
  for (const root of roots) {
    if (options.pinRoots === false) {
      result.roots.push({ cid: root, pinned: false })
      continue
    }
    try {
      await pins.add(root, options)
      result.roots.push({ cid: root, pinned: true })
    } catch (err) {
      if (!(err instanceof BlockNotFoundError)) throw err
      result.roots.push({ cid: root, pinned: false, missing: err.cid })
    }
  }
  return result
}

import { CarWriter } from '@ipld/car/writer'
import { walkDag } from '../walk.js'
import type { BlockAccess } from '../../repo/blockstore.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'
import type { ProgressEvent, ProgressOptions } from 'progress-events'

/** Bytes of blocks written to the CAR so far */
export type ExportProgress = ProgressEvent<'car:bytes', { done: number }>

/**
 * Stream the DAG under `root` as a CARv1, blocks in depth-first link order,
 * each once. Memory holds one block and the set of seen multihashes, never
 * the CAR.
 */
export function exportCar (root: CID, blockstore: Pick<BlockAccess, 'getBytes' | 'has'>, options: AbortOptions & ProgressOptions<ExportProgress> = {}): AsyncIterable<Uint8Array> {
  let done = 0
  const { writer, out } = CarWriter.create([root])
  const walked = walkDag(root, blockstore, {
    signal: options.signal,
    readLeaves: true,
    onBlock: async (cid, bytes) => {
      if (cid.multihash.code === 0x00) return
      const block = bytes ?? await blockstore.getBytes(cid, options)
      await writer.put({ cid, bytes: block })
      done += block.length
      options.onProgress?.({ type: 'car:bytes', detail: { done } })
    }
  })
  // The writer is closed on failure too, so the reader ends and sees the error
  const finished = walked.then(async () => writer.close(), async (err) => { await writer.close(); throw err })
  finished.catch(() => {})
  return (async function * () {
    yield * out
    await finished
  })()
}

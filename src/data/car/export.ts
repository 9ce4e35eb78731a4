import { CarWriter } from '@ipld/car/writer'
import { walkDag } from '../walk.js'
import type { BlockAccess } from '../../repo/blockstore.js'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/**
 * Stream the DAG under `root` as a CARv1, blocks in depth-first link order,
 * each once. Memory holds one block and the set of seen multihashes, never
 * the CAR.
 */
export function exportCar (root: CID, blockstore: Pick<BlockAccess, 'getBytes' | 'has'>, options: AbortOptions = {}): AsyncIterable<Uint8Array> {
  const { writer, out } = CarWriter.create([root])
  const done = walkDag(root, blockstore, {
    ...options,
    readLeaves: true,
    onBlock: async (cid, bytes) => {
      if (cid.multihash.code === 0x00) return
      await writer.put({ cid, bytes: bytes ?? await blockstore.getBytes(cid, options) })
    }
  })
  // The writer is closed on failure too, so the reader ends and sees the error
  const finished = done.then(async () => writer.close(), async (err) => { await writer.close(); throw err })
  finished.catch(() => {})
  return (async function * () {
    yield * out
    await finished
  })()
}

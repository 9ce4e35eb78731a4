import type { CidPath } from '../../data/cid-path.js'
import type { BlockAccess } from '../../repo/blockstore.js'
import type { AbortOptions } from 'abort-error'

/** dag-cbor's multicodec code: the only codec dcx records use */
const DAG_CBOR = 0x71

/**
 * `cat` and `ls` of a job spec or a receipt say what it is and which command
 * shows it, rather than calling it a directory or listing it as its own
 * child. Only a bare dag-cbor CID can be one; reading it is one block.
 */
export async function refuseRecord (path: CidPath, blocks: Pick<BlockAccess, 'getBytes'>, options: AbortOptions = {}): Promise<void> {
  if (path.segments.length > 0 || path.cid.code !== DAG_CBOR) return
  const [{ recordKind }, { IsARecordError }] = await Promise.all([import('../../jobs/records.js'), import('../../jobs/errors.js')])
  const kind = recordKind(path.cid, await blocks.getBytes(path.cid, options))
  if (kind !== undefined) throw new IsARecordError(path.cid.toString(), kind)
}

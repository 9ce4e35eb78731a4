import { NotFileDataError } from '../errors.js'
import type { CidPath } from '../../data/cid-path.js'
import type { OpContext } from '../context.js'
import type { AbortOptions } from 'abort-error'

const DAG_CBOR = 0x71
const DAG_JSON = 0x0129

/**
 * Refuse to read a job spec, a receipt or another dag-cbor document as a
 * file or directory, saying what it is and which command shows it: the
 * UnixFS exporter would call a receipt "a directory" and list a spec as a
 * file of itself. Only a bare CID is looked at (a path goes through UnixFS,
 * or through a document's fields, as the exporter walks it).
 */
export async function refuseRecord (ctx: Pick<OpContext, 'blocks'>, path: CidPath, options: AbortOptions = {}): Promise<void> {
  if (path.segments.length > 0 || (path.cid.code !== DAG_CBOR && path.cid.code !== DAG_JSON)) return
  const bytes = await ctx.blocks.getBytes(path.cid, options)
  let value: unknown
  try {
    const codec = path.cid.code === DAG_CBOR ? await import('@ipld/dag-cbor') : await import('@ipld/dag-json')
    value = codec.decode(bytes)
  } catch {
    return // undecodable: the exporter says so
  }
  const type = (value as { type?: unknown } | null)?.type
  const cid = path.cid.toString()
  if (type === 'dcx/job') throw new NotFileDataError(cid, 'a job spec', `dcx job show ${cid}`)
  if (type === 'dcx/receipt') throw new NotFileDataError(cid, 'a receipt', `dcx receipt show ${cid}`)
  throw new NotFileDataError(cid, `a ${path.cid.code === DAG_CBOR ? 'dag-cbor' : 'dag-json'} document`, `dcx dag get ${cid}`)
}

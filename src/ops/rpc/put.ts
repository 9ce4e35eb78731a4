import { join } from 'node:path'
import { badRequest } from '../../api/rpc/call.js'
import { MAX_BLOCK_BYTES } from '../../data/block-put.js'
import { blockPutOp } from '../data/block.js'
import { dagPutOp } from '../data/dag-put.js'
import { kuboLine } from '../kubo.js'
import { withUpload } from './add.js'
import { callOp } from './call-op.js'
import type { RpcContext } from './call-op.js'
import type { SavedUpload } from '../../api/rpc/multipart.js'
import type { OpContext } from '../context.js'
import type { RpcCall, RpcCommand } from '../../api/rpc/call.js'

/** Most bytes one `block/put` request may send (several blocks, each at most `MAX_BLOCK_BYTES`) */
const MAX_BLOCK_PUT_UPLOAD = 32 * MAX_BLOCK_BYTES
/** Room for a multipart body's boundaries and headers around one block */
const MULTIPART_SLACK = 64 * 1024

/** How an uploaded file is named in messages: its part's name, else its place in the request */
function partNames (saved: SavedUpload): string[] {
  return saved.top.map((name, i) => saved.unnamed.has(name) ? `the request's file ${i + 1}` : name)
}

/** Kubo's `mhtype`, and `mhlen` when it is the default */
function hashOption (call: RpcCall): unknown {
  const mhlen = call.option('mhlen')
  if (mhlen !== undefined && mhlen !== '-1' && mhlen !== '32') throw badRequest(`option "mhlen" is 32 for sha2-256 (or -1), not "${mhlen}"`)
  return call.option('mhtype') ?? call.option('hash')
}

/**
 * `block/put`: each file of a multipart request stored as one block by the
 * `block/put` operation, with Kubo's `cid-codec`, `mhtype` and `pin`;
 * Kubo's `{"Key","Size"}` for each. The legacy `format` is refused.
 */
export const rpcBlockPut: RpcCommand<OpContext> = {
  body: true,
  run: async (call, context, { signal }) => {
    if (call.option('format') !== undefined) throw badRequest('option "format" is Kubo\'s legacy form: give cid-codec (raw, dag-pb, dag-cbor or dag-json) instead')
    const input = { codec: call.option('cid-codec'), hash: hashOption(call), pin: call.bool('pin') }
    const values = await withUpload(call, context as RpcContext, signal, async (dir, saved) => {
      if (saved.top.length === 0) throw badRequest('the request sends no file: block put needs the block\'s bytes as a file')
      return await callOp(blockPutOp, call, context as RpcContext, { ...input, files: saved.top.map(n => join(dir, n)), names: partNames(saved) }, { signal })
    }, MAX_BLOCK_PUT_UPLOAD)
    return { type: 'json', lines: values.map(v => kuboLine({ ...v })), stream: values.length > 1 }
  }
}

/**
 * `dag/put`: the one file of a multipart request stored as one IPLD node by
 * the `dag/put` operation, with Kubo's `input-codec`, `store-codec`,
 * `hash` and `pin`; Kubo's `{"Cid":{"/":…}}`.
 */
export const rpcDagPut: RpcCommand<OpContext> = {
  body: true,
  run: async (call, context, { signal }) => {
    const input = { inputCodec: call.option('input-codec'), storeCodec: call.option('store-codec'), hash: call.option('hash'), pin: call.bool('pin') }
    const value = await withUpload(call, context as RpcContext, signal, async (dir, saved) => {
      if (saved.top.length !== 1) throw badRequest(`dag put reads one file, the node's encoding; the request sends ${saved.top.length}`)
      return await callOp(dagPutOp, call, context as RpcContext, { ...input, file: join(dir, saved.top[0]), name: partNames(saved)[0] }, { signal })
    }, MAX_BLOCK_BYTES + MULTIPART_SLACK)
    return { type: 'json', lines: [kuboLine(value)] }
  }
}

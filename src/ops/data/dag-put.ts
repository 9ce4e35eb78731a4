import * as z from 'zod/mini'
import { defineOp } from '../operation.js'

/**
 * `dag/put`: a local file (absolute path) holding one IPLD node in
 * `inputCodec` (dag-json by default), stored as a block in `storeCodec`
 * (dag-cbor by default), hashed here with SHA-256; `pin` pins it
 * recursively (its links must then be here). Answers Kubo's `{"Cid":{"/":…}}`.
 */
export const dagPutOp = defineOp({
  name: 'dag/put',
  access: 'repo',
  writes: true,
  input: z.strictObject({
    file: z.string().check(z.minLength(1)),
    inputCodec: z.optional(z.enum(['dag-json', 'dag-cbor'])),
    storeCodec: z.optional(z.enum(['dag-json', 'dag-cbor'])),
    hash: z.optional(z.enum(['sha2-256'])),
    pin: z.optional(z.boolean()),
    /** How the file is named in messages; default its path */
    name: z.optional(z.string())
  }),
  run: async (ctx, { file, inputCodec, storeCodec, pin, name }, { signal }): Promise<{ Cid: { '/': string } }> => {
    const { decodeAs, encodeAs, putBlock, readBlockFile } = await import('../../data/block-put.js')
    const repo = ctx.repo()
    const what = name ?? file
    const value = await decodeAs(await readBlockFile(file, { signal, name }), inputCodec ?? 'dag-json', what)
    const cid = await putBlock(await encodeAs(value, storeCodec ?? 'dag-cbor'), storeCodec ?? 'dag-cbor', repo.blockstore, what, { signal })
    if (pin === true) {
      await repo.pins.add(cid, { type: 'recursive', signal })
      if (ctx.online) ctx.node().provide(cid)
    }
    return { Cid: { '/': cid.toString() } }
  }
})

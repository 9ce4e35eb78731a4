import * as z from 'zod/mini'
import { InvalidArgumentError } from '../../errors.js'
import { defineOp } from '../operation.js'
import type { OpContext } from '../context.js'
import type { AbortOptions } from 'abort-error'

/** The one block a CID (or `/ipfs/<cid>`) names, made local first with a daemon */
async function oneBlock (ctx: OpContext, target: string, options: AbortOptions): Promise<{ cid: string, bytes: Uint8Array }> {
  const path = await ctx.resolve(target, options)
  if (path.segments.length > 0) throw new InvalidArgumentError(`a block is named by a CID, not a path: ${target}`)
  await ctx.prefetch(path, { scope: 'block', signal: options.signal })
  const bytes = await ctx.blocks.getBytes(path.cid, options)
  // a damaged block file must not be handed out as the block (a client trusts what `block get` answers)
  const [{ matchesMultihash }, { CorruptBlockError }] = await Promise.all([import('../../data/hashers.js'), import('../../data/errors.js')])
  if (!await matchesMultihash(path.cid.multihash, bytes)) throw new CorruptBlockError(path.cid.toString())
  return { cid: path.cid.toString(), bytes }
}

/** `block/get`: the raw bytes of one block, checked against its CID as every read is */
export const blockGetOp = defineOp({
  name: 'block/get',
  access: 'read',
  bytes: true,
  input: z.strictObject({ target: z.string().check(z.minLength(1)) }),
  run: async (ctx, { target }, { signal }): Promise<AsyncIterable<Uint8Array>> => {
    const { bytes } = await oneBlock(ctx, target, { signal })
    return (async function * () { yield bytes })()
  }
})

/** `block/stat`: a block's CID and size in bytes (Kubo's `BlockStat`) */
export const blockStatOp = defineOp({
  name: 'block/stat',
  access: 'read',
  input: z.strictObject({ target: z.string().check(z.minLength(1)) }),
  run: async (ctx, { target }, { signal }): Promise<{ Key: string, Size: number }> => {
    const { cid, bytes } = await oneBlock(ctx, target, { signal })
    return { Key: cid, Size: bytes.length }
  }
})

/** What `block put` stored: Kubo's `BlockStat` */
export interface BlockPutJson { Key: string, Size: number }

/**
 * `block/put`: local files (absolute paths), each stored as one block under
 * `codec` (raw by default), hashed here; refused whole past the 2 MiB block
 * limit or when a file does not decode under its codec. `pin` pins each
 * block recursively, as Kubo does (so its links must be here).
 */
export const blockPutOp = defineOp({
  name: 'block/put',
  access: 'repo',
  writes: true,
  input: z.strictObject({
    files: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
    codec: z.optional(z.enum(['raw', 'dag-pb', 'dag-cbor', 'dag-json'])),
    hash: z.optional(z.enum(['sha2-256'])),
    pin: z.optional(z.boolean()),
    /** How each file is named in messages (the RPC's uploads have no name the caller knows); default its path */
    names: z.optional(z.array(z.string()))
  }),
  run: async (ctx, { files, codec, pin, names }, { signal }): Promise<BlockPutJson[]> => {
    const { decodeAs, putBlock, readBlockFile } = await import('../../data/block-put.js')
    const repo = ctx.repo()
    // every file read and checked before any is stored: all or nothing
    const blocks = []
    for (const [i, file] of files.entries()) blocks.push({ file: names?.[i] ?? file, bytes: await readBlockFile(file, { signal, name: names?.[i] }) })
    for (const b of blocks) await decodeAs(b.bytes, codec ?? 'raw', b.file)
    const out: BlockPutJson[] = []
    for (const b of blocks) {
      const cid = await putBlock(b.bytes, codec ?? 'raw', repo.blockstore, b.file, { signal })
      if (pin === true) {
        await repo.pins.add(cid, { type: 'recursive', signal })
        if (ctx.online) ctx.node().provide(cid)
      }
      out.push({ Key: cid.toString(), Size: b.bytes.byteLength })
    }
    return out
  }
})

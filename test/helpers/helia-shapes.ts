import { streamDigest, type Shape } from './shapes.js'
import type { UnixFS } from '@helia/unixfs'
import type { CID } from 'multiformats/cid'

/** A shape added by Helia's own UnixFS importer; resolves with the root's CID */
export async function heliaAdd (fs: UnixFS, shape: Shape): Promise<CID> {
  let root: CID | undefined
  for await (const entry of fs.addAll(shape.files.map(f => ({ path: f.path, content: f.bytes })), { ...shape.heliaOptions, wrapWithDirectory: false })) {
    if (entry.path === shape.root) root = entry.cid
  }
  if (root === undefined) throw new Error(`Helia's import of ${shape.root} gave no root`)
  return root
}

/** What Helia reads at a CID, as shapeDigests gives it: fetched over the network where missing */
export async function heliaDigests (fs: UnixFS, cid: CID, options: { signal?: AbortSignal } = {}, below = ''): Promise<Record<string, string>> {
  const stat = await fs.stat(cid, options)
  if (stat.type !== 'directory') return { [below]: await streamDigest(fs.cat(cid, options)) }
  const entries: Array<{ cid: CID, name: string }> = []
  for await (const entry of fs.ls(cid, options)) entries.push(entry)
  // entries side by side, so bitswap asks for many blocks in one wantlist
  const out: Record<string, string> = {}
  const next = async (): Promise<void> => {
    for (let e = entries.shift(); e !== undefined; e = entries.shift()) {
      Object.assign(out, await heliaDigests(fs, e.cid, options, below === '' ? e.name : `${below}/${e.name}`))
    }
  }
  await Promise.all(Array.from({ length: 32 }, next))
  return out
}

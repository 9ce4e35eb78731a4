import { exporter } from 'ipfs-unixfs-exporter'
import { NotUnixFSError } from '../errors.js'
import type { TreeNode } from '../wasm/index.js'
import type { AbortOptions } from 'abort-error'
import type { ReadableStorage, UnixFSEntry } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'

async function collect (chunks: AsyncIterable<Uint8Array>, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length)
  let at = 0
  for await (const c of chunks) {
    out.set(c.subarray(0, length - at), at)
    at += c.length
    if (at >= length) break
  }
  return at >= length ? out : out.subarray(0, at)
}

async function node (entry: UnixFSEntry, blockstore: ReadableStorage, options: AbortOptions): Promise<TreeNode> {
  switch (entry.type) {
    case 'directory': {
      const entries: Record<string, TreeNode> = {}
      for await (const child of entry.entries(options as any)) {
        entries[child.name] = await node(await exporter(child.cid, blockstore, options), blockstore, options)
      }
      return { type: 'dir', entries }
    }
    case 'file': {
      if (entry.unixfs.type === 'symlink') return { type: 'symlink', target: new TextDecoder().decode(entry.unixfs.data ?? new Uint8Array()) }
      const size = Number(entry.size)
      return {
        type: 'file',
        size,
        // the job's reads: a window at a time, straight from the blockstore
        read: async (offset, length) => await collect(entry.content({ ...options, offset, length: Math.min(length, size - offset) } as any), Math.min(length, size - offset))
      }
    }
    case 'raw': case 'identity': {
      const size = Number(entry.size)
      return { type: 'file', size, read: async (offset, length) => await collect(entry.content({ offset, length } as any), Math.min(length, size - offset)) }
    }
    default:
      throw new NotUnixFSError(entry.cid.toString())
  }
}

/**
 * A UnixFS DAG as a read-only tree for the runtime: directories are listed
 * now, file bytes are read lazily from the blockstore as the job reads them.
 */
export async function mountUnixFS (cid: CID, blockstore: ReadableStorage, options: AbortOptions = {}): Promise<TreeNode> {
  return await node(await exporter(cid, blockstore, options), blockstore, options)
}

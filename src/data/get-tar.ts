import { MalformedDagError } from './errors.js'
import { dagPbFileContent } from './file-content.js'
import { listDirectory, readUnixFSNode } from './unixfs-node.js'
import { tarEnd, tarHeader, tarPadding } from './tar.js'
import type { FileNode } from './unixfs-node.js'
import type { AbortOptions } from 'abort-error'
import type { ReadableStorage } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'

/**
 * A UnixFS file or tree as a tar stream, `rootName` at its top, as Kubo's
 * `get` sends it: depth first, a directory before its entries, in the
 * directory's order. The tree must have been counted and checked first
 * (`planGet`: names, repeats, entry count, path length); this writes what
 * that walk accepted. Memory stays bounded: file content is streamed a
 * window of blocks at a time and only the directory being opened is listed
 * whole. A file whose content is not the size it declares ends the stream
 * with an error (its header, with that size, has gone out).
 */
export async function * tarTree (root: CID, rootName: string, store: ReadableStorage, options: AbortOptions = {}): AsyncGenerator<Uint8Array> {
  const tasks: Array<{ cid: CID, path: string }> = [{ cid: root, path: rootName }]
  while (tasks.length > 0) {
    options.signal?.throwIfAborted()
    const task = tasks.pop() as { cid: CID, path: string }
    const node = await readUnixFSNode(task.cid, store, options)
    if (node.kind === 'symlink') {
      yield tarHeader({ path: task.path, type: 'symlink', linkTarget: new TextDecoder().decode(node.target) })
    } else if (node.kind === 'file') {
      yield tarHeader({ path: task.path, type: 'file', size: node.size })
      yield * fileBytes(node, store, options)
      yield tarPadding(node.size)
    } else {
      yield tarHeader({ path: task.path, type: 'directory' })
      const children = []
      for await (const entry of listDirectory(node, store, options)) children.push(entry)
      for (let i = children.length - 1; i >= 0; i--) tasks.push({ cid: children[i].cid, path: `${task.path}/${children[i].name}` })
    }
  }
  yield tarEnd()
}

async function * fileBytes (file: FileNode, store: ReadableStorage, options: AbortOptions): AsyncGenerator<Uint8Array> {
  const source = file.bytes !== undefined ? [file.bytes] : dagPbFileContent(file.cid, file.node as NonNullable<FileNode['node']>, store, { signal: options.signal })
  let done = 0
  for await (const chunk of source) {
    done += chunk.byteLength
    if (done > file.size) throw new MalformedDagError(file.cid.toString(), `holds more bytes than the ${file.size} it declares`)
    yield chunk
  }
  if (done !== file.size) throw new MalformedDagError(file.cid.toString(), `holds ${done} bytes, not the ${file.size} it declares`)
}

import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { badRequest } from './call.js'
import type { IncomingMessage } from 'node:http'
import type { WriteStream } from 'node:fs'

/** Largest upload one `add` or `dag/import` request may send: past it the request is refused (and what it wrote removed by the caller) */
export const MAX_UPLOAD_BYTES = 16 * 2 ** 30
/** Most files and directories one request may send */
export const MAX_UPLOAD_PARTS = 100_000
/** Largest header block of one part */
const MAX_PART_HEADER_BYTES = 8192

/** What a multipart request held, saved under a folder */
export interface SavedUpload {
  /** The top-level names, in the order they came (each a file or folder directly under the folder) */
  top: string[]
  /** Top-level files sent without a name, saved under a made-up one (Kubo names them by their CID) */
  unnamed: Set<string>
  /** Bytes of file content received */
  bytes: number
}

/** The boundary of a `multipart/form-data` request, or a 400 */
export function multipartBoundary (req: IncomingMessage): string {
  const type = req.headers['content-type'] ?? ''
  const m = /^multipart\/form-data\s*;.*?boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(type)
  if (m == null) throw badRequest('this command reads files: send them as multipart/form-data (a part per file or directory)')
  const boundary = m[1] ?? m[2]
  if (boundary.length > 200) throw badRequest('the multipart boundary is over 200 characters')
  return boundary
}

/** A part's path, checked: relative, no `.` or `..`, no empty segment */
function partPath (header: string): { path: string[], directory: boolean, symlink: boolean } {
  const disposition = /^content-disposition:(.*)$/im.exec(header)?.[1] ?? ''
  const type = (/^content-type:\s*([^\s;]+)/im.exec(header)?.[1] ?? 'application/octet-stream').toLowerCase()
  const raw = /filename\*?="([^"]*)"/i.exec(disposition)?.[1] ?? ''
  let text: string
  try {
    text = decodeURIComponent(raw)
  } catch {
    throw badRequest(`a part's filename is not URL-encoded text: ${raw.slice(0, 100)}`)
  }
  const path = text.split('/').filter((s, i, all) => !(s === '' && (i === 0 || i === all.length - 1)))
  if (path.some(s => s === '' || s === '.' || s === '..' || s.includes('\0'))) throw badRequest(`a part's path is not a relative path: ${text.slice(0, 200)}`)
  return { path, directory: type === 'application/x-directory', symlink: type === 'application/symlink' }
}

async function write (out: WriteStream, bytes: Buffer): Promise<void> {
  if (bytes.length === 0) return
  if (!out.write(bytes)) await new Promise<void>((resolve, reject) => { out.once('drain', resolve); out.once('error', reject) })
}

async function finish (out: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => { out.once('error', reject); out.end(resolve) })
}

/**
 * Save the files and directories of a `multipart/form-data` request (as
 * Kubo's clients send `add`: a part per entry, its path URL-encoded in
 * `filename`, directories as `application/x-directory`) under `dir`,
 * streaming each file to disk. Paths that would leave `dir`, more than
 * `MAX_UPLOAD_PARTS` parts or `maxBytes` (`MAX_UPLOAD_BYTES`) bytes, and a body that
 * is not multipart are refused with a 400.
 */
export async function saveUpload (req: IncomingMessage, dir: string, options: { signal?: AbortSignal, maxBytes?: number } = {}): Promise<SavedUpload> {
  const maxBytes = options.maxBytes ?? MAX_UPLOAD_BYTES
  const boundary = multipartBoundary(req)
  const opening = Buffer.from(`--${boundary}`)
  const delimiter = Buffer.from(`\r\n--${boundary}`)
  const saved: SavedUpload = { top: [], unnamed: new Set(), bytes: 0 }
  let buffer: Buffer = Buffer.alloc(0)
  let state: 'preamble' | 'header' | 'body' | 'done' = 'preamble'
  let out: WriteStream | undefined
  let parts = 0
  let received = 0

  const startPart = async (header: string): Promise<void> => {
    if (++parts > MAX_UPLOAD_PARTS) throw badRequest(`the request sends over ${MAX_UPLOAD_PARTS} files and directories`)
    let { path, directory, symlink } = partPath(header)
    if (symlink) throw badRequest('symlinks cannot be added over the RPC: add the file they point at')
    if (path.length === 0) {
      if (directory) return
      path = [`unnamed-${parts}`]
      saved.unnamed.add(path[0])
    }
    if (!saved.top.includes(path[0])) saved.top.push(path[0])
    const target = join(dir, ...path)
    if (directory) {
      await mkdir(target, { recursive: true })
      return
    }
    await mkdir(join(dir, ...path.slice(0, -1)), { recursive: true })
    out = createWriteStream(target, { flags: 'wx' })
    await new Promise<void>((resolve, reject) => { out!.once('open', () => resolve()); out!.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EEXIST' ? badRequest(`the request sends ${path.join('/')} twice`) : err)) })
  }

  try {
    for await (const chunk of req) {
      options.signal?.throwIfAborted()
      received += (chunk as Buffer).length
      if (received > maxBytes) throw badRequest(`the upload is over ${maxBytes} bytes`)
      buffer = buffer.length === 0 ? chunk as Buffer : Buffer.concat([buffer, chunk as Buffer])
      for (;;) {
        if (state === 'preamble') {
          const at = buffer.indexOf(opening)
          if (at < 0) { buffer = buffer.subarray(Math.max(0, buffer.length - opening.length)); break }
          buffer = buffer.subarray(at + opening.length)
          state = 'header'
        } else if (state === 'header') {
          if (buffer.length < 2) break
          if (buffer[0] === 0x2d && buffer[1] === 0x2d) { state = 'done'; break } // "--": the closing delimiter
          const end = buffer.indexOf('\r\n\r\n')
          if (end < 0) {
            if (buffer.length > MAX_PART_HEADER_BYTES) throw badRequest(`a part's headers are over ${MAX_PART_HEADER_BYTES} bytes`)
            break
          }
          await startPart(buffer.subarray(0, end).toString('utf8'))
          buffer = buffer.subarray(end + 4)
          state = 'body'
        } else if (state === 'body') {
          const at = buffer.indexOf(delimiter)
          if (at < 0) {
            // keep what could be the start of the delimiter
            const safe = Math.max(0, buffer.length - delimiter.length)
            if (out !== undefined) await write(out, buffer.subarray(0, safe))
            saved.bytes += safe
            buffer = buffer.subarray(safe)
            break
          }
          if (out !== undefined) {
            await write(out, buffer.subarray(0, at))
            await finish(out)
            out = undefined
          }
          saved.bytes += at
          buffer = buffer.subarray(at + delimiter.length)
          state = 'header'
        } else {
          break
        }
      }
    }
  } finally {
    if (out !== undefined) out.destroy()
  }
  if (state !== 'done') throw badRequest('the multipart body ends before its closing boundary')
  return saved
}

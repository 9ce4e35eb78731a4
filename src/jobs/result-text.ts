import { fileContent } from '../data/file-content.js'
import { resolveEntry } from '../data/resolve.js'
import type { ReadableStorage } from 'ipfs-unixfs-exporter'
import type { AbortOptions } from 'abort-error'
import type { CID } from 'multiformats/cid'

/**
 * Bytes of a job's stdout and stderr a run summary (`dcx run --json`, the
 * daemon's answer) carries: the rest is in the output's `stdout` and
 * `stderr` files. A summary is one JSON value; 16 MiB of escaped output in
 * it is a 96 MiB string, past the daemon's frame limit and oclif's JSON
 * printer.
 */
export const SUMMARY_TEXT_BYTES = 64 * 1024

/** The tail of stderr `dcx run` prints when a job fails: at most this many lines, of at most this many bytes */
export const TAIL_LINES = 20
export const TAIL_BYTES = 4096

/** The first `max` bytes as text, cut before a character that would not fit whole */
export function headText (bytes: Uint8Array, max = SUMMARY_TEXT_BYTES): { text: string, truncated: boolean } {
  if (bytes.length <= max) return { text: Buffer.from(bytes).toString('utf8'), truncated: false }
  let end = max
  // back to the first byte of a UTF-8 sequence
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--
  return { text: Buffer.from(bytes.subarray(0, end)).toString('utf8'), truncated: true }
}

/**
 * The last lines of a stream, from its last bytes (`cut`: they are not all
 * of it, so the first line may be a part and is dropped)
 */
export function tailText (last: Uint8Array, cut: boolean): string {
  let start = 0
  while (start < last.length && (last[start] & 0xc0) === 0x80) start++
  let text = Buffer.from(last.subarray(start)).toString('utf8')
  if (cut) text = text.slice(text.indexOf('\n') + 1)
  const lines = text.replace(/\n$/, '').split('\n')
  return lines.length === 1 && lines[0] === '' ? '' : lines.slice(-TAIL_LINES).join('\n')
}

/** A stream's bounded head and its tail, as a run summary holds them */
export interface BoundedText {
  text: string
  truncated: boolean
  tail: string
}

/** Head and tail of a captured stream held in memory */
export function boundText (bytes: Uint8Array): BoundedText {
  const head = headText(bytes)
  const from = Math.max(0, bytes.length - TAIL_BYTES)
  return { ...head, tail: tailText(bytes.subarray(from), from > 0) }
}

async function read (entry: Awaited<ReturnType<typeof resolveEntry>>, store: ReadableStorage, offset: number, length: number, options: AbortOptions): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of fileContent(entry, store, { ...options, offset, length })) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/** Head and tail of a recorded result's `stdout` or `stderr`, reading only those bytes */
export async function boundResultText (output: CID, stream: 'stdout' | 'stderr', store: ReadableStorage, options: AbortOptions = {}): Promise<BoundedText> {
  const entry = await resolveEntry({ cid: output, segments: [stream], text: `${output.toString()}/${stream}` }, store, options)
  const size = Number(entry.size)
  const head = headText(await read(entry, store, 0, Math.min(size, SUMMARY_TEXT_BYTES + 1), options))
  const from = Math.max(0, size - TAIL_BYTES)
  return { ...head, tail: tailText(await read(entry, store, from, size - from, options), from > 0) }
}

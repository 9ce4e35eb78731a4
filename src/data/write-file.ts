import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { storageFailure } from '../errors.js'

/** Write a stream to `path` whole or not at all: a temp file renamed into place (a full disk names `path`) */
export async function writeFileWhole (path: string, data: AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<void> {
  const tmp = `${path}.dcx-partial-${process.pid}`
  try {
    await pipeline(data, createWriteStream(tmp), { signal })
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw storageFailure(err, path) ?? err
  }
}

import { createHash } from 'node:crypto'
import { open, readFile } from 'node:fs/promises'
import { blake2b256 } from '@multiformats/blake2/blake2b'
import { identity } from 'multiformats/hashes/identity'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import { equals } from 'multiformats/bytes'
import { UnsupportedHashError } from './errors.js'
import type { MultihashDigest } from 'multiformats/hashes/interface'

type Digest = (bytes: Uint8Array) => MultihashDigest | Promise<MultihashDigest>

const HASHERS = new Map<number, Digest>([
  [sha256.code, b => sha256.digest(b)],
  [sha512.code, b => sha512.digest(b)],
  [blake2b256.code, b => blake2b256.digest(b)],
  [identity.code, b => identity.digest(b)]
])

/** Re-hash `bytes` with the multihash's own function and compare */
export async function matchesMultihash (multihash: MultihashDigest, bytes: Uint8Array): Promise<boolean> {
  const hash = HASHERS.get(multihash.code)
  if (hash == null) throw new UnsupportedHashError(multihash.code)
  const actual = await hash(bytes)
  return equals(actual.bytes, multihash.bytes)
}

/** Hash functions Node hashes incrementally, by multihash code */
const STREAMED = new Map<number, string>([[sha256.code, 'sha256'], [sha512.code, 'sha512']])

/**
 * Whether the file at `path` hashes to `multihash`, and its size. SHA-2 is
 * hashed as the file is read, through `buffer` (reused by the caller, so
 * checking a GiB allocates nothing); other functions read the file whole.
 */
export async function fileMatchesMultihash (path: string, multihash: MultihashDigest, buffer: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<{ matches: boolean, size: number }> {
  const algorithm = STREAMED.get(multihash.code)
  if (algorithm === undefined) {
    const bytes = await readFile(path, { signal: options.signal })
    return { matches: await matchesMultihash(multihash, bytes), size: bytes.byteLength }
  }
  const hash = createHash(algorithm)
  const file = await open(path, 'r')
  let size = 0
  try {
    for (;;) {
      options.signal?.throwIfAborted()
      const { bytesRead } = await file.read(buffer, 0, buffer.byteLength, null)
      if (bytesRead === 0) break
      hash.update(buffer.subarray(0, bytesRead))
      size += bytesRead
    }
  } finally {
    await file.close()
  }
  return { matches: equals(new Uint8Array(hash.digest()), multihash.digest), size }
}

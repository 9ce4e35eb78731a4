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

/** A single block, as the Trustless Gateway serves it (`?format=raw`) */
export const MEDIA_RAW = 'application/vnd.ipld.raw'
/** A CARv1 stream (`?format=car`) */
export const MEDIA_CAR = 'application/vnd.ipld.car'

/** What the path gateway spec requires for everything under `/ipfs/`: the content at a CID never changes */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=29030400, immutable'

/** The identity CID of no bytes: the spec's probe path, `GET /ipfs/bafkqaaa` */
export const PROBE_CID = 'bafkqaaa'

/**
 * Formats the path gateway spec names: those this gateway produces, and
 * those it knows but does not produce (406, not 400: the request is well
 * formed, the gateway serves only verifiable responses).
 */
export const PRODUCED_FORMATS = ['raw', 'car'] as const
export const KNOWN_FORMATS = ['raw', 'car', 'tar', 'dag-json', 'dag-cbor', 'json', 'cbor', 'ipns-record'] as const

/**
 * Longest request target (path and query) taken, in bytes. A content path is a
 * CID and names; 8 KiB holds a CIDv1 and thirty 255-byte names. Longer gets 414.
 */
export const MAX_TARGET_BYTES = 8192

/** Most path segments below the root CID resolved: each may cost a block read (or more, through a HAMT) before any answer */
export const MAX_PATH_SEGMENTS = 128

/** Longest path segment, in bytes after percent-decoding (file systems take 255; DAG-CBOR keys may be longer) */
export const MAX_SEGMENT_BYTES = 4096

/** Most IPNS names followed in a row (`/ipns/a` pointing at `/ipns/b`...), as Kubo's resolver limits them */
export const MAX_IPNS_HOPS = 32

/**
 * Blocks read ahead of the CAR being written: enough to keep the disk busy
 * while one block is hashed and sent. Memory held per CAR response is this
 * many blocks, plus what sits in the socket's buffers.
 */
export const CAR_READ_AHEAD = 4

/**
 * Most connections the gateway keeps open at once; more are refused until
 * one closes. With the read-ahead, this bounds the gateway's memory: 128
 * stalled CAR streams of 1 MiB blocks hold about 128 x 5 MiB.
 */
export const MAX_CONNECTIONS = 128

/** Kubo's default for `Gateway.RetrievalTimeout`: how long one block may take to arrive from peers */
export const DEFAULT_RETRIEVAL_TIMEOUT_MS = 30_000

/** Seconds a client is told to wait (`Retry-After`) after a retrieval timed out */
export const RETRY_AFTER_SECONDS = 30

/** How long a stream cut short by an error may take to flush what it already wrote, ms */
export const CUT_STREAM_GRACE_MS = 10_000

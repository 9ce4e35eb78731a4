/**
 * The bulk transfer protocol between dcx peers: the requester sends one
 * length-prefixed dag-cbor request naming a DAG (a scope of it, a byte range
 * of a file, a resume point, blocks it holds); the provider answers with one
 * length-prefixed dag-cbor status and, when it serves, a CARv1 of exactly the
 * blocks asked for, in the order of the walk both sides run
 * (`traversal.ts`), each once. Every limit below is enforced on the side that
 * reads (a peer that exceeds one is dropped, not trusted to stop).
 */
export const BULK_PROTOCOL = '/dcx/bulk/1.0.0'

const KiB = 1024
const MiB = 1024 * KiB

/** Largest request a provider reads: the fixed fields and up to `MAX_HAVE` CIDs */
export const MAX_REQUEST_BYTES = 256 * KiB
/** Largest status message a requester reads before the CAR */
export const MAX_RESPONSE_BYTES = 4 * KiB
/** Largest CAR header a requester reads (ours names one root) */
export const MAX_CAR_HEADER_BYTES = 1 * KiB
/**
 * Largest block either side sends or accepts: Kubo's bitswap limit. Blocks
 * dcx makes are at most 1 MiB (IPIP-499 chunks) plus a node's links.
 */
export const MAX_BLOCK_BYTES = 2 * MiB
/** Largest CAR section (CID and block) a requester reads: a block and a generous CID */
export const MAX_SECTION_BYTES = MAX_BLOCK_BYTES + 256
/** Most CIDs a request may list as held by the requester (about 150 KB of CIDs) */
export const MAX_HAVE = 4096
/** Longest error message a provider sends back */
export const MAX_MESSAGE_CHARS = 512
/**
 * Most blocks one transfer walks (repeats included): a 1 TiB DAG of 1 MiB
 * blocks. Each side keeps the multihashes it has seen, about 100 bytes a
 * block, so this also caps that memory at about 100 MB; a larger DAG goes
 * over bitswap.
 */
export const MAX_BLOCKS = 1_000_000

/** Streams one connection may have open on this protocol at once, each way */
export const MAX_INBOUND_STREAMS = 8
export const MAX_OUTBOUND_STREAMS = 8
/** Transfers a provider serves at once; past it, it answers BUSY and the requester tries another */
export const MAX_CONCURRENT_TRANSFERS = 16

/** How long a provider waits for the request after the stream opens */
export const REQUEST_TIMEOUT_MS = 10_000
/**
 * How long either side waits without progress (no bytes arriving, or no
 * room to send) before it gives the transfer up: a requester then resumes
 * from another provider, a provider frees its slot.
 */
export const IDLE_TIMEOUT_MS = 30_000

/**
 * Requester's read buffer: above the high mark it stops granting the
 * provider stream window (yamux), below the low mark it grants again. The
 * provider can still send the window it already has (at most the muxer's
 * 16 MiB), so memory stays under the high mark plus one window.
 */
export const READ_HIGH_WATER = 4 * MiB
/** At least one whole section, so a read waiting for one is never left paused */
export const READ_LOW_WATER = 2 * MiB + 256
/** Bytes a provider lets wait in a stream's send queue before it queues more (the muxer's window is in flight besides) */
export const SEND_BUFFER_BYTES = 2 * MiB
/** Blocks a provider reads from disk ahead of the one it is sending */
export const SERVER_READ_AHEAD = 8
/** Block writes a requester has in flight while it reads on */
export const CLIENT_WRITES_IN_FLIGHT = 4
/** Blocks fetched at once over bitswap when the bulk path is not available */
export const BITSWAP_WINDOW = 32

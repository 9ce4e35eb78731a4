/** The job protocol: one length-prefixed dag-cbor request, one response, per stream */
export const JOB_PROTOCOL = '/dcx/job/1.0.0'

/** Largest message either side reads: a module plus its spec */
export const MAX_MESSAGE_BYTES = 32 * 2 ** 20

/** Largest answer to a have-request */
export const MAX_HAVE_RESPONSE_BYTES = 1024

/** Most inputs one have-request may ask about */
export const MAX_HAVE_INPUTS = 256

/** How long a requester has to send its request once the stream is open */
export const REQUEST_TIMEOUT_MS = 30_000

/** How long a have-request may take each way */
export const HAVE_TIMEOUT_MS = 3_000

/** Inbound job protocol streams open at once, from all peers */
export const MAX_INBOUND_STREAMS = 256

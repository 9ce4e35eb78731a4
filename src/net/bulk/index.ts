/**
 * The bulk transfer path between dcx peers: a DAG (a scope of it, or a byte
 * range of a file) streamed as a CAR over one libp2p stream, checked block by
 * block as it lands. See `constants.ts` for the protocol and its limits.
 */
export { BULK_PROTOCOL } from './constants.js'
export { BulkService, describeTransfer } from './service.js'
export type { BulkServiceComponents, BulkServiceInit } from './service.js'
export { fetchDag } from './client.js'
export type { BulkProgress, BulkRequester, FetchDagOptions, FetchDagResult, LocalBlocks, ProviderAttempt } from './client.js'
export { ensureLocal, fileRange, localBlocks } from './ensure-local.js'
export type { EnsureLocalOptions, EnsureLocalResult } from './ensure-local.js'
export type { BulkRequest, BulkResponse, DagScope, EntityBytes } from './messages.js'
export { BadBlockError, BulkLimitError, BulkMessageError, BulkProviderError, DagNotFetchedError, NoBulkProtocolError, UnexpectedBlockError } from '../errors.js'

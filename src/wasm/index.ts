/**
 * The deterministic WebAssembly runtime: validate and rewrite a module, then
 * run it against a virtual file tree. Knows nothing of IPFS.
 */
export { RUNTIME_ABI_VERSION, RUNTIME_NAME } from './abi.js'
export { prepareModule, memoryPages, DEFAULT_MEMORY_LIMIT, type PreparedModule, type PrepareOptions } from './prepare.js'
export { runModule, SPILL_PREFIX, DEFAULT_LIMITS, type RunOptions, type RunResult, type RunLimits, type TreeNode, type LazyFile, type LazyDir } from './run.js'
export type { FileExtent, LimitHit, OutputEntry, Status } from './protocol.js'
export { JOB_LIMITS, DEFAULT_JOB_LIMITS, DEFAULT_TIMEOUT_MS, type JobLimitName, type JobLimitValues, type LimitKnob } from './job-limits.js'

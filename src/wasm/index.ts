/**
 * The deterministic WebAssembly runtime: validate and rewrite a module, then
 * run it against a virtual file tree. Knows nothing of IPFS.
 */
export { RUNTIME_ABI_VERSION, RUNTIME_NAME } from './abi.js'
export { prepareModule, memoryPages, type PreparedModule, type PrepareOptions } from './prepare.js'
export { runModule, DEFAULT_LIMITS, type RunOptions, type RunResult, type RunLimits, type TreeNode, type LazyFile } from './run.js'
export type { OutputEntry, Status } from './protocol.js'

/**
 * The runtime ABI: everything about the rewriting and the host that can
 * change a job's result. Its version goes into every job spec and receipt;
 * changing any constant or rule here without bumping the version would make
 * old results unverifiable.
 *
 * 2: inputs are listed lazily (inode numbers follow the job's first look
 * into each directory), and the spec carries the entry and depth limits.
 */
export const RUNTIME_ABI_VERSION = 2

/** Name recorded in receipts */
export const RUNTIME_NAME = 'dcx-v8-wasi-p1'

/** WebAssembly page size */
export const PAGE = 65536

/**
 * Call depth limit in stack slots. A counted function charges
 * `FRAME_OVERHEAD + params + locals + max operand height` slots on entry
 * (v128 values count 2). The worker's host stack is sized so that this many
 * slots fit many times over: see `HOST_STACK_MB` and docs/rationale.md.
 */
export const STACK_LIMIT_SLOTS = 1 << 19
export const FRAME_OVERHEAD = 4

/**
 * Functions that call nothing and whose frame is at most this many slots
 * are not counted: they cannot recurse, and one such frame on top of a full
 * counter still fits the host stack's margin.
 */
export const UNCOUNTED_LEAF_MAX_SLOTS = 256

/** Worker stack size: far above STACK_LIMIT_SLOTS at V8's frame sizes */
export const HOST_STACK_MB = 64

/** Trap reasons the instrumented code writes to `dcx:trap` before `unreachable` */
export const TRAP_OUT_OF_FUEL = 1
export const TRAP_STACK_EXHAUSTED = 2
export const TRAP_HOST_MEMORY = 3

/**
 * Bits of `dcx:limits`, the global where instrumented code records limits
 * the job ran into and went on from (the host reads it after the run).
 */
export const LIMIT_BIT_MEMORY = 1

/** Exports the rewriter adds */
export const EXPORT_FUEL = 'dcx:fuel'
export const EXPORT_TRAP = 'dcx:trap'
export const EXPORT_DEPTH = 'dcx:depth'
export const EXPORT_LIMITS = 'dcx:limits'
export const EXPORT_START = 'dcx:start'

/** Virtual world */
export const EPOCH_NS = 1_704_067_200_000_000_000n // 2024-01-01T00:00:00Z
/** Virtual time advances 1 ns per unit of fuel */
export const NS_PER_FUEL = 1n

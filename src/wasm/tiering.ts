import { setFlagsFromString } from 'node:v8'

/**
 * With `optimize`, have V8 compile the job's functions with its optimizing
 * tier (TurboFan) from their first call, until the returned function is
 * called; without, its baseline tier first, as V8 does by default. V8 starts
 * WebAssembly in its baseline tier (Liftoff) and moves a hot function to
 * TurboFan only for its next call: it has no on-stack replacement for
 * WebAssembly, so a loop that runs inside one call for the whole job (a
 * per-file loop over a large input) would stay in baseline code to the end,
 * at about 1.4x the time. Batch jobs pay TurboFan's compile time gladly, as
 * wasmtime compiles every function with Cranelift ahead of time.
 *
 * V8's flags belong to the process, and Node checks its built-in code cache
 * against them: a worker that starts while the flag is set compiles Node's
 * own modules from source (about 9 ms). So the flag is set by the job's
 * worker after it has started, not on the command line, and cleared when
 * the job's code has run, so that the next job's worker starts from the
 * cache. Every job sets the flag to what it wants, `optimize` or not, so a
 * worker that was terminated (a timeout) before it could clear the flag
 * does not hand it to the next job. Two jobs that overlap in one daemon may
 * each see the other's setting; that moves speed, never a result: the tier
 * a function runs in is not observable to the job (fuel, the call-depth
 * counter and NaNs are the rewrite's, not the compiler's). See
 * docs/rationale.md, "Why the job's code is compiled by TurboFan from the
 * start".
 */
export function compileTier (optimize: boolean): () => void {
  setFlagsFromString(optimize ? '--no-liftoff' : '--liftoff')
  return () => { if (optimize) setFlagsFromString('--liftoff') }
}

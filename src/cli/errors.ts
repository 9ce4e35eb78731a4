import { DcxError, storageFailure } from '../errors.js'

/** How the CLI reports a failure: one line, a stable code, an exit code */
export interface ErrorReport {
  code: string
  message: string
  exitCode: number
}

/** Exit codes, also listed in the README */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  internal: 70,
  interrupted: 130
} as const

/** `dcx run`'s exit code for a job's outcome (also in the README) */
export const JOB_EXIT: Record<string, number> = {
  exit: 3, // the job exited non-zero (exit 0 gives 0)
  'out-of-fuel': 4,
  'stack-exhausted': 5,
  trap: 6,
  timeout: 7,
  /** not a job status: replicas of the job disagreed */
  disagreed: 8,
  /** not a job status: a map run's shards did not all exit 0 */
  'shards-failed': 9
}

/** The exit code for a job that ended with `status` (and `exitCode` for status exit) */
export function jobExitCode (status: string, exitCode: number | null | undefined): number {
  if (status === 'exit' && exitCode === 0) return EXIT.ok
  return JOB_EXIT[status] ?? EXIT.error
}

/**
 * The one place that turns any thrown value into what the user sees. Our
 * own errors carry their message and exit code; a full disk, a read-only
 * file system or a refused permission anywhere in the `cause` chain (stores
 * wrap the OS error, LevelDB keeps it only as text) is the user's to fix, not
 * a bug; oclif's parse errors are usage errors; anything else is a bug,
 * reported in one line (the stack is printed only with DEBUG set).
 */
export function describeError (err: any, command?: string): ErrorReport {
  if (err instanceof DcxError) return { code: err.code, message: err.message, exitCode: err.exitCode }
  const storage = storageFailure(err)
  if (storage !== undefined) return { code: storage.code, message: storage.message, exitCode: storage.exitCode }
  if (err?.name === 'AbortError') return { code: 'ERR_ABORTED', message: 'interrupted: nothing was pinned or half-written', exitCode: EXIT.interrupted }
  if (err?.oclif != null) return { code: 'ERR_USAGE', message: `${usageText(err)} (see \`dcx ${command !== undefined ? `${command} ` : ''}--help\`)`, exitCode: err.oclif.exit ?? EXIT.usage }
  const message = String(err?.message ?? err).split('\n')[0]
  return { code: err?.code ?? 'ERR_INTERNAL', message: `unexpected error: ${message} (set DEBUG=dcx for details)`, exitCode: EXIT.internal }
}

/**
 * oclif's parse errors in one line: they span lines ("Parsing --x\n\tExpected
 * ..."), may be coloured, and a missing argument comes with a note on flags
 * that take several values, which is no help to someone who left it out.
 */
function usageText (err: { message?: string, args?: Array<{ name?: string, description?: string }> }): string {
  const text = String(err.message ?? '')
  if (text.startsWith('Missing ') && Array.isArray(err.args) && err.args.length > 0) {
    return err.args.map(a => `missing argument ${(a.name ?? '').toUpperCase()}${a.description !== undefined ? ` (${a.description})` : ''}`).join('; ')
  }
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').split('\n').map(l => l.trim())
    .filter(l => l !== '' && !l.startsWith('See more help')).join(': ')
}

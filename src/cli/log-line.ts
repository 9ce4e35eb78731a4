/**
 * An event line of the running daemon, stamped with the time in ISO 8601
 * UTC (as Kubo's log lines are); the start-up lines above "ready" are not,
 * so that scripts match them as they match Kubo's "Daemon is ready".
 */
export function logLine (line: string, now: Date = new Date()): string {
  return `${now.toISOString()} ${line}`
}

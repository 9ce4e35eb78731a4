import { JOB_EXIT, jobExitCode } from './errors.js'
import type { MapSummary } from '../ops/jobs/map.js'

/** `dcx run --map`'s exit code: replicas that disagreed first, then a shard that did not exit 0, else the reduce's */
export function mapExitCode (s: MapSummary): number {
  if (s.disagreements.length > 0) return JOB_EXIT.disagreed
  if (s.failed.length > 0) return JOB_EXIT['shards-failed']
  return s.reduce === null ? 0 : jobExitCode(s.reduce.status, s.reduce.exitCode)
}

/** The lines `dcx run --map` prints: the run, where its shards ran, the failures, then the reduce's stdout */
export function mapReport (s: MapSummary): { out: string[], warnings: string[], stdout: string } {
  const ran = s.shards.filter(x => !x.cached)
  const byExecutor = new Map<string, number>()
  for (const x of ran) byExecutor.set(x.executor, (byExecutor.get(x.executor) ?? 0) + 1)
  const where = [...byExecutor].map(([peer, n]) => `${n} on ${peer}`).join(', ')
  const cached = s.shards.length - ran.length
  const out = [
    `job      ${s.job}`,
    `shards   ${s.shards.length}: ${ran.length} ran${ran.length > 0 ? ` (${where})` : ''}${cached > 0 ? `, ${cached} cached` : ''}${s.cached ? ' (the whole run: cached)' : ''}`
  ]
  if (s.failed.length > 0) {
    const failures = s.shards.filter(x => s.failed.includes(x.name)).map(x => `${x.name} (${x.status === 'exit' ? `exit ${x.exitCode}` : x.status})`)
    out.push(`failed   ${failures.join(', ')}`)
  }
  if (s.reduce !== null) out.push(`reduce   ${s.reduce.status === 'exit' ? `exit ${s.reduce.exitCode}` : s.reduce.status}`)
  out.push(`output   ${s.output}`, `receipt  ${s.receipt}`)
  const warnings = s.attempts.map(a => `shard ${a.shard}: ${a.why ?? `peer ${a.peer} failed`}; tried the next holder`)
  for (const d of s.disagreements) warnings.push(`shard ${d.shard}: replicas disagree: ${d.dissenters.join(', ')} claimed another result (the accepted one is stored)`)
  if (s.failed.length > 0 && s.reduce === null) warnings.push(`${s.failed.length} shard(s) did not exit 0, so the reduce did not run: see \`dcx cat <shard output>/stderr\` (--json lists them)`)
  return { out, warnings, stdout: s.reduce?.stdout ?? '' }
}

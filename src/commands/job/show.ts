import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../../cli/base.js'
import { jobShowOp } from '../../ops/jobs/job.js'
import { JOB_LIMITS } from '../../wasm/job-limits.js'
import { mapReport } from '../../cli/map-report.js'
import type { JobShowJson } from '../../ops/jobs/job.js'
import type { MapSummary } from '../../ops/jobs/map.js'
import type { JobLimitName } from '../../wasm/job-limits.js'

function limitText (name: JobLimitName, value: number): string {
  if (JOB_LIMITS[name].unit === 'size') {
    for (const [unit, n] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
      if (value >= n && value % n === 0) return `${name} ${value / n}${unit}`
    }
  }
  return `${name} ${value}`
}

export default class JobShow extends DcxCommand {
  static override summary = 'Show a job: its spec and, from its receipt, its result'
  static override description = `Prints the job's module (CID and name), inputs with their mount paths, args, env, limits, seed and runtime ABI; then, from its receipt (the one given, or the job's latest), status, executor, fuel, time and output.

--file prints a job file instead: \`dcx run -f\` of it runs the same job (the same job CID).

Given a map run (the job or receipt \`dcx run --map\` printed), prints the run as \`run --map\` does, from the receipts in the repo (--json: the same summary).`

  static override examples = [
    '<%= config.bin %> job show <job-cid>',
    '<%= config.bin %> job show <receipt-cid> --json',
    '<%= config.bin %> job show <job-cid> --file > job.yaml && <%= config.bin %> run -f job.yaml'
  ]

  static override args = { cid: Args.string({ required: true, description: 'a job CID or a receipt CID (a single job\'s or a map run\'s)' }) }
  static override flags = {
    file: Flags.boolean({ description: 'print a job file (YAML) that runs as this same job', exclusive: ['json'] })
  }

  async run (): Promise<JobShowJson | MapSummary> {
    const { args, flags } = await this.parse(JobShow)
    const job = await this.session(flags.repo).run(jobShowOp, { cid: args.cid, file: flags.file }, { signal: this.signal })
    if ('shards' in job) {
      if (this.jsonEnabled()) return job
      const { out, stdout } = mapReport(job)
      for (const l of out) this.log(l)
      if (stdout !== '') {
        this.log('')
        await this.writeStdout(Buffer.from(stdout))
      }
      return job
    }
    if (flags.file) {
      process.stdout.write(job.file ?? '')
      return job
    }
    const line = (k: string, v: string): void => this.log(`${k.padEnd(9)}${v}`)
    line('job', job.job)
    line('module', `${job.module} (${job.name})`)
    for (const i of job.inputs) line('input', `${i.cid} at ${i.path}`)
    if (job.inputs.length === 0) line('inputs', 'none')
    line('args', JSON.stringify(job.args))
    for (const [k, v] of job.env) line('env', `${k}=${v}`)
    line('limits', (Object.keys(JOB_LIMITS) as JobLimitName[]).map(k => limitText(k, job.limits[k])).join(', '))
    line('seed', job.seed === '' ? 'none' : job.seed)
    line('runtime', `ABI ${job.runtime.abi}`)
    const r = job.receipt
    if (r === null) {
      line('receipt', 'none here (it has not run in this repo)')
      return job
    }
    line('receipt', String(r.receipt))
    line('status', r.status === 'exit' ? `exit ${String(r.exitCode)}` : r.status === 'trap' ? `trap (${String(r.trap)})` : String(r.status))
    if (Array.isArray(r.limitsHit)) line('limits hit', r.limitsHit.join(', '))
    line('executor', String(r.executor))
    line('fuel', String(r.fuel))
    line('time', String(r.time))
    line('output', String(r.output))
    return job
  }
}

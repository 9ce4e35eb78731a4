import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../../cli/base.js'
import { JOB_STATUS_FILTERS, jobLsOp } from '../../ops/jobs/job.js'
import { idOp } from '../../ops/net/id.js'
import type { JobRecord } from '../../jobs/history.js'

function statusText (r: JobRecord): string {
  return r.status === 'exit' ? `exit ${String(r.exitCode)}` : r.status === 'trap' ? `trap (${String(r.trap)})` : r.status
}

export default class JobLs extends DcxCommand {
  static override summary = 'List the jobs run from this repo, newest first'
  static override description = `One line per run: when it answered, the job CID, the module's name, its status, who ran it (here, or a peer's ID), how long it took (cached: answered from an earlier receipt), and its inputs with their mount paths.

The history holds every \`dcx run\` that gave an answer (a result or a timeout), the last 10,000 of them: runs here, runs on peers (--on), answers from a receipt, and map runs (\`run --map\`: the run's job and receipt, its map module, its input directory at /inputs, status \`exit 0\` or \`shards-failed\`; \`dcx job show\` of its job shows the shards). Jobs a daemon ran for other peers are in its log, not here.`

  static override examples = [
    '<%= config.bin %> job ls',
    '<%= config.bin %> job ls -n 5 --status failed',
    '<%= config.bin %> job ls --module wordcount --input <cid> --json'
  ]

  static override flags = {
    number: Flags.integer({ char: 'n', min: 0, default: 20, description: 'list at most this many (0: all)' }),
    status: Flags.string({ options: [...JOB_STATUS_FILTERS], description: 'only runs with this status (ok: exit 0; failed: anything else)' }),
    module: Flags.string({ description: 'only runs of this module (its name, argv[0], or CID)' }),
    input: Flags.string({ description: 'only runs with this input CID' })
  }

  async run (): Promise<JobRecord[]> {
    const { flags } = await this.parse(JobLs)
    const records = await this.session(flags.repo).run(jobLsOp, {
      limit: flags.number,
      status: flags.status as typeof JOB_STATUS_FILTERS[number] | undefined,
      module: flags.module,
      input: flags.input
    }, { signal: this.signal })
    const self = records.length > 0 ? (await this.session(flags.repo).run(idOp, {}, { signal: this.signal })).ID : undefined
    for (const r of records) {
      const where = r.executor === null ? '-' : r.executor === self ? 'here' : r.executor
      const took = r.via === 'cached' || (r.via === 'map' && r.durationMs === null) ? 'cached' : r.durationMs === null ? '-' : `${(r.durationMs / 1000).toFixed(2)}s`
      const inputs = r.inputs.length === 0 ? '-' : r.inputs.map(i => `${i.cid}:${i.path}`).join(' ')
      this.log([r.time.replace(/\.\d+Z$/, 'Z'), r.job, r.name, statusText(r), where, took, inputs].join('  '))
    }
    return records
  }
}

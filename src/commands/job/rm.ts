import * as Args from '@oclif/core/args'
import { DcxCommand } from '../../cli/base.js'
import { jobRmOp } from '../../ops/jobs/job.js'
import type { JobRmJson } from '../../ops/jobs/job.js'

export default class JobRm extends DcxCommand {
  static override summary = 'Unpin a job\'s artifacts so `dcx repo gc` reclaims them'
  static override description = `Unpins what the job pinned under its name (module, spec, output, receipts: \`job <job-cid> <role>\` in \`dcx pin ls\`) and forgets its receipt and history. A module or output another job in the repo still uses stays pinned, renamed for that job; anything a user pinned (named or not) stays; inputs are never touched. The blocks go with the next \`dcx repo gc\`.`

  static override examples = ['<%= config.bin %> job rm <job-cid>', '<%= config.bin %> job rm <job-cid> && <%= config.bin %> repo gc']
  static override args = { job: Args.string({ required: true, description: 'the job CID (as `dcx run` or `dcx job ls` print it)' }) }

  async run (): Promise<JobRmJson> {
    const { args, flags } = await this.parse(JobRm)
    const out = await this.session(flags.repo).run(jobRmOp, { job: args.job }, { signal: this.signal })
    for (const a of out.artifacts) this.log(`${a.action.padEnd(8)} ${a.cid} ${a.role}${a.why !== undefined ? ` (${a.why})` : ''}`)
    this.log(`removed job ${out.job}: \`dcx repo gc\` frees what was unpinned`)
    return out
  }
}

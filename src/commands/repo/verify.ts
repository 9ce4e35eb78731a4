import { DcxCommand } from '../../cli/base.js'
import { progressBar } from '../../cli/progress.js'
import { repoVerifyOp } from '../../ops/data/repo.js'
import { kuboLine, kuboRepoVerify } from '../../ops/kubo.js'
import type { Problem } from '../../data/verify.js'

export default class RepoVerify extends DcxCommand {
  static override summary = 'Re-hash every block and check that every pin is complete'
  static override description = 'Exits 0 and prints "verified repo integrity" when all is well; otherwise lists each problem and exits 1. --json prints Kubo\'s lines: `{"Msg": "", "Progress": N}` per block checked, `{"Msg": "<cid>: <problem>"}` per problem, and `{"Msg": "verify complete, all blocks validated."}` when there is none.'
  static override examples = ['<%= config.bin %> repo verify']

  async run (): Promise<void> {
    const { flags } = await this.parse(RepoVerify)
    const json = this.jsonEnabled()
    const bar = progressBar('verifying', undefined, 'blocks')
    let problems: Problem[]
    try {
      problems = await this.session(flags.repo).run(repoVerifyOp, {}, {
        signal: this.signal,
        onProgress: e => {
          const { done } = e.detail as { done: number }
          if (json) process.stdout.write(kuboLine(kuboRepoVerify.progress(done)))
          else bar.update(done)
        }
      })
    } finally {
      bar.stop()
    }
    if (problems.length > 0) process.exitCode = 1
    if (this.kuboJson(() => problems.length > 0 ? problems.map(p => kuboRepoVerify.problem(p.cid, p.problem)) : [kuboRepoVerify.done()])) return
    for (const p of problems) this.log(`${p.cid}: ${p.problem}`)
    if (problems.length === 0) this.log('verified repo integrity')
  }

}

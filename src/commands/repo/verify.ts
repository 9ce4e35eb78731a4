import { DcxCommand } from '../../cli/base.js'
import { progressBar } from '../../cli/progress.js'
import { repoVerifyOp } from '../../ops/data/repo.js'
import type { Problem } from '../../data/verify.js'

export default class RepoVerify extends DcxCommand {
  static override summary = 'Re-hash every block and check that every pin is complete'
  static override description = 'Exits 0 and prints "verified repo integrity" when all is well; otherwise lists each problem and exits 1.'
  static override examples = ['<%= config.bin %> repo verify']

  async run (): Promise<{ ok: boolean, problems: Problem[] }> {
    const { flags } = await this.parse(RepoVerify)
    const bar = progressBar('verifying', undefined, 'blocks')
    let problems: Problem[]
    try {
      problems = await this.session(flags.repo).run(repoVerifyOp, {}, { signal: this.signal, onProgress: e => bar.update((e.detail as { done: number }).done) })
    } finally {
      bar.stop()
    }
    for (const p of problems) this.log(`${p.cid}: ${p.problem}`)
    if (problems.length === 0) this.log('verified repo integrity')
    else process.exitCode = 1
    return { ok: problems.length === 0, problems }
  }

}

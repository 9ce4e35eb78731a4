import { DcxCommand } from '../../cli/base.js'
import { withRepo } from '../../cli/open.js'
import { runningDaemon } from '../../cli/daemon.js'
import { progressBar } from '../../cli/progress.js'
import { verifyBlocks, verifyPins } from '../../data/verify.js'
import type { Problem } from '../../data/verify.js'

export default class RepoVerify extends DcxCommand {
  static override summary = 'Re-hash every block and check that every pin is complete'
  static override description = 'Exits 0 and prints "verified repo integrity" when all is well; otherwise lists each problem and exits 1.'
  static override examples = ['<%= config.bin %> repo verify']

  async run (): Promise<{ ok: boolean, problems: Problem[] }> {
    const { flags } = await this.parse(RepoVerify)
    const root = this.repoRoot(flags.repo)
    const daemon = await runningDaemon(root)
    const problems = daemon !== undefined ? await daemon.call<Problem[]>('/v0/repo/verify') : await withRepo(root, 'repo verify', async repo => {
      const found: Problem[] = []
      const bar = progressBar('verifying', undefined, 'blocks')
      try {
        for await (const p of verifyBlocks(repo.blockstore, { signal: this.signal, onProgress: e => bar.update(e.detail.done) })) found.push(p)
      } finally {
        bar.stop()
      }
      for await (const { problem } of verifyPins(repo.pins, repo.blockstore, { signal: this.signal })) {
        if (problem != null) found.push({ cid: problem.cid, problem: `pin broken: ${problem.problem}` })
      }
      return found
    }, { useReserve: true })
    for (const p of problems) this.log(`${p.cid}: ${p.problem}`)
    if (problems.length === 0) this.log('verified repo integrity')
    else process.exitCode = 1
    return { ok: problems.length === 0, problems }
  }
}

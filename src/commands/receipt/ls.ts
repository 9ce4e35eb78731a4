import { DcxCommand } from '../../cli/base.js'
import { loadReceipt, ReceiptIndex } from '../../jobs/receipts.js'
import { runningDaemon } from '../../cli/daemon.js'
import { withRepo } from '../../cli/open.js'

export default class ReceiptLs extends DcxCommand {
  static override summary = 'List the receipts in the repo: receipt, job, status, time'
  static override examples = ['<%= config.bin %> receipt ls', '<%= config.bin %> receipt ls --json']

  async run (): Promise<Array<Record<string, unknown>>> {
    const { flags } = await this.parse(ReceiptLs)
    const root = this.repoRoot(flags.repo)
    const daemon = await runningDaemon(root)
    const out: Array<Record<string, any>> = daemon !== undefined
      ? await daemon.call('/v0/receipts/ls')
      : await withRepo(root, 'receipt ls', async repo => {
        const list = []
        for await (const { job, receipt } of new ReceiptIndex(repo.datastore).ls({ signal: this.signal })) {
          const r = await loadReceipt(receipt, repo.blockstore)
          list.push({ receipt: receipt.toString(), job: job.toString(), status: r.status, exitCode: r.exitCode, time: r.time, output: r.output.toString() })
        }
        return list
      })
    for (const r of out) this.log(`${r.receipt} ${r.job} ${r.status === 'exit' ? `exit ${r.exitCode}` : r.status} ${r.time}`)
    return out
  }
}

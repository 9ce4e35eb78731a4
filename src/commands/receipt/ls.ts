import { DcxCommand } from '../../cli/base.js'
import { loadReceipt, ReceiptIndex } from '../../jobs/receipts.js'
import { withRepo } from '../../cli/open.js'

export default class ReceiptLs extends DcxCommand {
  static override summary = 'List the receipts in the repo: receipt, job, status, time'
  static override examples = ['<%= config.bin %> receipt ls', '<%= config.bin %> receipt ls --json']

  async run (): Promise<Array<Record<string, unknown>>> {
    const { flags } = await this.parse(ReceiptLs)
    return await withRepo(this.repoRoot(flags.repo), 'receipt ls', async repo => {
      const out = []
      for await (const { job, receipt } of new ReceiptIndex(repo.datastore).ls({ signal: this.signal })) {
        const r = await loadReceipt(receipt, repo.blockstore)
        const status = r.status === 'exit' ? `exit ${r.exitCode}` : r.status
        this.log(`${receipt} ${job} ${status} ${r.time}`)
        out.push({ receipt: receipt.toString(), job: job.toString(), status: r.status, exitCode: r.exitCode, time: r.time, output: r.output.toString() })
      }
      return out
    })
  }
}

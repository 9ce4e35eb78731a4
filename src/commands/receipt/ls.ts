import { DcxCommand } from '../../cli/base.js'
import { receiptLsOp } from '../../ops/jobs/receipts.js'
import type { ReceiptLine } from '../../ops/jobs/receipts.js'

export default class ReceiptLs extends DcxCommand {
  static override summary = 'List the receipts in the repo: receipt, job, status, time'
  static override examples = ['<%= config.bin %> receipt ls', '<%= config.bin %> receipt ls --json']

  async run (): Promise<ReceiptLine[]> {
    const { flags } = await this.parse(ReceiptLs)
    const out = await this.session(flags.repo).run(receiptLsOp, {}, { signal: this.signal })
    for (const r of out) this.log(`${r.receipt} ${r.job} ${r.status === 'exit' ? `exit ${r.exitCode}` : r.status} ${r.time}`)
    return out
  }

}

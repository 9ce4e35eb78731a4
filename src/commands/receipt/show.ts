import * as Args from '@oclif/core/args'
import { DcxCommand } from '../../cli/base.js'
import { receiptShowOp } from '../../ops/jobs/receipts.js'

export default class ReceiptShow extends DcxCommand {
  static override summary = 'Show a receipt'
  static override examples = ['<%= config.bin %> receipt show <receipt-cid>', '<%= config.bin %> receipt show <receipt-cid> --json']
  static override args = { cid: Args.string({ required: true, description: 'receipt CID' }) }

  async run (): Promise<Record<string, unknown>> {
    const { args, flags } = await this.parse(ReceiptShow)
    const json = await this.session(flags.repo).run(receiptShowOp, { receipt: args.cid }, { signal: this.signal })
    for (const [k, v] of Object.entries(json)) this.log(`${k.padEnd(10)}${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
    return json
  }
}

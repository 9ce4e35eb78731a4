import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../../cli/base.js'
import { receiptExportOp } from '../../ops/jobs/receipts.js'

export default class ReceiptExport extends DcxCommand {
  static override summary = 'Write a verification bundle: one CAR with the receipt and every block needed to check it'
  static override description = 'The bundle holds the receipt, the job spec, the module, the inputs and the outputs, so `dcx verify bundle.car` works offline on another machine.'
  static override examples = ['<%= config.bin %> receipt export <receipt-cid> -o bundle.car']
  static override args = { cid: Args.string({ required: true, description: 'receipt CID' }) }
  static override flags = {
    output: Flags.string({ char: 'o', required: true, description: 'the CAR file to write (whole or not at all)' })
  }

  async run (): Promise<{ receipt: string, output: string }> {
    const { args, flags } = await this.parse(ReceiptExport)
    const out = await this.session(flags.repo).run(receiptExportOp, { receipt: args.cid, output: flags.output }, { signal: this.signal })
    this.log(`exported receipt ${out.receipt} and everything needed to verify it to ${out.output}`)
    return out
  }

}

import { Args } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
import { dagGetOp } from '../../ops/data/dag.js'

export default class DagGet extends DcxCommand {
  static override summary = 'Print one block as dag-json (dag-cbor, dag-pb, dag-json or raw), as Kubo\'s dag get'
  static override description = 'A job spec or a receipt shows its fields, a UnixFS directory its links (`Hash`, `Name`, `Tsize`), a raw block its bytes; links are printed as {"/": "<cid>"}, not followed. `dcx job show` reads a job or a receipt more easily.'
  static override examples = ['<%= config.bin %> dag get <job-cid>', '<%= config.bin %> dag get <dir-cid> --json']
  static override args = { cid: Args.string({ required: true, description: 'the CID of a block' }) }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(DagGet)
    const text = await this.session(flags.repo).run(dagGetOp, { cid: args.cid }, { signal: this.signal })
    if (this.jsonEnabled()) return JSON.parse(text)
    // Kubo prints the dag-json alone; a newline ends it here so a shell prompt does not follow it on its line
    this.log(text)
    return undefined
  }
}

import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../../cli/base.js'
import { fetchFlags, fetchOptions } from '../../cli/fetch-flags.js'
import { dagGetOp } from '../../ops/data/dag-get.js'

export default class DagGet extends DcxCommand {
  static override summary = 'Print an IPLD node (dag-pb, dag-cbor, dag-json, raw) as dag-json'
  static override description = `As Kubo's \`ipfs dag get\`: the node at <cid>[/path], encoded as dag-json (or --output-codec dag-cbor). A path walks map keys, list indexes and dag-pb link names, following links into other blocks. A dag-pb node is shown as its spec's {"Data", "Links": [{"Hash", "Name", "Tsize"}]}, a raw block as {"/": {"bytes": ...}}. With --json the output is the same (it is JSON already).`

  static override examples = [
    '<%= config.bin %> dag get <receipt-cid>',
    '<%= config.bin %> dag get <job-cid>/limits/fuel',
    '<%= config.bin %> dag get <dir-cid>/Links/0/Hash'
  ]

  static override args = { target: Args.string({ required: true, description: '<cid>[/path]' }) }
  static override flags = {
    'output-codec': Flags.string({ options: ['dag-json', 'dag-cbor'], default: 'dag-json', description: 'the codec to write the node in' }),
    ...fetchFlags
  }

  async run (): Promise<void> {
    const { args, flags } = await this.parse(DagGet)
    const fetch = fetchOptions(this.signal, flags)
    const out = await this.session(flags.repo).run(dagGetOp, { target: args.target, codec: flags['output-codec'] as 'dag-json' | 'dag-cbor' }, fetch.options).finally(fetch.done)
    for await (const chunk of out) await this.writeStdout(chunk)
  }

}

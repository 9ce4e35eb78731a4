import { resolve } from 'node:path'
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../../cli/base.js'
import { dagPutOp } from '../../ops/data/dag-put.js'

export default class DagPut extends DcxCommand {
  static override summary = 'Store one IPLD node from a file (dag-json in, dag-cbor stored by default)'
  static override description = `The file holds the node in --input-codec; it is stored as one block (at most 2 MiB) in --store-codec under a CIDv1 with SHA-256.
--json prints Kubo's {"Cid": {"/": <cid>}}.`

  static override examples = ['<%= config.bin %> dag put node.json', '<%= config.bin %> dag put node.json --store-codec dag-json --pin']
  static override args = { file: Args.string({ required: true, description: 'the node, encoded in --input-codec' }) }
  static override flags = {
    'input-codec': Flags.string({ options: ['dag-json', 'dag-cbor'], default: 'dag-json', description: 'how the file is encoded' }),
    'store-codec': Flags.string({ options: ['dag-json', 'dag-cbor'], default: 'dag-cbor', description: 'how the block is stored' }),
    pin: Flags.boolean({ description: 'pin the node recursively (its links must be here)' })
  }

  async run (): Promise<void> {
    const { flags, args } = await this.parse(DagPut)
    const put = await this.session(flags.repo).run(dagPutOp, {
      file: resolve(args.file),
      name: args.file,
      inputCodec: flags['input-codec'] as 'dag-json',
      storeCodec: flags['store-codec'] as 'dag-cbor',
      pin: flags.pin
    }, { signal: this.signal })
    if (this.kuboJson(() => [put])) return
    this.log(put.Cid['/'])
  }
}

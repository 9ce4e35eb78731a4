import { resolve } from 'node:path'
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../../cli/base.js'
import { blockPutOp } from '../../ops/data/block.js'

export default class BlockPut extends DcxCommand {
  static override summary = 'Store files as single blocks, hashed here, under a codec'
  static override description = `Each file is one block (at most 2 MiB, Kubo's limit), stored under a CIDv1 with SHA-256. A file that does not decode under --cid-codec stores nothing.
--json prints Kubo's {"Key", "Size"} per block.`

  static override examples = ['<%= config.bin %> block put data.bin', '<%= config.bin %> block put node.cbor --cid-codec dag-cbor --pin']
  static override strict = false
  static override args = { file: Args.string({ required: true, description: 'files, each one block' }) }
  static override flags = {
    'cid-codec': Flags.string({ options: ['raw', 'dag-pb', 'dag-cbor', 'dag-json'], default: 'raw', description: 'the codec the CID names (the bytes must decode under it)' }),
    mhtype: Flags.string({ options: ['sha2-256'], default: 'sha2-256', description: 'the hash function' }),
    pin: Flags.boolean({ description: 'pin each block recursively (its links must be here)' })
  }

  async run (): Promise<void> {
    const { flags, argv } = await this.parse(BlockPut)
    const files = argv as string[]
    const put = await this.session(flags.repo).run(blockPutOp, {
      files: files.map(f => resolve(f)),
      names: files,
      codec: flags['cid-codec'] as 'raw',
      hash: flags.mhtype as 'sha2-256',
      pin: flags.pin
    }, { signal: this.signal })
    if (this.kuboJson(() => put)) return
    for (const b of put) this.log(b.Key)
  }
}

import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../../cli/base.js'
import { pinLsOp } from '../../ops/data/pin.js'
import { kuboPinLs } from '../../ops/kubo.js'

export default class PinLs extends DcxCommand {
  static override summary = 'List pins: <cid> <type> [<size>] [<name>]'
  static override description = 'A job\'s artifacts are pinned under names that say which job they belong to (`job <job-cid> module|spec|output|receipt`); `--name` lists only pins whose name holds a text. `--size` adds each DAG\'s size in bytes as its root block declares it (dag-pb: the root plus its links\' cumulative sizes; other codecs: the root block; `-` when the root is not here), read from the root alone. --json prints Kubo\'s `{"Keys": {<cid>: {"Type", "Name"}}}` (with `--size`, a `Size` too).'
  static override examples = ['<%= config.bin %> pin ls', '<%= config.bin %> pin ls --type recursive -q', '<%= config.bin %> pin ls --name weather', '<%= config.bin %> pin ls --size']
  static override flags = {
    type: Flags.string({ char: 't', options: ['all', 'recursive', 'direct'], default: 'all', description: 'which pins to list' }),
    quiet: Flags.boolean({ char: 'q', description: 'print only the CIDs' }),
    name: Flags.string({ description: 'only pins whose name contains this text' }),
    size: Flags.boolean({ description: 'print each DAG\'s size in bytes, as its root declares it' })
  }

  async run (): Promise<void> {
    const { flags } = await this.parse(PinLs)
    const out = await this.session(flags.repo).run(pinLsOp, { type: flags.type as 'all' | 'recursive' | 'direct', name: flags.name, size: flags.size || undefined }, { signal: this.signal })
    if (this.kuboJson(() => kuboPinLs(out))) return
    for (const pin of out) this.log(flags.quiet ? pin.cid : `${pin.cid} ${pin.type}${pin.size !== undefined ? ` ${pin.size ?? '-'}` : ''}${pin.name !== undefined ? ` ${pin.name}` : ''}`)
  }

}

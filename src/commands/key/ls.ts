import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../../cli/base.js'
import { keyListOp } from '../../ops/net/keys.js'
import type { KeyJson } from '../../ops/net/keys.js'

export default class KeyLs extends DcxCommand {
  static override summary = 'List the repo\'s keys'
  static override examples = ['<%= config.bin %> key ls', '<%= config.bin %> key ls -l', '<%= config.bin %> key ls --json']
  static override flags = { long: Flags.boolean({ char: 'l', description: 'show each key\'s IPNS name too' }) }

  async run (): Promise<{ Keys: KeyJson[] }> {
    const { flags } = await this.parse(KeyLs)
    const out = await this.session(flags.repo).run(keyListOp, {}, { signal: this.signal })
    for (const k of out.Keys) this.log(flags.long ? `${k.Id} ${k.Name}` : k.Name)
    return out
  }

}

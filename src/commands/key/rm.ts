import * as Args from '@oclif/core/args'
import { DcxCommand } from '../../cli/base.js'
import { keyRmOp } from '../../ops/net/keys.js'
import type { KeyJson } from '../../ops/net/keys.js'

export default class KeyRm extends DcxCommand {
  static override summary = 'Remove a key (records it signed stay valid until their lifetime ends)'
  static override examples = ['<%= config.bin %> key rm results']
  static override args = { name: Args.string({ required: true, description: 'key name' }) }

  async run (): Promise<{ Keys: KeyJson[] }> {
    const { args, flags } = await this.parse(KeyRm)
    const out = await this.session(flags.repo).run(keyRmOp, { name: args.name }, { signal: this.signal })
    this.log(out.Keys[0].Id)
    return out
  }

}

import * as Args from '@oclif/core/args'
import { DcxCommand } from '../../cli/base.js'
import { keyGenOp } from '../../ops/net/keys.js'
import type { KeyJson } from '../../ops/net/keys.js'

export default class KeyGen extends DcxCommand {
  static override summary = 'Create a new Ed25519 key for publishing IPNS names'
  static override description = 'Prints the key\'s IPNS name (k51...), as `ipfs key gen` does. Keys live in the repo\'s keystore/ folder, readable by the owner only; `self` is the repo\'s identity.'
  static override examples = ['<%= config.bin %> key gen results', '<%= config.bin %> name publish --key results <cid>']
  static override args = { name: Args.string({ required: true, description: 'key name: letters, digits, ".", "_" or "-"' }) }

  async run (): Promise<KeyJson> {
    const { args, flags } = await this.parse(KeyGen)
    const key = await this.session(flags.repo).run(keyGenOp, { name: args.name }, { signal: this.signal })
    this.log(key.Id)
    return key
  }

}

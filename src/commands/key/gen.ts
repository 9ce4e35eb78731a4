import { Args } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
import { Keystore } from '../../repo/keystore.js'
import { readIdentity } from '../../repo/repo.js'

export default class KeyGen extends DcxCommand {
  static override summary = 'Create a new Ed25519 key for publishing IPNS names'
  static override description = 'Prints the key\'s IPNS name (k51...), as `ipfs key gen` does. Keys live in the repo\'s keystore/ folder, readable by the owner only; `self` is the repo\'s identity.'
  static override examples = ['<%= config.bin %> key gen results', '<%= config.bin %> name publish --key results <cid>']
  static override args = { name: Args.string({ required: true, description: 'key name: letters, digits, ".", "_" or "-"' }) }

  async run (): Promise<{ Name: string, Id: string }> {
    const { args, flags } = await this.parse(KeyGen)
    const root = this.repoRoot(flags.repo)
    await readIdentity(root) // a clear "run dcx init" on a folder that is not a repo
    const key = await new Keystore(root).generate(args.name)
    this.log(key.id)
    return { Name: key.name, Id: key.id }
  }
}

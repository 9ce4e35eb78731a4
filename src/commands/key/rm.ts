import { Args } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
import { Keystore } from '../../repo/keystore.js'
import { readIdentity } from '../../repo/repo.js'

export default class KeyRm extends DcxCommand {
  static override summary = 'Remove a key (records it signed stay valid until their lifetime ends)'
  static override examples = ['<%= config.bin %> key rm results']
  static override args = { name: Args.string({ required: true, description: 'key name' }) }

  async run (): Promise<{ Keys: Array<{ Name: string, Id: string }> }> {
    const { args, flags } = await this.parse(KeyRm)
    const root = this.repoRoot(flags.repo)
    await readIdentity(root)
    const key = await new Keystore(root).remove(args.name)
    this.log(key.id)
    return { Keys: [{ Name: key.name, Id: key.id }] }
  }
}

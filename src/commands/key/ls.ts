import { Flags } from '@oclif/core'
import { DcxCommand } from '../../cli/base.js'
import { Keystore } from '../../repo/keystore.js'
import { readIdentity } from '../../repo/repo.js'

export default class KeyLs extends DcxCommand {
  static override summary = 'List the repo\'s keys'
  static override examples = ['<%= config.bin %> key ls', '<%= config.bin %> key ls -l', '<%= config.bin %> key ls --json']
  static override flags = { long: Flags.boolean({ char: 'l', description: 'show each key\'s IPNS name too' }) }

  async run (): Promise<{ Keys: Array<{ Name: string, Id: string }> }> {
    const { flags } = await this.parse(KeyLs)
    const root = this.repoRoot(flags.repo)
    await readIdentity(root)
    const keys = await new Keystore(root).list()
    for (const k of keys) this.log(flags.long ? `${k.id} ${k.name}` : k.name)
    return { Keys: keys.map(k => ({ Name: k.name, Id: k.id })) }
  }
}

import { DcxCommand } from '../cli/base.js'
import { readIdentity } from '../repo/repo.js'

export default class Id extends DcxCommand {
  static override summary = "Show the repo's peer ID and public key"
  static override examples = ['<%= config.bin %> id', '<%= config.bin %> id --json']

  async run (): Promise<{ ID: string, PublicKey: string }> {
    const { flags } = await this.parse(Id)
    const identity = await readIdentity(this.repoRoot(flags.repo))
    this.log(`ID:        ${identity.peerId}`)
    this.log(`PublicKey: ${identity.publicKey}`)
    return { ID: identity.peerId, PublicKey: identity.publicKey }
  }
}

import { DcxCommand } from '../cli/base.js'
import { runningDaemon } from '../cli/daemon.js'
import { readIdentity } from '../repo/repo.js'

export default class Id extends DcxCommand {
  static override summary = "Show the repo's peer ID and public key"
  static override examples = ['<%= config.bin %> id', '<%= config.bin %> id --json']

  async run (): Promise<{ ID: string, PublicKey: string, Addresses?: string[] }> {
    const { flags } = await this.parse(Id)
    const root = this.repoRoot(flags.repo)
    const identity = await readIdentity(root)
    this.log(`ID:        ${identity.peerId}`)
    this.log(`PublicKey: ${identity.publicKey}`)
    // with a daemon running, also where it listens
    const daemon = await runningDaemon(root)
    if (daemon === undefined) return { ID: identity.peerId, PublicKey: identity.publicKey }
    const live = await daemon.call<{ addresses: string[] }>('/v0/id')
    for (const a of live.addresses) this.log(`Address:   ${a}`)
    return { ID: identity.peerId, PublicKey: identity.publicKey, Addresses: live.addresses }
  }
}

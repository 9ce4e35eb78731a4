import { DcxCommand } from '../cli/base.js'
import { idOp } from '../ops/net/id.js'
import { kuboId } from '../ops/kubo.js'

export default class Id extends DcxCommand {
  static override summary = "Show the repo's peer ID and public key"
  static override examples = ['<%= config.bin %> id', '<%= config.bin %> id --json']

  async run (): Promise<void> {
    const { flags } = await this.parse(Id)
    const id = await this.session(flags.repo).run(idOp, {}, { signal: this.signal })
    if (this.kuboJson(() => kuboId(id))) return
    this.log(`ID:        ${id.ID}`)
    this.log(`PublicKey: ${id.PublicKey}`)
    for (const a of id.Addresses ?? []) this.log(`Address:   ${a}`)
  }

}

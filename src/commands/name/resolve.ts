import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../../cli/base.js'
import { nameResolveOp } from '../../ops/net/names.js'

export default class NameResolve extends DcxCommand {
  static override summary = 'Resolve an IPNS name to the path it points at'
  static override description = 'Asks the LAN DHT through the daemon; a record seen before is answered from the cache until its TTL runs out (--nocache asks the network anyway). Names that point at names are followed. Needs `dcx daemon`.'
  static override examples = ['<%= config.bin %> name resolve k51qzi5uqu5d...', '<%= config.bin %> name resolve /ipns/12D3KooW... --nocache']
  static override args = { name: Args.string({ required: true, description: 'k51... name, /ipns/<name>, or a peer ID' }) }
  static override flags = { nocache: Flags.boolean({ description: 'do not answer from the cache' }) }

  async run (): Promise<{ Path: string }> {
    const { args, flags } = await this.parse(NameResolve)
    const r = await this.session(flags.repo).run(nameResolveOp, { name: args.name, nocache: flags.nocache }, { signal: this.signal })
    this.log(r.Path)
    return r
  }

}

import * as Args from '@oclif/core/args'
import { DcxCommand } from '../../cli/base.js'
import { kuboSwarmResult } from '../../ops/kubo.js'
import { swarmConnectOp } from '../../ops/net/swarm.js'

export default class PeersConnect extends DcxCommand {
  static override summary = 'Connect the daemon to a peer by multiaddr'
  static override examples = ['<%= config.bin %> peers connect /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...']
  static override args = { addr: Args.string({ required: true, description: 'multiaddr ending in /p2p/<peer ID>' }) }

  async run (): Promise<void> {
    const { args, flags } = await this.parse(PeersConnect)
    const r = await this.session(flags.repo).run(swarmConnectOp, { addr: args.addr }, { signal: this.signal })
    if (this.kuboJson(() => kuboSwarmResult('connect', r.peer))) return
    this.log(`connected to ${r.peer}`)
  }

}

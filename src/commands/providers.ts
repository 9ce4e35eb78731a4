import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../cli/base.js'
import { findProvsOp } from '../ops/net/swarm.js'
import { parseDuration } from '../jobs/parse.js'
import { kuboFindProvs } from '../ops/kubo.js'

export default class Providers extends DcxCommand {
  static override summary = 'Find peers that provide a CID, through the daemon\'s DHT'
  static override description = 'Like `ipfs routing findprovs`: one peer ID per line. Daemons announce the roots they pin, so this shows where `dcx run --on auto` could send a job. Needs `dcx daemon`. --json prints Kubo\'s lines, a `{"Type": 4, "Responses": [{"ID", "Addrs"}]}` query event per provider.'
  static override examples = ['<%= config.bin %> providers bafybeig...', '<%= config.bin %> providers bafybeig... -n 5 --timeout 30s --json']
  static override args = { cid: Args.string({ required: true, description: 'CID to look up' }) }
  static override flags = {
    'num-providers': Flags.integer({ char: 'n', default: 20, min: 1, description: 'stop after this many' }),
    timeout: Flags.string({ default: '10s', description: 'how long to search' })
  }

  async run (): Promise<void> {
    const { args, flags } = await this.parse(Providers)
    const found = await this.session(flags.repo).run(findProvsOp, { cid: args.cid, limit: flags['num-providers'], timeoutMs: parseDuration(flags.timeout, '--timeout') }, { signal: this.signal })
    if (this.kuboJson(() => kuboFindProvs(found))) return
    for (const p of found) this.log(p.peer)
  }

}

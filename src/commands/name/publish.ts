import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../../cli/base.js'
import { namePublishOp } from '../../ops/net/names.js'
import type { Published } from '../../net/names.js'
import { parseDuration } from '../../jobs/parse.js'

export default class NamePublish extends DcxCommand {
  static override summary = 'Point an IPNS name at a CID, signed with one of the repo\'s keys'
  static override description = 'The record goes to the daemon\'s peers over the LAN DHT and is republished while the daemon runs. Each publish under a key raises its sequence number, so resolvers prefer the newest. Needs `dcx daemon`.'
  static override examples = [
    '<%= config.bin %> name publish bafybeig...',
    '<%= config.bin %> name publish --key results --lifetime 24h --ttl 1m /ipfs/bafybeig.../out.csv'
  ]

  static override args = { value: Args.string({ required: true, description: 'a CID, /ipfs/<cid>[/path] or /ipns/<name>' }) }
  static override flags = {
    key: Flags.string({ char: 'k', default: 'self', description: 'name of the key to sign with (see `dcx key ls`)' }),
    lifetime: Flags.string({ default: '48h', description: 'how long the record is valid, e.g. 24h' }),
    ttl: Flags.string({ default: '5m', description: 'how long resolvers may cache it, e.g. 30s' })
  }

  async run (): Promise<Published> {
    const { args, flags } = await this.parse(NamePublish)
    const r = await this.session(flags.repo).run(namePublishOp, { value: args.value, key: flags.key, lifetime: parseDuration(flags.lifetime, '--lifetime'), ttl: parseDuration(flags.ttl, '--ttl') }, { signal: this.signal })
    this.log(`Published to ${r.Name}: ${r.Value}`)
    return r
  }

}

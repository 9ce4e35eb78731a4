import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../../cli/base.js'
import { UsageError } from '../../errors.js'
import { kuboConfigField, kuboConfigValue } from '../../ops/kubo.js'
import { configOp } from '../../ops/repo/config.js'

export default class Config extends DcxCommand {
  static override summary = 'Get or set one key of the repo config, as `ipfs config`'
  static override description = `Keys are dotted paths into config.json (Kubo's names where Kubo has the setting): listen, bootstrap, mdns, executor.*, pinning.*, bulk, Addresses.Gateway, Addresses.API, Gateway.NoFetch, Gateway.RetrievalTimeout, API.Authorizations, Peering.Peers. With only a key, prints its value (a string as it is, anything else as JSON). With a value, sets it: a string, or with --json the value parsed as JSON, or with --bool true/false. The new config is checked as a whole and written whole, or not at all; a running daemon uses it from its next start. With --json the answer is Kubo's {"Key","Value"}. \`dcx config show\` prints the whole config.`

  static override examples = [
    '<%= config.bin %> config Addresses.Gateway',
    '<%= config.bin %> config Addresses.Gateway /ip4/127.0.0.1/tcp/8080',
    '<%= config.bin %> config --json Peering.Peers \'[{"ID":"12D3KooW...","Addrs":["/ip4/127.0.0.1/tcp/4001"]}]\'',
    '<%= config.bin %> config --bool Gateway.NoFetch false'
  ]

  static override args = {
    key: Args.string({ required: true, description: 'a dotted key, e.g. Addresses.Gateway' }),
    value: Args.string({ description: 'the new value (a string; JSON with --json; true/false with --bool)' })
  }

  static override flags = {
    bool: Flags.boolean({ description: 'the value is true or false' })
  }

  async run (): Promise<void> {
    const { args, flags } = await this.parse(Config)
    const value = args.value === undefined ? undefined : parseValue(args.value, { json: this.jsonEnabled(), bool: flags.bool })
    const field = await this.session(flags.repo).run(configOp, { key: args.key, value }, { signal: this.signal })
    if (this.kuboJson(() => kuboConfigField(field))) return
    // as Kubo: setting prints nothing, getting prints the value
    if (value === undefined) this.log(kuboConfigValue(field.Value))
  }
}

/** The value as given: a string, or with --json the JSON it spells, with --bool a boolean */
function parseValue (text: string, as: { json: boolean, bool: boolean }): unknown {
  if (as.bool) {
    if (text !== 'true' && text !== 'false') throw new UsageError(`--bool takes true or false, not '${text}'`)
    return text === 'true'
  }
  if (!as.json) return text
  try {
    return JSON.parse(text)
  } catch {
    throw new UsageError(`the value is not JSON (with --json, write e.g. '["/ip4/127.0.0.1/tcp/4001"]', true or '"text"'): ${text}`)
  }
}

import { DcxCommand } from '../../cli/base.js'
import { kuboConfigValue } from '../../ops/kubo.js'
import { configShowOp } from '../../ops/repo/config.js'

export default class ConfigShow extends DcxCommand {
  static override summary = 'Print the whole repo config (config.json), as `ipfs config show`'
  static override examples = ['<%= config.bin %> config show', '<%= config.bin %> config show --json']

  async run (): Promise<void> {
    const { flags } = await this.parse(ConfigShow)
    const config = await this.session(flags.repo).run(configShowOp, {}, { signal: this.signal })
    if (this.kuboJson(() => [config])) return
    this.log(kuboConfigValue(config))
  }
}

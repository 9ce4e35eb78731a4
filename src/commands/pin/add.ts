import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../../cli/base.js'
import { fetchFlags, fetchOptions } from '../../cli/fetch-flags.js'
import { pinAddOp } from '../../ops/data/pin.js'
import { kuboPinAdd } from '../../ops/kubo.js'

export default class PinAdd extends DcxCommand {
  static override summary = 'Pin CIDs so gc keeps them (recursive by default)'
  static override description = 'A recursive pin is written only after every block of the DAG is found in the repo; with `dcx daemon` running, the blocks the repo lacks are fetched from peers first (--timeout bounds the wait for each). --json prints Kubo\'s `{"Pins": [...]}`.'
  static override examples = ['<%= config.bin %> pin add <cid>', '<%= config.bin %> pin add --no-recursive <cid>', '<%= config.bin %> pin add --name weather-2024 <cid>', '<%= config.bin %> pin add <cid> --on 12D3KooW...   # that peer fetches and pins it']
  static override strict = false
  static override args = { cid: Args.string({ required: true, description: 'CIDs to pin' }) }
  static override flags = {
    recursive: Flags.boolean({ char: 'r', default: true, allowNo: true, description: 'pin the whole DAG (--no-recursive pins one block)' }),
    name: Flags.string({ description: 'name the pin (an existing pin is renamed); `pin ls` shows it' }),
    on: Flags.string({ description: 'ask this peer (a peer ID) to fetch and pin it, as its pinning policy allows (needs `dcx daemon`)' }),
    ...fetchFlags
  }

  async run (): Promise<void> {
    const { flags, argv } = await this.parse(PinAdd)
    const fetch = fetchOptions(this.signal, flags)
    const out = await this.session(flags.repo).run(pinAddOp, { cids: argv as string[], recursive: flags.recursive, name: flags.name, on: flags.on }, fetch.options).finally(fetch.done)
    if (this.kuboJson(() => kuboPinAdd(out))) return
    for (const pin of out) this.log(`pinned ${pin.cid} ${pin.type === 'recursive' ? 'recursively' : 'directly'}${pin.on !== undefined ? ` on ${pin.on}` : ''}`)
  }
}

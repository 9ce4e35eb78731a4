import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../cli/base.js'
import { fetchFlags, fetchOptions } from '../cli/fetch-flags.js'
import { catOp } from '../ops/data/cat.js'

export default class Cat extends DcxCommand {
  static override summary = 'Print the contents of a file in the repo'
  static override description = 'With `dcx daemon` running, blocks the repo lacks come from peers (--timeout bounds the wait for each) and /ipns/ names resolve. As with Kubo\'s `ipfs cat`, --json changes nothing: the output is the file\'s bytes.'
  static override examples = [
    '<%= config.bin %> cat bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e',
    '<%= config.bin %> cat <dir-cid>/books/moby.txt --offset 100 --length 50',
    '<%= config.bin %> cat <cid> --timeout 30s | head -c 100'
  ]

  static override args = { target: Args.string({ required: true, description: '<cid>[/path] of a file' }) }
  static override flags = {
    offset: Flags.integer({ char: 'o', min: 0, description: 'byte offset to start at' }),
    length: Flags.integer({ char: 'l', min: 0, description: 'maximum number of bytes to read' }),
    ...fetchFlags
  }

  async run (): Promise<void> {
    const { args, flags } = await this.parse(Cat)
    const fetch = fetchOptions(this.signal, flags)
    // the daemon fetches while the bytes are written: its status line is cleared once they all are
    try {
      const chunks = await this.session(flags.repo).run(catOp, { target: args.target, offset: flags.offset, length: flags.length }, fetch.options)
      for await (const chunk of chunks) await this.writeStdout(chunk)
    } finally {
      fetch.done()
    }
  }

}

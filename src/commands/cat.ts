import { Args, Flags } from '@oclif/core'
import { DcxCommand } from '../cli/base.js'
import { catOp } from '../ops/data/cat.js'

export default class Cat extends DcxCommand {
  static override summary = 'Print the contents of a file in the repo'
  static override examples = [
    '<%= config.bin %> cat bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e',
    '<%= config.bin %> cat <dir-cid>/books/moby.txt --offset 100 --length 50',
    '<%= config.bin %> cat <cid> --json   # {"target","bytes","base64"}'
  ]

  static override args = { target: Args.string({ required: true, description: '<cid>[/path] of a file' }) }
  static override flags = {
    offset: Flags.integer({ char: 'o', min: 0, description: 'byte offset to start at' }),
    length: Flags.integer({ char: 'l', min: 0, description: 'maximum number of bytes to read' })
  }

  async run (): Promise<{ target: string, bytes: number, base64: string } | undefined> {
    const { args, flags } = await this.parse(Cat)
    const chunks = await this.session(flags.repo).run(catOp, { target: args.target, offset: flags.offset, length: flags.length }, { signal: this.signal })
    if (this.jsonEnabled()) {
      const data = Buffer.concat(await Array.fromAsync(chunks))
      return { target: args.target, bytes: data.length, base64: data.toString('base64') }
    }
    for await (const chunk of chunks) await this.writeStdout(chunk)
    return undefined
  }

}

import { resolve } from 'node:path'
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../cli/base.js'
import { progressBar } from '../cli/progress.js'
import { addOp } from '../ops/data/add.js'
import type { Progress } from '../cli/progress.js'
import { kuboAdd } from '../ops/kubo.js'
import type { AddedJson } from '../ops/data/add.js'

export default class Add extends DcxCommand {
  static override summary = 'Add files or folders to the repo and pin them (Kubo-compatible CIDs)'
  static override description = `Prints "added <cid> <name>" for every file and folder, the root last.
The default profile is IPIP-499 unixfs-v1-2025 (CIDv1, raw leaves, 1 MiB chunks, 1024 links per node);
--cid-version 0 gives the CIDs of Kubo's default profile unixfs-v0-2015.
--json prints Kubo's lines, one {"Name", "Hash", "Size"} per file and folder.`

  static override examples = [
    '<%= config.bin %> add hello.txt',
    '<%= config.bin %> add -r ./books',
    '<%= config.bin %> add -Q --cid-version 0 hello.txt',
    '<%= config.bin %> add -n -r ./books            # CIDs only, nothing written',
    '<%= config.bin %> add -r -w a.txt b/ --json'
  ]

  static override strict = false
  static override args = { path: Args.string({ required: true, description: 'files or folders to add' }) }

  static override flags = {
    recursive: Flags.boolean({ char: 'r', description: 'add folders recursively' }),
    'wrap-with-directory': Flags.boolean({ char: 'w', description: 'wrap the added items in a directory' }),
    quiet: Flags.boolean({ char: 'q', description: 'print only the CIDs' }),
    quieter: Flags.boolean({ char: 'Q', description: 'print only the final root CID' }),
    'only-hash': Flags.boolean({ char: 'n', description: 'compute CIDs without writing or pinning anything' }),
    hidden: Flags.boolean({ char: 'H', description: 'include files and folders whose names start with a dot' }),
    'cid-version': Flags.integer({ min: 0, max: 1, default: 1, description: 'CID version: 0 selects the unixfs-v0-2015 profile' }),
    'raw-leaves': Flags.boolean({ allowNo: true, description: 'store file data as raw blocks (default: the profile\'s choice)' }),
    chunker: Flags.string({ char: 's', description: 'chunking algorithm, size-N (default: the profile\'s chunk size)' }),
    pin: Flags.boolean({ default: true, allowNo: true, description: 'pin the added roots (--pin=false or --no-pin to skip)' }),
    progress: Flags.boolean({ allowNo: true, description: 'show a progress bar (default: when stderr is a terminal)' })
  }

  override async init (): Promise<void> {
    // Kubo spells boolean flags as --pin=false / --raw-leaves=true
    this.argv = this.argv.map(a => {
      const m = /^--(pin|raw-leaves|progress)=(true|false)$/.exec(a)
      return m == null ? a : (m[2] === 'true' ? `--${m[1]}` : `--no-${m[1]}`)
    })
    await super.init()
  }

  async run (): Promise<void> {
    const { flags, argv } = await this.parse(Add)
    const showBar = flags.progress ?? (process.stderr.isTTY === true && !flags.quieter)
    // made on the first event, when the walk has found the total
    let bar: Progress | undefined
    let added: AddedJson[]
    try {
      added = await this.session(flags.repo).run(addOp, {
        // absolute: the daemon, when it adds them, reads the same files from another folder
        paths: (argv as string[]).map(p => resolve(p)),
        recursive: flags.recursive,
        wrapWithDirectory: flags['wrap-with-directory'],
        hidden: flags.hidden,
        onlyHash: flags['only-hash'],
        cidVersion: flags['cid-version'] as 0 | 1,
        rawLeaves: flags['raw-leaves'],
        chunker: flags.chunker,
        pin: flags.pin
      }, {
        signal: this.signal,
        onProgress: evt => {
          const { done, total } = evt.detail as { done: number, total: number }
          if (showBar) bar ??= progressBar('adding', total)
          bar?.update(done)
        }
      })
    } finally {
      bar?.stop()
    }
    if (this.kuboJson(() => kuboAdd(added))) return
    if (flags.quieter) {
      if (added.length > 0) this.log(added[added.length - 1].cid)
    } else {
      for (const a of added) this.log(flags.quiet ? a.cid : a.name === '' ? `added ${a.cid}` : `added ${a.cid} ${a.name}`)
    }
  }
}

import { Args, Flags } from '@oclif/core'
import { DcxCommand } from '../cli/base.js'
import { resolve } from 'node:path'
import { runningDaemon } from '../cli/daemon.js'
import { withRepo } from '../cli/open.js'
import { progressBar } from '../cli/progress.js'
import type { Progress } from '../cli/progress.js'
import { addAndPin, discardStore } from '../data/add.js'
import type { AddOptions, Added } from '../data/add.js'
import type { WritableStorage } from 'ipfs-unixfs-importer'
import type { PinStore } from '../data/pins.js'

interface AddedJson { cid: string, name: string, size: string }

export default class Add extends DcxCommand {
  static override summary = 'Add files or folders to the repo and pin them (Kubo-compatible CIDs)'
  static override description = `Prints "added <cid> <name>" for every file and folder, the root last.
The default profile is IPIP-499 unixfs-v1-2025 (CIDv1, raw leaves, 1 MiB chunks, 1024 links per node);
--cid-version 0 gives the CIDs of Kubo's default profile unixfs-v0-2015.`

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

  async run (): Promise<AddedJson[]> {
    const { flags, argv } = await this.parse(Add)
    const paths = argv as string[]
    const showBar = flags.progress ?? (process.stderr.isTTY === true && !flags.quieter)
    // Made on the first event, when the walk has found the total
    let bar: Progress | undefined
    const options: AddOptions = {
      recursive: flags.recursive,
      wrapWithDirectory: flags['wrap-with-directory'],
      hidden: flags.hidden,
      cidVersion: flags['cid-version'] as 0 | 1,
      rawLeaves: flags['raw-leaves'],
      chunker: flags.chunker,
      signal: this.signal,
      onProgress: evt => {
        if (showBar) bar ??= progressBar('adding', evt.detail.total)
        bar?.update(evt.detail.done)
      }
    }
    const results: AddedJson[] = []
    let last: Added | undefined
    const consume = async (store: WritableStorage, pins: PinStore | undefined): Promise<void> => {
      for await (const added of addAndPin(paths, store, pins, options)) {
        last = added
        results.push({ cid: added.cid.toString(), name: added.name, size: added.size.toString() })
        if (flags.quieter) continue
        const line = flags.quiet ? added.cid.toString() : added.name === '' ? `added ${added.cid}` : `added ${added.cid} ${added.name}`
        // While the bar owns the terminal, lines wait until it is cleared
        if (showBar) pending.push(line)
        else this.log(line)
      }
    }
    const pending: string[] = []
    try {
      const daemon = flags['only-hash'] ? undefined : await runningDaemon(this.repoRoot(flags.repo))
      if (flags['only-hash']) await consume(discardStore, undefined)
      else if (daemon !== undefined) {
        // the daemon holds the repo: it reads the same paths and adds them
        const { signal: _s, onProgress: _p, ...plain } = options
        const added = await daemon.call<AddedJson[]>('/v0/add', { paths: paths.map(p => resolve(p)), options: plain, pin: flags.pin })
        for (const a of added) {
          results.push(a)
          if (!flags.quieter) this.log(flags.quiet ? a.cid : a.name === '' ? `added ${a.cid}` : `added ${a.cid} ${a.name}`)
        }
        if (flags.quieter && added.length > 0) this.log(added[added.length - 1].cid)
        return results
      } else await withRepo(this.repoRoot(flags.repo), 'add', async repo => consume(repo.blockstore, flags.pin ? repo.pins : undefined))
    } finally {
      bar?.stop()
      for (const line of pending) this.log(line)
    }
    if (flags.quieter && last != null) this.log(last.cid.toString())
    return results
  }
}

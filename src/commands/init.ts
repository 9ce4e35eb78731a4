import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../cli/base.js'
import { initRepo } from '../repo/repo.js'

export default class Init extends DcxCommand {
  static override summary = 'Create a repo: config, identity key, blockstore and datastore'
  static override description = 'The repo lives at --repo, else $DCX_PATH, else ~/.dcx. The local profile (default) listens on loopback only and contacts no one; the server profile listens on all interfaces.'
  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --repo ./myrepo --profile server',
    'DCX_PATH=/data/dcx <%= config.bin %> init --json'
  ]

  static override flags = {
    profile: Flags.string({ options: ['local', 'server'], default: 'local', description: 'network defaults to write into the config' })
  }

  async run (): Promise<{ repo: string, peerId: string, profile: string }> {
    const { flags } = await this.parse(Init)
    const root = this.repoRoot(flags.repo)
    const result = await initRepo(root, { profile: flags.profile as 'local' | 'server' })
    this.log(`initialized dcx repo at ${root}`)
    this.log(`peer identity: ${result.identity.peerId}`)
    return { repo: root, peerId: result.identity.peerId, profile: result.config.profile }
  }
}

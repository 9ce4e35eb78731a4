import { DcxCommand } from '../cli/base.js'
import { logLine } from '../cli/log-line.js'
import { startDaemon } from '../ops/daemon.js'

export default class Daemon extends DcxCommand {
  static override summary = 'Run a long-lived peer: libp2p on the configured addresses, bitswap, a LAN DHT, and the control API'
  static override description = `Listens where the repo config says (dcx init --profile local: 127.0.0.1 on a free port picked once at init and kept in the config; no bootstrap peers, no mDNS), and connects to the peers in the config's Peering.Peers, reconnecting whenever a connection drops. Prints its peer ID, listen addresses and "ready". While it runs, every other command goes through its control API (a Unix socket in the repo, mode 0600): blocks the repo lacks come from peers and /ipns/ names resolve. Each event it logs after that (a job run for a peer, a Peering.Peers peer lost or back) starts with an ISO 8601 UTC timestamp. Ctrl-C or SIGTERM stops it cleanly (running jobs finish first); a second one abandons them.`

  static override examples = ['<%= config.bin %> daemon', 'DCX_PATH=/tmp/peer-a <%= config.bin %> daemon &']

  async run (): Promise<void> {
    const { flags } = await this.parse(Daemon)
    const daemon = await startDaemon(this.repoRoot(flags.repo), { log: line => { this.log(logLine(line)) } })
    this.log(`peer ID: ${daemon.peerId}`)
    for (const addr of daemon.addresses) this.log(`listening on ${addr}`)
    this.log(`API: ${daemon.api}`)
    for (const addr of daemon.rpc) this.log(`RPC API server listening on ${addr}`)
    for (const addr of daemon.gateway) this.log(`Gateway server listening on ${addr}`)
    this.log('ready')
    await new Promise<void>(resolve => {
      process.once('SIGTERM', () => resolve())
      this.signal.addEventListener('abort', () => resolve(), { once: true })
    })
    // a second signal abandons what is still running (a second Ctrl-C does the same)
    process.once('SIGTERM', () => process.exit(143))
    const finishing = daemon.runningJobs()
    if (finishing > 0) this.log(logLine(`stopping: finishing ${finishing} running job(s) (Ctrl-C again to abandon them)`))
    await daemon.stop()
    this.log('stopped')
  }
}

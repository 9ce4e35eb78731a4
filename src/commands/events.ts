import { DcxCommand } from '../cli/base.js'
import { eventsOp } from '../ops/jobs/events.js'

export default class Events extends DcxCommand {
  static override summary = 'Follow the daemon\'s events: a JSON line for each run it records'
  static override description = `Needs \`dcx daemon\`. Prints, one JSON value a line, until interrupted or the daemon stops: \`{"type":"hello","peerId"}\` at once, then \`{"type":"job","record":{...}}\` each time the daemon's job history records a run (the record as \`dcx job ls --json\` lists it: a run here, on a peer, a cached answer, a map run), and \`{"type":"ping"}\` after 15 s of quiet. The RPC's \`dcx/events\` is the same stream. A reader more than 1024 records behind is cut off with an error; at most 16 streams at once.`

  static override examples = ['<%= config.bin %> events', '<%= config.bin %> events | jq -c \'select(.type == "job") | .record.job\'']

  async run (): Promise<void> {
    const { flags } = await this.parse(Events)
    const lines = await this.session(flags.repo).run(eventsOp, {}, { signal: this.signal })
    for await (const chunk of lines) await this.writeStdout(chunk)
  }

}

import { Command } from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import { resolveRepoRoot } from '../repo/paths.js'
import { Session } from '../ops/session.js'
import { describeError } from './errors.js'
import { kuboLine } from '../ops/kubo.js'

/**
 * What every dcx command shares: `--repo`, `--json`, Ctrl-C turned into an
 * abort signal, and errors mapped to one line and an exit code.
 */
export abstract class DcxCommand extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    repo: Flags.string({
      description: 'repo folder (default: $DCX_PATH, else ~/.dcx)',
      helpGroup: 'GLOBAL'
    })
  }

  private readonly aborter = new AbortController()
  private readonly onSigint = (): void => {
    if (this.aborter.signal.aborted) process.exit(130)
    this.aborter.abort()
  }

  /** Aborted on the first Ctrl-C; a second one exits at once */
  protected get signal (): AbortSignal {
    return this.aborter.signal
  }

  /** The repo root this invocation works on */
  protected repoRoot (flag: string | undefined): string {
    return resolveRepoRoot(flag)
  }

  /** Where this command's operations run: in the repo's daemon if one runs, else here */
  protected session (repoFlag: string | undefined): Session {
    return new Session(this.repoRoot(repoFlag), (this.id ?? this.constructor.name).replaceAll(':', ' '))
  }

  override async init (): Promise<void> {
    await super.init()
    process.on('SIGINT', this.onSigint)
  }

  override async finally (err: Error | undefined): Promise<void> {
    process.off('SIGINT', this.onSigint)
    await super.finally(err)
  }

  override async catch (err: any): Promise<void> {
    // A flag error means parse never finished; without this oclif adds a
    // "did not parse its arguments" warning under NODE_ENV=development|test.
    this.parsed = true
    const report = describeError(err, this.id?.replaceAll(':', ' '))
    if (process.env.DEBUG != null && process.env.DEBUG !== '') process.stderr.write(`${err?.stack ?? err}\n`)
    if (this.jsonEnabled()) this.logJson({ error: { code: report.code, message: report.message } })
    else process.stderr.write(`Error: ${report.message}\n`)
    process.exitCode = report.exitCode
  }

  /** One warning line on stderr (oclif's own warn wraps and decorates) */
  protected warnLine (message: string): void {
    process.stderr.write(`warning: ${message}\n`)
  }

  /**
   * With `--json`, print Kubo's JSON values (`ops/kubo.ts`), one a line, as
   * `ipfs --enc=json` does, and say so: the command then returns nothing
   * for oclif to print. Without `--json`, does nothing and says so.
   */
  protected kuboJson (values: () => unknown[]): boolean {
    if (!this.jsonEnabled()) return false
    for (const v of values()) process.stdout.write(kuboLine(v))
    return true
  }

  /** Write raw bytes to stdout, waiting on backpressure */
  protected async writeStdout (chunk: Uint8Array): Promise<void> {
    if (!process.stdout.write(chunk)) await new Promise(resolve => process.stdout.once('drain', resolve))
  }
}

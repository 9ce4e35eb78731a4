import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { DcxCommand } from '../cli/base.js'
import { JOB_EXIT, jobExitCode } from '../cli/errors.js'
import { inputCids } from '../cli/job-inputs.js'
import { mapExitCode, mapReport } from '../cli/map-report.js'
import { jobFromFile, jobFromFlags, LIMIT_FLAGS, moduleRef } from '../cli/job-request.js'
import type { JobRequest } from '../cli/job-request.js'
import { progressBar, statusLine } from '../cli/progress.js'
import { InvalidArgumentError } from '../errors.js'
import { formatSize, parseDuration, parseInputFlag } from '../jobs/parse.js'
import { mapOp } from '../ops/jobs/map.js'
import { catOp } from '../ops/data/cat.js'
import { runOp } from '../ops/jobs/run.js'
import { DEFAULT_TIMEOUT_MS, JOB_LIMITS } from '../wasm/job-limits.js'
import type { Progress } from '../cli/progress.js'
import type { Session } from '../ops/session.js'
import type { MapSummary } from '../ops/jobs/map.js'
import type { RunSummary } from '../ops/jobs/run.js'
import type { RemotePhase } from '../net/remote-run.js'
import type { LimitHit } from '../wasm/index.js'

function limitDefault (knob: { default: number, unit: string }): string {
  return knob.unit === 'size' ? formatSize(knob.default) : String(knob.default)
}

export default class Run extends DcxCommand {
  static override summary = 'Run a WebAssembly job on pinned data, deterministically, and sign a receipt'
  static override description = `The module (a WASI preview1 command) is stored and pinned as a raw block; the job spec (module, inputs, args, env, limits, seed, runtime ABI) is stored and pinned, and its CID is the job's identity. Inputs (CIDs, or local files and folders, added first) mount read-only at /inputs or at the paths given (anywhere but /outputs and /tmp), read lazily from the repo; what the job writes to /outputs, its stdout, stderr and exitCode become the output CID. A signed receipt records the result. The same job again returns the stored receipt at once (--force re-runs, and gets the same output CID).

With a daemon, --on auto sends the job to a peer that provides the inputs (the one holding the most input bytes first; a peer that refuses or fails is named and the next one tried), and only the output comes back. --replicas N runs it on N distinct peers and compares their output CIDs: the majority wins (a tie is settled by re-running here), and a peer that disagrees is named. --publish <key> points that key's IPNS name at the output.

Exit codes: 0 the job exited 0; 3 it exited non-zero; 4 out of fuel; 5 call stack exhausted; 6 trapped; 7 wall-clock timeout (not a result: no receipt); 8 replicas disagreed (the accepted result is stored, the dissenters are named); 1 dcx could not run it.`

  static override examples = [
    '<%= config.bin %> run wasm-jobs/wordcount.wasm --input <cid>',
    '<%= config.bin %> run wasm-jobs/groupby.wasm --input ./fixtures/sales.csv -- region amount',
    '<%= config.bin %> run -f job.yaml',
    '<%= config.bin %> run yosys.wasm --input <design-cid>:/inputs/design.v --input <share-cid>:/share',
    '<%= config.bin %> run wasm-jobs/grep.wasm --input <cid> -- -i whale',
    '<%= config.bin %> run job.wasm --input <a>:/inputs/a --input <b>:/inputs/b --env MODE=fast --fuel 1000000 --memory 64MiB',
    '<%= config.bin %> run <module-cid> --input <cid> --json',
    '<%= config.bin %> run wasm-jobs/wordcount.wasm --input <cid> --on auto --replicas 3',
    '<%= config.bin %> run wasm-jobs/groupby.wasm --input <cid> --publish results'
  ]

  static override strict = false
  static override args = { module: Args.string({ description: 'module file (.wasm) or the CID of a stored module (or give a job file with -f)' }) }
  static override flags = {
    file: Flags.string({ char: 'f', description: 'a job file (YAML or JSON: module, inputs and mount paths, args, env, limits, seed); see README' }),
    input: Flags.string({ char: 'i', multiple: true, description: 'input: a CID, or a local file or folder (added first), optionally :<mount path> (any absolute path but /outputs, /tmp; repeatable; one input without a path mounts at /inputs)' }),
    env: Flags.string({ char: 'e', multiple: true, description: 'environment variable KEY=VALUE (repeatable)' }),
    ...Object.fromEntries(LIMIT_FLAGS.map(([, knob]) => [knob.flag, Flags.string({
      description: `${knob.summary}; past it, ${knob.past} (default ${limitDefault(knob)})`,
      helpGroup: 'LIMITS'
    })])) as Record<string, ReturnType<typeof Flags.string>>,
    seed: Flags.string({ description: 'seed for random_get, in hex (default empty)' }),
    timeout: Flags.string({ description: `wall-clock safety net, e.g. 30s, 10m (default ${DEFAULT_TIMEOUT_MS / 60_000}m), for checking inputs, running and storing the result; a timeout is not a result` }),
    force: Flags.boolean({ description: 'run even if this job has a receipt already' }),
    on: Flags.string({ description: 'where to run: local, auto (a peer holding the inputs) or a peer ID; needs `dcx daemon` unless local (default: local when the inputs are here, else auto)' }),
    replicas: Flags.integer({ min: 1, description: 'run on this many distinct peers and compare their outputs (implies --on auto; needs `dcx daemon`)' }),
    publish: Flags.string({ description: 'point this key\'s IPNS name at the output (see `dcx key ls`; needs `dcx daemon`)' }),
    map: Flags.boolean({ description: 'run the module once per entry of the input directory (a shard each, where it is held; its name in DCX_SHARD), in parallel', helpGroup: 'MAP/REDUCE' }),
    reduce: Flags.string({ description: 'with --map: a module run once over the directory of shard results (mounted at /inputs); its result is the run\'s', helpGroup: 'MAP/REDUCE' }),
    'reduce-arg': Flags.string({ multiple: true, description: 'an argument of the reduce (repeatable)', helpGroup: 'MAP/REDUCE' })
  }

  async run (): Promise<RunSummary | MapSummary> {
    const { args, flags, argv } = await this.parse(Run)
    if (flags.map || flags.reduce !== undefined) {
      if (flags.file !== undefined) throw new InvalidArgumentError('--map takes a module argument, not a job file (-f)')
      return await this.runMap(await jobFromFlags(args.module, flags, (argv as string[]).slice(1)), flags)
    }
    const session = this.session(flags.repo)
    const job = flags.file !== undefined ? await jobFromFile(flags.file, args.module, flags) : await jobFromFlags(args.module, flags, (argv as string[]).slice(1))
    const inputs = await inputCids(job.inputs, session, {
      signal: this.signal,
      // stderr: stdout stays the run's
      onAdded: (cid, path) => process.stderr.write(`added ${cid} ${path}\n`)
    })
    const tty = process.stdout.isTTY === true && !this.jsonEnabled()
    const liveStderr = process.stderr.isTTY === true
    // on a TTY: where a remote run is, then the inputs read against their total, until the job writes (streamed live)
    const quiet = this.jsonEnabled()
    const status = statusLine()
    let bar: Progress | undefined
    let streaming = false
    const stopBar = (): void => { bar?.stop(); bar = undefined; status.clear() }
    const started = performance.now()
    let summary: RunSummary
    try {
      summary = await session.run(runOp, {
        module: job.module,
        moduleCid: job.moduleCid,
        name: job.name,
        args: job.args,
        env: job.env,
        inputs,
        limits: job.limits,
        seed: job.seed,
        force: flags.force,
        timeoutMs: parseDuration(flags.timeout ?? `${DEFAULT_TIMEOUT_MS}ms`),
        on: flags.on,
        replicas: flags.replicas,
        publish: flags.publish,
        live: tty,
        liveStderr
      }, {
        signal: this.signal,
        onProgress: e => {
          if (e.type === 'job:input' && !quiet && !streaming) {
            const { read, total } = e.detail as { read: number, total: number }
            status.clear()
            bar ??= progressBar(`running ${job.name}: reading inputs`, total)
            bar.update(read, total)
          } else if (e.type === 'run:remote' && !quiet) {
            status.show(remotePhaseText(e.detail as RemotePhase))
          } else if (e.type === 'job:stdout' || e.type === 'job:stderr') {
            stopBar()
            streaming = true
            const bytes = Buffer.from((e.detail as { data: string }).data, 'base64')
            if (e.type === 'job:stdout') process.stdout.write(bytes)
            else process.stderr.write(bytes)
          }
        }
      })
    } finally {
      stopBar()
    }
    // on a TTY the job's stdout and stderr were streamed as it ran (a cached result's are printed now)
    const fresh = !summary.cached
    return await this.report(session, summary, { stdout: tty && fresh, stderr: liveStderr && fresh }, performance.now() - started)
  }

  /** `--map [--reduce]`: one input directory, a shard per entry */
  private async runMap (job: JobRequest, flags: Record<string, any>): Promise<MapSummary> {
    if (flags.map !== true) throw new InvalidArgumentError('--reduce goes with --map: it runs over the results of the map\'s shards')
    const inputs = (flags.input ?? []).map(parseInputFlag)
    if (inputs.length !== 1 || inputs[0].path !== undefined) throw new InvalidArgumentError('--map takes exactly one --input, a directory whose entries are the shards (no mount path: each shard mounts at /inputs)')
    if (flags.publish !== undefined) throw new InvalidArgumentError('--publish does not go with --map yet: publish the run\'s output with `dcx name publish`')
    const bar = this.jsonEnabled() ? undefined : progressBar('shards', undefined, 'shards')
    let summary: MapSummary
    try {
      summary = await this.session(flags.repo).run(mapOp, {
        map: { module: job.module, moduleCid: job.moduleCid, name: job.name, args: job.args },
        input: inputs[0].cid.toString(),
        env: job.env,
        limits: job.limits,
        seed: job.seed,
        reduce: flags.reduce !== undefined ? { ...await moduleRef(flags.reduce, process.cwd()), args: flags['reduce-arg'] ?? [] } : undefined,
        force: flags.force,
        timeoutMs: parseDuration(flags.timeout ?? `${DEFAULT_TIMEOUT_MS}ms`),
        on: flags.on,
        replicas: flags.replicas
      }, {
        signal: this.signal,
        onProgress: e => {
          const d = e.detail as { done: number, total: number }
          if (e.type === 'map:shard') bar?.update(d.done, d.total)
        }
      })
    } finally {
      bar?.stop()
    }
    process.exitCode = mapExitCode(summary)
    const { out, warnings, stdout } = mapReport(summary)
    for (const w of warnings) this.warnLine(w)
    if (this.jsonEnabled()) return summary
    for (const line of out) this.log(line)
    if (stdout !== '') {
      this.log('')
      await this.writeStdout(Buffer.from(stdout))
    }
    return summary
  }

  private async report (session: Session, json: RunSummary, streamed: { stdout: boolean, stderr: boolean }, wallMs: number): Promise<RunSummary> {
    const dissent = (json.agreement?.dissenters.length ?? 0) > 0
    process.exitCode = dissent ? JOB_EXIT.disagreed : jobExitCode(json.status, json.exitCode)
    for (const a of json.attempts ?? []) if (!a.ok) this.warnLine(`${a.why ?? a.peer}; tried the next peer`)
    // after the summary and the job's own output: why it failed, and which limit it hit
    const explain = (): void => {
      const failed = json.status !== 'timeout' && !(json.status === 'exit' && json.exitCode === 0)
      // a job that failed says why in its own words: the end of its stderr, unless it was just streamed
      if (failed && !streamed.stderr && json.stderrTail !== '') {
        if (json.stderrTruncated || json.stderrTail.length < json.stderr.replace(/\n$/, '').length) process.stderr.write(`(the last lines of the job's stderr; all of it: dcx cat ${json.output}/stderr)\n`)
        process.stderr.write(`${json.stderrTail}\n`)
      }
      if (json.status === 'out-of-fuel' && json.fuel !== null) {
        this.warnLine(`the job ran out of fuel: it used all ${json.fuel} units its --fuel allowed (default ${JOB_LIMITS.fuel.default}, about two minutes of compute); raise it, e.g. --fuel ${json.fuel * 10}`)
      }
      for (const hit of json.limitsHit) this.warnLine(LIMIT_HIT_TEXT[hit])
      if (json.agreement !== undefined) {
        const { results, decidedBy, output } = json.agreement
        for (const r of results.filter(r => !r.agrees)) {
          this.warnLine(`replicas disagree: peer ${r.peer} claims output ${r.output} (receipt ${r.receipt}), not ${output} (decided by ${decidedBy})`)
        }
      }
    }
    if (this.jsonEnabled()) { explain(); return json }
    const statusText = json.status === 'exit' ? `exit ${json.exitCode}` : json.status === 'trap' ? `trap (${json.trap})` : json.status
    this.log(`job      ${json.job}`)
    this.log(`status   ${statusText}`)
    if (json.status === 'timeout') {
      this.log(`time     ${(wallMs / 1000).toFixed(2)} s`)
      process.stderr.write('Error: the job hit the wall-clock timeout: that is not a result, so no receipt was written; raise --timeout\n')
      return json
    }
    this.log(`fuel     ${json.fuel}`)
    this.log(json.cached ? `time     cached: ran ${json.ranAt} (--force re-runs)` : `time     ${((json.durationMs ?? wallMs) / 1000).toFixed(2)} s`)
    this.log(`output   ${json.output}`)
    this.log(`receipt  ${json.receipt}`)
    if (json.executor !== null && json.agreement === undefined && json.attempts !== undefined) this.log(`executor ${json.executor}`)
    if (json.agreement !== undefined) {
      const agreeing = json.agreement.results.filter(r => r.agrees).length
      this.log(`replicas ${agreeing} of ${json.agreement.results.length} agree (${json.agreement.decidedBy}): ${json.agreement.results.map(r => `${r.peer}${r.agrees ? '' : ' DISAGREES'}`).join(', ')}`)
    }
    if (json.published !== undefined) this.log(`name     /ipns/${json.published.Name}`)
    if (!streamed.stdout) {
      this.log('')
      if (!json.stdoutTruncated) await this.writeStdout(Buffer.from(json.stdout))
      else for await (const chunk of await session.run(catOp, { target: `${json.output}/stdout` }, { signal: this.signal })) await this.writeStdout(chunk)
    }
    explain()
    return json
  }
}

/** What a limit the job ran into means, and how to raise it */
const LIMIT_HIT_TEXT: Record<LimitHit, string> = {
  memory: 'the job hit its memory limit: growing its memory past --memory failed (memory.grow returned -1, so malloc returned NULL), and what it printed may say only that it ran out of memory (raise it with --memory, e.g. --memory 1GiB; at most 4GiB)',
  'output-entries': 'the job hit its output entry limit: creating more files, directories or links failed with EDQUOT (raise it with --output-entries)',
  'output-depth': 'the job hit its output depth limit: a directory nested deeper failed with ENAMETOOLONG (raise it with --output-depth)',
  'input-entries': 'the job hit its input entry limit: listing more of its inputs failed with ENOMEM (raise it with --input-entries)'
}

/** One line for where a remote run is */
function remotePhaseText (p: RemotePhase): string {
  switch (p.phase) {
    case 'finding': return 'finding peers that hold the inputs...'
    case 'running': return `running on ${p.peers.join(', ')}...`
    case 'fetching': return `fetching output ${p.output} from ${p.peer}...`
  }
}

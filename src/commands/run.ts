import { NoDaemonError } from '../ops/errors.js'
import { readFile } from 'node:fs/promises'
import { Args, Flags } from '@oclif/core'
import { DcxCommand } from '../cli/base.js'
import { isFile } from '../cli/is-file.js'
import { JOB_EXIT, jobExitCode } from '../cli/errors.js'
import { withJobs } from '../cli/jobs.js'
import { progressBar } from '../cli/progress.js'
import type { Progress } from '../cli/progress.js'
import { parseCid } from '../data/cid-path.js'
import { LocalPathError } from '../errors.js'
import { executeJob, moduleName } from '../jobs/execute.js'
import { summarize } from '../jobs/summary.js'
import type { RunSummary } from '../jobs/summary.js'
import { runningDaemon } from '../cli/daemon.js'
import { parseCount, parseDuration, parseEnvFlag, parseInputFlag, parseSeed, parseSize } from '../jobs/parse.js'
import type { ExecutedJob } from '../jobs/execute.js'
import type { LimitHit } from '../wasm/index.js'


export default class Run extends DcxCommand {
  static override summary = 'Run a WebAssembly job on pinned data, deterministically, and sign a receipt'
  static override description = `The module (a WASI preview1 command) is stored and pinned as a raw block; the job spec (module, inputs, args, env, limits, seed, runtime ABI) is stored and pinned, and its CID is the job's identity. Inputs mount read-only under /inputs, read lazily from the repo; what the job writes to /outputs, its stdout, stderr and exitCode become the output CID. A signed receipt records the result. The same job again returns the stored receipt at once (--force re-runs, and gets the same output CID).

With a daemon, --on auto sends the job to a peer that provides the inputs (the one holding the most input bytes first; a peer that refuses or fails is named and the next one tried), and only the output comes back. --replicas N runs it on N distinct peers and compares their output CIDs: the majority wins (a tie is settled by re-running here), and a peer that disagrees is named. --publish <key> points that key's IPNS name at the output.

Exit codes: 0 the job exited 0; 3 it exited non-zero; 4 out of fuel; 5 call stack exhausted; 6 trapped; 7 wall-clock timeout (not a result: no receipt); 8 replicas disagreed (the accepted result is stored, the dissenters are named); 1 dcx could not run it.`

  static override examples = [
    '<%= config.bin %> run wasm-jobs/wordcount.wasm --input <cid>',
    '<%= config.bin %> run wasm-jobs/grep.wasm --input <cid> -- -i whale',
    '<%= config.bin %> run job.wasm --input <a>:/inputs/a --input <b>:/inputs/b --env MODE=fast --fuel 1000000 --memory 64MiB',
    '<%= config.bin %> run <module-cid> --input <cid> --json',
    '<%= config.bin %> run wasm-jobs/wordcount.wasm --input <cid> --on auto --replicas 3',
    '<%= config.bin %> run wasm-jobs/groupby.wasm --input <cid> --publish results'
  ]

  static override strict = false
  static override args = { module: Args.string({ required: true, description: 'module file (.wasm) or the CID of a stored module' }) }
  static override flags = {
    input: Flags.string({ char: 'i', multiple: true, description: 'input CID, optionally :/inputs/<path> (repeatable; one input without a path mounts at /inputs)' }),
    env: Flags.string({ char: 'e', multiple: true, description: 'environment variable KEY=VALUE (repeatable)' }),
    fuel: Flags.string({ description: 'instruction budget (default 10000000000)' }),
    memory: Flags.string({ description: 'memory limit, e.g. 64MiB, 1GiB or bytes (default 256MiB)' }),
    seed: Flags.string({ description: 'seed for random_get, in hex (default empty)' }),
    timeout: Flags.string({ description: 'wall-clock safety net, e.g. 30s, 10m (default 10m), for checking inputs, running and storing the result; a timeout is not a result' }),
    'output-entries': Flags.string({ description: 'files, directories and links /outputs and /tmp may hold together; past it, creating one fails with EDQUOT (default 10000)' }),
    'output-depth': Flags.string({ description: 'how deep directories may nest below /outputs or /tmp; past it, mkdir fails with ENAMETOOLONG (default 256)' }),
    'input-entries': Flags.string({ description: 'directory entries of the inputs the job may list in all; past it, listing fails with ENOMEM (default 100000)' }),
    force: Flags.boolean({ description: 'run even if this job has a receipt already' }),
    on: Flags.string({ description: 'where to run: local, auto (a peer holding the inputs) or a peer ID; needs `dcx daemon` unless local (default: local when the inputs are here, else auto)' }),
    replicas: Flags.integer({ min: 1, description: 'run on this many distinct peers and compare their outputs (implies --on auto; needs `dcx daemon`)' }),
    publish: Flags.string({ description: 'point this key\'s IPNS name at the output (see `dcx key ls`; needs `dcx daemon`)' })
  }

  async run (): Promise<RunSummary> {
    const { args, flags, argv } = await this.parse(Run)
    const jobArgs = (argv as string[]).slice(1)
    const limits = {
      ...(flags.fuel !== undefined ? { fuel: parseCount(flags.fuel, '--fuel') } : {}),
      ...(flags.memory !== undefined ? { memory: parseSize(flags.memory, 'memory size') } : {}),
      ...(flags['output-entries'] !== undefined ? { outputEntries: parseCount(flags['output-entries'], '--output-entries') } : {}),
      ...(flags['output-depth'] !== undefined ? { outputDepth: parseCount(flags['output-depth'], '--output-depth') } : {}),
      ...(flags['input-entries'] !== undefined ? { inputEntries: parseCount(flags['input-entries'], '--input-entries') } : {})
    }
    const request = {
      args: jobArgs,
      env: (flags.env ?? []).map(parseEnvFlag),
      inputs: (flags.input ?? []).map(parseInputFlag),
      limits,
      seed: flags.seed !== undefined ? parseSeed(flags.seed) : undefined
    }
    const timeoutMs = parseDuration(flags.timeout ?? '10m')
    const tty = process.stdout.isTTY === true && !this.jsonEnabled()
    const root = this.repoRoot(flags.repo)
    const fromFile = await isFile(args.module)
    const started = performance.now()
    const daemon = await runningDaemon(root)
    if (daemon !== undefined) {
      // the daemon holds the repo: the job goes through it (and to peers with --on)
      const moduleBytes = fromFile ? new Uint8Array(await readFile(args.module)) : undefined
      const summary: RunSummary = await daemon.call('/v0/run', {
        module: moduleBytes !== undefined ? Buffer.from(moduleBytes).toString('base64') : undefined,
        moduleCid: fromFile ? undefined : parseModuleCid(args.module).toString(),
        name: fromFile ? moduleName(args.module) : args.module,
        args: request.args,
        env: request.env,
        inputs: (flags.input ?? []).map(parseInputFlag).map(i => ({ cid: i.cid.toString(), path: i.path })),
        limits,
        seed: flags.seed,
        force: flags.force,
        timeoutMs,
        on: flags.on,
        replicas: flags.replicas,
        publish: flags.publish
      })
      return this.report(summary, false, performance.now() - started)
    }
    if (flags.on !== undefined && flags.on !== 'local') throw new NoDaemonError(root, `run --on ${flags.on}`)
    if (flags.replicas !== undefined && flags.replicas > 1) throw new NoDaemonError(root, 'run --replicas')
    if (flags.publish !== undefined) throw new NoDaemonError(root, 'run --publish')
    return await withJobs(root, 'run', async ctx => {
      let bytes: Uint8Array
      let name: string
      if (fromFile) {
        bytes = new Uint8Array(await readFile(args.module))
        name = moduleName(args.module)
      } else {
        const cid = parseModuleCid(args.module)
        bytes = await ctx.blockstore.getBytes(cid, { signal: this.signal })
        name = cid.toString()
      }
      // input progress on a TTY, until the job starts writing to stdout (streamed live)
      let bar: Progress | undefined = this.jsonEnabled() ? undefined : progressBar(`running ${name}`, undefined)
      const stopBar = (): void => { bar?.stop(); bar = undefined }
      let done: ExecutedJob
      try {
        done = await executeJob(bytes, { ...request, name }, ctx, {
          force: flags.force,
          timeoutMs,
          signal: this.signal,
          onProgress: e => bar?.update(e.detail.read, e.detail.total),
          onStdout: tty ? chunk => { stopBar(); process.stdout.write(chunk) } : undefined
        })
      } finally {
        stopBar()
      }
      return await this.report(await summarize(done, ctx.blockstore), tty && !done.cached, performance.now() - started)
    })
  }

  private async report (json: RunSummary, streamed: boolean, wallMs: number): Promise<RunSummary> {
    const dissent = (json.agreement?.dissenters.length ?? 0) > 0
    process.exitCode = dissent ? JOB_EXIT.disagreed : jobExitCode(json.status, json.exitCode)
    for (const a of json.attempts ?? []) if (!a.ok) this.warnLine(`${a.why ?? a.peer}; tried the next peer`)
    for (const hit of json.limitsHit) this.warnLine(LIMIT_HIT_TEXT[hit])
    if (json.agreement !== undefined) {
      const { results, decidedBy, output } = json.agreement
      for (const r of results.filter(r => !r.agrees)) {
        this.warnLine(`replicas disagree: peer ${r.peer} claims output ${r.output} (receipt ${r.receipt}), not ${output} (decided by ${decidedBy})`)
      }
    }
    if (this.jsonEnabled()) return json
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
    if (!streamed) {
      this.log('')
      await this.writeStdout(Buffer.from(json.stdout))
    }
    return json
  }
}

/** What a limit the job ran into means, and how to raise it */
const LIMIT_HIT_TEXT: Record<LimitHit, string> = {
  'output-entries': 'the job hit its output entry limit: creating more files, directories or links failed with EDQUOT (raise it with --output-entries)',
  'output-depth': 'the job hit its output depth limit: a directory nested deeper failed with ENAMETOOLONG (raise it with --output-depth)',
  'input-entries': 'the job hit its input entry limit: listing more of its inputs failed with ENOMEM (raise it with --input-entries)'
}

function parseModuleCid (text: string): ReturnType<typeof parseCid> {
  try {
    return parseCid(text)
  } catch {
    throw new LocalPathError(text, 'no such file, and not a CID either: pass a .wasm file or the CID of a stored module')
  }
}

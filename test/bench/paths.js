// The local data paths for npm run bench (issue 13), each against a reference
// measured in the same run, the two alternated run by run:
// - word count over 256 MiB of text: `dcx run` against the same C built with
//   gcc -O2 and the unrewritten module under node:wasi, all cold processes;
// - `dcx add` of 1 GiB into a fresh repo against `openssl sha256` of the file;
// - a job whose stdout and stderr are both empty against one that prints a byte;
// - `dcx add -r` of a folder of two identical files against two distinct ones.
//   node test/bench/paths.js [--quick]
import { spawn, spawnSync } from 'node:child_process'
import { createCipheriv } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ROOT, DCX, NODE, MiB, median, makeRandomFile, makeText } from './common.js'

const WORDCOUNT = join(ROOT, 'wasm-jobs/wordcount.wasm')
const seconds = ms => `${(ms / 1000).toFixed(2)} s`
const load = () => loadavg().map(x => x.toFixed(1)).join(' ')

const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim() || 100)

/**
 * Run a command; resolve with its wall time, its CPU time (user and system,
 * all threads: the last of /proc's figures polled every 20 ms, so short by
 * up to that much) and peak RSS, and its stdout. On two busy cores the wall
 * time follows the load; the CPU time much less.
 */
function timed (cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let peakKiB = 0
    let cpuMs = 0
    let stdout = ''
    let stderr = ''
    const sample = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
        peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0))
        // fields after the command name: utime and stime are the 12th and 13th
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8')
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        cpuMs = Math.max(cpuMs, (Number(fields[11]) + Number(fields[12])) * TICK_MS)
      } catch {}
    }
    const poll = setInterval(sample, 20)
    child.stdout.on('data', d => { stdout += d })
    child.stderr.on('data', d => { stderr += d })
    child.on('error', reject)
    child.on('close', code => {
      clearInterval(poll)
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`))
      else resolve({ ms, cpuMs, peakMiB: peakKiB / 1024, stdout })
    })
  })
}

const dcx = async (args, repo) => await timed(DCX, args, { DCX_PATH: repo })

/**
 * A WASI command whose `_start` prints nothing (`printByte` false) or the
 * byte 'x' to stdout: the smallest jobs, hand-assembled.
 */
function tinyModule (printByte) {
  const name = s => [s.length, ...Buffer.from(s)]
  const section = (id, bytes) => [id, bytes.length, ...bytes]
  // fd_write(1, iovs at 0, 1 iov, nwritten at 8), result dropped
  const body = printByte ? [0x00, 0x41, 1, 0x41, 0, 0x41, 1, 0x41, 8, 0x10, 0, 0x1a, 0x0b] : [0x00, 0x0b]
  // the iov at 0: buffer 16, length 1; the byte at 16
  const data = [16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x78]
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [2, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7f, 0x60, 0, 0]),
    ...section(2, [1, ...name('wasi_snapshot_preview1'), ...name('fd_write'), 0x00, 0]),
    ...section(3, [1, 1]),
    ...section(5, [1, 0, 1]),
    ...section(7, [2, ...name('memory'), 0x02, 0, ...name('_start'), 0x00, 1]),
    ...section(10, [1, body.length, ...body]),
    ...section(11, [1, 0, 0x41, 0, 0x0b, data.length, ...data])
  ])
}

/** The word count: dcx run, native, node:wasi, alternated */
async function wordCount (dir, quick) {
  const size = quick ? 64 * MiB : 256 * MiB
  const rounds = quick ? 1 : 5
  const repo = join(dir, 'repo-wc')
  await dcx(['init'], repo)
  const text = join(dir, 'text', 'text.txt')
  await mkdir(dirname(text))
  process.stderr.write(`paths: writing ${size / MiB} MiB of text...\n`)
  await makeText(text, size)
  const cid = (await dcx(['add', '-Q', text], repo)).stdout.trim()
  const native = join(dir, 'wc-native')
  const gcc = spawnSync('gcc', ['-O2', '-o', native, join(ROOT, 'wasm-jobs/wordcount.c')])
  const haveGcc = gcc.status === 0
  if (!haveGcc) process.stderr.write('paths: gcc not found (or failed): the native word count is not measured\n')
  const nativeOut = join(dir, 'native-out')
  const wasiOut = join(dir, 'wasi-out')
  await mkdir(nativeOut)
  await mkdir(wasiOut)
  const wasiScript = `
    const { WASI } = require('node:wasi')
    const wasi = new WASI({ version: 'preview1', args: ['wordcount', '/in/text.txt'], env: { OUTPUTS: '/out' },
      preopens: { '/in': ${JSON.stringify(dirname(text))}, '/out': ${JSON.stringify(wasiOut)} }, returnOnExit: true })
    const m = new WebAssembly.Module(require('node:fs').readFileSync(${JSON.stringify(WORDCOUNT)}))
    process.exitCode = wasi.start(new WebAssembly.Instance(m, wasi.getImportObject()))`
  const times = { run: [], native: [], wasi: [] }
  const cpu = { run: [], native: [], wasi: [] }
  let out
  for (let i = 0; i < rounds; i++) {
    process.stderr.write(`paths: word count round ${i + 1}/${rounds}...\n`)
    const r = await dcx(['run', WORDCOUNT, '--input', cid, '--force', '--fuel', '1000000000000', '--json'], repo)
    times.run.push(r.ms)
    cpu.run.push(r.cpuMs)
    out = JSON.parse(r.stdout)
    if (haveGcc) {
      const n = await timed(native, [text], { OUTPUTS: nativeOut })
      times.native.push(n.ms)
      cpu.native.push(n.cpuMs)
    }
    const w = await timed(NODE, ['--no-warnings', '-e', wasiScript])
    times.wasi.push(w.ms)
    cpu.wasi.push(w.cpuMs)
  }
  const total = l => l.split('\n').find(x => x.endsWith(' total'))
  const ours = total((await dcx(['cat', `${out.output}/outputs/wc.txt`], repo)).stdout)
  if (total(await readFile(join(wasiOut, 'wc.txt'), 'utf8')) !== ours) throw new Error('node:wasi and dcx word counts differ')
  if (haveGcc && total(await readFile(join(nativeOut, 'wc.txt'), 'utf8')) !== ours) throw new Error('native and dcx word counts differ')
  const run = median(times.run)
  const wasi = median(times.wasi)
  const runCpu = median(cpu.run)
  return [
    `| word count, ${size / MiB} MiB of text, \`dcx run\` (cold process; median of ${rounds}, alternated with the two below) | ${seconds(run)} (CPU ${seconds(runCpu)}), fuel ${out.fuel} |`,
    haveGcc
      ? `| same C, gcc -O2, native | ${seconds(median(times.native))} (CPU ${seconds(median(cpu.native))}): dcx run is **${(run / median(times.native)).toFixed(2)}x** (CPU ${(runCpu / median(cpu.native)).toFixed(2)}x) |`
      : '| same C, gcc -O2, native | gcc not found: not measured |',
    `| same module unrewritten under node:wasi, reading the same bytes from a local file (cold process) | ${seconds(wasi)} (CPU ${seconds(median(cpu.wasi))}): dcx run is **${(run / wasi).toFixed(2)}x** (CPU ${(runCpu / median(cpu.wasi)).toFixed(2)}x) |`
  ]
}

/** dcx add of a fresh file into a fresh repo, alternated with openssl sha256 over the same file */
async function add (dir, quick) {
  const size = quick ? 256 * MiB : 1024 * MiB
  const rounds = quick ? 1 : 3
  const file = join(dir, 'data.bin')
  process.stderr.write(`paths: writing ${size / MiB} MiB...\n`)
  await makeRandomFile(file, size, 1)
  const haveOpenssl = spawnSync('openssl', ['version']).status === 0
  if (!haveOpenssl) process.stderr.write('paths: openssl not found: the add is not compared with it\n')
  const adds = []
  const hashes = []
  const addCpu = []
  const hashCpu = []
  let peakMiB = 0
  for (let i = 0; i < rounds; i++) {
    process.stderr.write(`paths: add round ${i + 1}/${rounds}...\n`)
    const repo = join(dir, `repo-add-${i}`)
    await dcx(['init'], repo)
    // every run starts with the same disk state: earlier runs' writes flushed
    spawnSync('sync')
    const r = await dcx(['add', '-Q', file], repo)
    adds.push(size / 1e6 / (r.ms / 1000))
    addCpu.push(r.cpuMs)
    peakMiB = Math.max(peakMiB, r.peakMiB)
    await rm(repo, { recursive: true, force: true })
    if (haveOpenssl) {
      const h = await timed('openssl', ['sha256', file])
      hashes.push(size / 1e6 / (h.ms / 1000))
      hashCpu.push(h.cpuMs)
    }
  }
  // memory must not grow with the file: a quarter of it, once
  const small = join(dir, 'small.bin')
  await makeRandomFile(small, size / 4, 1)
  const smallRepo = join(dir, 'repo-add-small')
  await dcx(['init'], smallRepo)
  const smallPeak = (await dcx(['add', '-Q', small], smallRepo)).peakMiB
  await rm(smallRepo, { recursive: true, force: true })
  await rm(small, { force: true })
  await rm(file, { force: true })
  const ours = median(adds)
  return [
    `| \`dcx add\` ${size / MiB} MiB file, fresh repo (median of ${rounds}, alternated with openssl) | ${ours.toFixed(0)} MB/s (CPU ${seconds(median(addCpu))}), peak RSS ${peakMiB.toFixed(0)} MiB (${smallPeak.toFixed(0)} MiB adding ${size / 4 / MiB} MiB) |`,
    haveOpenssl
      ? `| \`openssl sha256\` of the same file | ${median(hashes).toFixed(0)} MB/s (CPU ${seconds(median(hashCpu))}): dcx add is **${(ours / median(hashes)).toFixed(2)}** of it (CPU: ${(median(hashCpu) / median(addCpu)).toFixed(2)}) |`
      : '| `openssl sha256` of the same file | openssl not found: not measured |'
  ]
}

/** A job with empty stdout and stderr against one that prints a byte, cold `dcx run --force`, alternated */
async function emptyOutput (dir, quick) {
  const rounds = quick ? 3 : 9
  const repo = join(dir, 'repo-quiet')
  await dcx(['init'], repo)
  const quiet = join(dir, 'quiet.wasm')
  const oneByte = join(dir, 'one-byte.wasm')
  await writeFile(quiet, tinyModule(false))
  await writeFile(oneByte, tinyModule(true))
  // warm the rewrite cache of both
  await dcx(['run', quiet], repo)
  await dcx(['run', oneByte], repo)
  const times = { quiet: [], oneByte: [] }
  for (let i = 0; i < rounds; i++) {
    times.quiet.push((await dcx(['run', quiet, '--force'], repo)).ms)
    times.oneByte.push((await dcx(['run', oneByte, '--force'], repo)).ms)
  }
  const q = median(times.quiet)
  const o = median(times.oneByte)
  return [
    `| a job whose stdout and stderr are both empty, cold \`dcx run --force\` (median of ${rounds}, alternated) | ${q.toFixed(0)} ms |`,
    `| a job that prints one byte, the same way | ${o.toFixed(0)} ms: the empty one takes **${(q / o).toFixed(2)}x** |`
  ]
}

/** dcx add -r of a folder of two identical files against one of two distinct files, fresh repos, alternated */
async function identicalFiles (dir, quick) {
  const rounds = quick ? 3 : 9
  const same = join(dir, 'same')
  const distinct = join(dir, 'distinct')
  await mkdir(same)
  await mkdir(distinct)
  const bytes = i => createCipheriv('aes-128-ctr', Buffer.alloc(16, i), Buffer.alloc(16)).update(Buffer.alloc(100_000))
  await writeFile(join(same, 'a.bin'), bytes(1))
  await writeFile(join(same, 'b.bin'), bytes(1))
  await writeFile(join(distinct, 'a.bin'), bytes(2))
  await writeFile(join(distinct, 'b.bin'), bytes(3))
  const times = { same: [], distinct: [] }
  for (let i = 0; i < rounds; i++) {
    for (const [kind, folder] of [['same', same], ['distinct', distinct]]) {
      const repo = join(dir, `repo-${kind}-${i}`)
      await dcx(['init'], repo)
      times[kind].push((await dcx(['add', '-r', '-Q', folder], repo)).ms)
      await rm(repo, { recursive: true, force: true })
    }
  }
  const s = median(times.same)
  const d = median(times.distinct)
  return [
    `| \`dcx add -r\` of a folder of two identical 100 kB files, fresh repo (median of ${rounds}, alternated) | ${s.toFixed(0)} ms |`,
    `| the same with two distinct files | ${d.toFixed(0)} ms: identical files take **${(s / d).toFixed(2)}x** |`
  ]
}

export async function pathRows ({ quick }) {
  const dir = await mkdtemp(join(tmpdir(), 'dcx-bench-paths-'))
  try {
    const before = load()
    const rows = [
      ...await wordCount(dir, quick),
      ...await add(dir, quick),
      ...await emptyOutput(dir, quick),
      ...await identicalFiles(dir, quick)
    ]
    rows.push(`| load average (1, 5, 15 min) before and after these rows | ${before}; ${load()} |`)
    return rows
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(['| local data path | figure |', '|---|---|', ...await pathRows({ quick: process.argv.includes('--quick') })].join('\n'))
}

// Start-up before and after: cold `dcx --version` and `dcx cat` of a small file
// for two builds, alternated run by run, against `node -e 0` in the same run.
//   node test/bench/startup-ab.js <other checkout, built>   (this checkout is "after")
import { execFileSync } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const before = process.argv[2]
if (before === undefined) { console.error('usage: node test/bench/startup-ab.js <other checkout, built>'); process.exit(2) }
const NODE = join(ROOT, 'node_modules/node/bin/node')
const dir = await mkdtemp(join(tmpdir(), 'dcx-startup-'))
const repo = join(dir, 'repo')
execFileSync(join(ROOT, 'bin/dcx'), ['init', '--repo', repo])
await writeFile(join(dir, 'hi.txt'), 'hello world\n')
const cid = execFileSync(join(ROOT, 'bin/dcx'), ['add', '-Q', '--repo', repo, join(dir, 'hi.txt')]).toString().trim()
const cases = {
  'node -e 0': [NODE, ['-e', '0']],
  'version before': [join(before, 'bin/dcx'), ['--version']],
  'version after': [join(ROOT, 'bin/dcx'), ['--version']],
  'cat before': [join(before, 'bin/dcx'), ['cat', '--repo', repo, cid]],
  'cat after': [join(ROOT, 'bin/dcx'), ['cat', '--repo', repo, cid]]
}
const times = {}
for (let i = 0; i < 15; i++) {
  for (const [name, [cmd, args]] of Object.entries(cases)) {
    const start = performance.now()
    execFileSync(cmd, args)
    if (i >= 2) (times[name] ??= []).push(performance.now() - start)
  }
}
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const node = median(times['node -e 0'])
for (const [name, xs] of Object.entries(times)) console.log(`${name.padEnd(16)} ${median(xs).toFixed(0)} ms  ${(median(xs) / node).toFixed(1)}x`)

// Map/reduce figures for npm run bench (--map), with real `dcx daemon`
// processes on 127.0.0.1, driven through their control API (warm daemons,
// no CLI start-up in the figures):
// - per-shard overhead: a trivial map (prints one line) over 100 one-line
//   shards held by one daemon, run from another connected one, against 100
//   local runs of the same job, one after another, on the holder;
// - a word count (wasm-jobs/wcmap + wcreduce) over 8 shards spread over four
//   holders, run from a fifth peer, against one peer holding everything and
//   running every shard itself (`--on local`); and, from each shard's time
//   measured alone, what the ratio would be with a core per peer.
// The machine's load average is reported: the daemons share its cores.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, MiB, median, dcx, daemon } from './common.js'

const load = () => loadavg().map(x => x.toFixed(1)).join(' ')

/** Deterministic text from a 4000-word vocabulary */
function text (seed, bytes) {
  let x = seed >>> 0
  const next = () => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return x }
  const words = Array.from({ length: 4000 }, (_, i) => i.toString(36).replace(/[0-9]/g, d => 'qrstuvwxyz'[d]))
  const out = Buffer.alloc(bytes)
  let at = 0
  while (at < bytes) {
    const w = words[next() % words.length]
    at += out.write(next() % 10 === 0 ? `${w}\n` : `${w} `, at)
  }
  out[bytes - 1] = 10
  return out
}

/** Keep only the directory's own block and these entries on a repo (offline): a holder of some shards */
function holdOnly (repo, dir, names) {
  const root = dcx(['add', '-r', '-Q', dir], repo).trim()
  const all = new Map(JSON.parse(dcx(['ls', root, '--json'], repo)).map(e => [e.name, e.cid]))
  dcx(['pin', 'rm', root], repo)
  dcx(['pin', 'add', '--no-recursive', root], repo)
  for (const n of names) dcx(['pin', 'add', all.get(n)], repo)
  dcx(['repo', 'gc', '-q'], repo)
  return { root, all }
}

export async function mapRows ({ quick, mapMiB }) {
  const dir = await mkdtemp(join(tmpdir(), 'dcx-bench-map-'))
  const running = []
  const rows = []
  const loadBefore = load()
  try {
    const hello = (await readFile(join(ROOT, 'test/wasm/wat/hello.wasm'))).toString('base64')
    const wcmap = (await readFile(join(ROOT, 'wasm-jobs/wcmap.wasm'))).toString('base64')
    const wcreduce = (await readFile(join(ROOT, 'wasm-jobs/wcreduce.wasm'))).toString('base64')

    process.stderr.write('map: per-shard overhead...\n')
    const lines = join(dir, 'lines')
    await mkdir(lines)
    for (let i = 0; i < 100; i++) await writeFile(join(lines, `line-${String(i).padStart(3, '0')}`), `line ${i}\n`)
    const h = join(dir, 'h'); const r = join(dir, 'r')
    dcx(['init'], h); dcx(['init'], r)
    const linesRoot = dcx(['add', '-r', '-Q', lines], h).trim()
    const shardCids = JSON.parse(dcx(['ls', linesRoot, '--json'], h)).map(e => e.cid)
    const dh = await daemon(h); running.push(dh)
    const dr = await daemon(r); running.push(dr)
    await dr.api.run('swarm/connect', { addr: dh.addr })
    const trivialMap = i => ({ map: { module: hello, name: 'hello' }, input: linesRoot, env: [['RUN', String(i)]] })
    await dr.api.run('map', trivialMap(-1))
    const maps = []
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      const t = performance.now()
      const s = await dr.api.run('map', trivialMap(i))
      maps.push(performance.now() - t)
      if (s.shards.some(x => x.executor !== dh.peerId || x.cached)) throw new Error(`a shard did not run on the holder: ${JSON.stringify(s.shards.filter(x => x.executor !== dh.peerId || x.cached).slice(0, 2))} ${JSON.stringify(s.attempts.slice(0, 2))}`)
    }
    const job = (cid, i) => ({ module: hello, name: 'hello', args: [], env: [['RUN', String(i)]], inputs: [{ cid, path: '/inputs' }], limits: {}, force: true })
    await dh.api.run('run', job(shardCids[0], -1))
    const locals = []
    for (let k = 0; k < (quick ? 1 : 3); k++) {
      const t = performance.now()
      for (let i = 0; i < 100; i++) await dh.api.run('run', job(shardCids[i], k))
      locals.push(performance.now() - t)
    }
    const perShard = median(maps) / 100
    const perLocal = median(locals) / 100
    rows.push(`| trivial map over 100 one-line shards, held by one warm daemon, run from another (median of ${maps.length}) | ${median(maps).toFixed(0)} ms: ${perShard.toFixed(1)} ms per shard |`)
    rows.push(`| the same job, 100 local runs one after another on the holder's daemon | ${median(locals).toFixed(0)} ms: ${perLocal.toFixed(1)} ms per run; the map costs ${(perShard / perLocal).toFixed(2)}x per shard |`)
    await Promise.all(running.splice(0).map(d => d.stop()))

    const total = (mapMiB ?? (quick ? 64 : 256)) * MiB
    process.stderr.write(`map: word count over ${total / MiB} MiB, four peers against one...\n`)
    const data = join(dir, 'data')
    await mkdir(data)
    for (let s = 0; s < 8; s++) await writeFile(join(data, `part-${s}.txt`), text(s + 1, total / 8))
    const repos = ['p0', 'p1', 'p2', 'p3', 'e', 'solo'].map(n => join(dir, n))
    for (const repo of repos) dcx(['init'], repo)
    let root
    for (let p = 0; p < 4; p++) root = holdOnly(repos[p], data, [`part-${2 * p}.txt`, `part-${2 * p + 1}.txt`]).root
    dcx(['add', '-r', '-Q', data], repos[5])
    process.stderr.write('map: data placed; starting six daemons...\n')
    const ds = await Promise.all(repos.map(daemon)); running.push(...ds)
    for (let p = 0; p < 4; p++) await ds[4].api.run('swarm/connect', { addr: ds[p].addr })
    const wc = (on, i) => ({ map: { module: wcmap, name: 'wcmap' }, reduce: { module: wcreduce, name: 'wcreduce' }, input: root, env: [['RUN', String(i)]], ...(on !== undefined ? { on } : {}) })
    const runs = quick ? 1 : 3
    const four = []; const one = []
    let answer
    for (let i = 0; i < runs; i++) {
      process.stderr.write(`map: run ${i + 1} of ${runs}: four peers, then one...\n`)
      let t = performance.now()
      const s = await ds[4].api.run('map', wc(undefined, i))
      four.push(performance.now() - t)
      if (s.shards.some(x => x.executor === ds[4].peerId)) throw new Error('a shard ran on the requester')
      t = performance.now()
      const o = await ds[5].api.run('map', wc('local', i))
      one.push(performance.now() - t)
      if (s.reduce.stdout !== o.reduce.stdout) throw new Error(`four peers counted ${s.reduce.stdout}, one ${o.reduce.stdout}`)
      answer = s.reduce.stdout.trim()
    }
    process.stderr.write('map: each shard alone...\n')
    // each shard alone on one daemon: what a core per peer would give
    const alone = []
    const entries = JSON.parse(dcx(['ls', root, '--json'], repos[5]))
    for (const e of entries) {
      const t = performance.now()
      await ds[5].api.run('run', { module: wcmap, name: 'wcmap', args: [], env: [['DCX_SHARD', e.name], ['ALONE', '1']], inputs: [{ cid: e.cid, path: '/inputs' }], limits: {}, force: true })
      alone.push(performance.now() - t)
    }
    const serial = alone.reduce((a, b) => a + b, 0)
    const perPeer = [0, 1, 2, 3].map(p => alone[2 * p] + alone[2 * p + 1])
    const fourCores = Math.max(...perPeer)
    rows.push(`| word count over ${total / MiB} MiB in 8 shards (${answer}): four holders, two shards each, run from a fifth peer (median of ${runs}) | ${(median(four) / 1000).toFixed(2)} s |`)
    rows.push(`| the same, one peer holding everything, every shard on itself (\`--on local\`, up to its 2 cores) | ${(median(one) / 1000).toFixed(2)} s: four peers take ${(median(four) / median(one)).toFixed(2)}x its time on these shared cores |`)
    rows.push(`| each shard alone on a warm daemon: sum, and the busiest peer's two | ${(serial / 1000).toFixed(2)} s; ${(fourCores / 1000).toFixed(2)} s: with a core per peer, four peers would take about ${(fourCores / serial).toFixed(2)}x one peer on one core (${(serial / fourCores).toFixed(1)}x faster), before the reduce |`)
    rows.push(`| load average (1, 5, 15 min) before and after these rows | ${loadBefore}; ${load()} |`)
    return rows
  } finally {
    await Promise.all(running.map(d => d.stop()))
    await rm(dir, { recursive: true, force: true })
  }
}

// npm run wasi-testsuite -- <dir>
// Runs every preview1 test of a checkout of the WebAssembly wasi-testsuite
// (its prod/testsuite-base branch holds the built tests) against dcx's
// deterministic WASI host: <dir>/tests/*/testsuite/wasm32-wasip1/*.wasm, each
// with its JSON spec (args, env, root, exit_code, stdout, stderr; legacy or
// operations form). The spec's root is copied into a writable in-memory tree
// preopened as "/", so the checkout is never written. Prints one line per test
// and ends with "N passed, N failed". The suite itself is not part of dcx.
import { lstat, readdir, readFile, readlink } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const { prepareModule, runModule } = await import(join(ROOT, 'dist/wasm/index.js'))

const dir = process.argv[2]
if (dir === undefined) {
  console.error('usage: npm run wasi-testsuite -- <wasi-testsuite checkout> [name filter]')
  process.exit(2)
}
const filter = process.argv[3]

/** A host directory as a tree for the runtime (files read into memory: the suite's are tiny) */
async function load (path) {
  const st = await lstat(path)
  if (st.isSymbolicLink()) return { type: 'symlink', target: await readlink(path) }
  if (st.isDirectory()) {
    const entries = new Map()
    for (const name of (await readdir(path)).sort()) {
      if (name.endsWith('.cleanup')) continue
      entries.set(name, await load(join(path, name)))
    }
    return { type: 'dir', entries }
  }
  return { type: 'file', bytes: new Uint8Array(await readFile(path)) }
}

/** The spec, in the legacy form, from either form */
function normalize (spec) {
  if (spec.operations === undefined) return spec
  const out = { args: [], env: {}, root: null, exit_code: 0 }
  for (const op of spec.operations) {
    if (op.type === 'run') Object.assign(out, { args: op.args ?? [], env: op.env ?? {}, root: op.root ?? null })
    else if (op.type === 'wait') out.exit_code = op.exit_code ?? 0
    else if (op.type === 'read') out[op.id ?? 'stdout'] = op.payload ?? ''
    else out.unsupported = op.type
  }
  return out
}

async function findTests (base) {
  const tests = []
  for (const lang of (await readdir(join(base, 'tests'))).sort()) {
    const suite = join(base, 'tests', lang, 'testsuite', 'wasm32-wasip1')
    let names
    try { names = await readdir(suite) } catch { continue }
    for (const name of names.sort()) if (name.endsWith('.wasm')) tests.push({ lang, path: join(suite, name) })
  }
  return tests
}

const decoder = new TextDecoder()
let passed = 0
let failed = 0
for (const { lang, path } of await findTests(dir)) {
  const name = `${lang}/${basename(path, '.wasm')}`
  if (filter !== undefined && !name.includes(filter)) continue
  let spec = {}
  try { spec = JSON.parse(await readFile(path.replace(/\.wasm$/, '.json'), 'utf8')) } catch {}
  spec = normalize(spec)
  const problems = []
  try {
    if (spec.unsupported !== undefined) throw new Error(`needs the ${spec.unsupported} operation, which preview1 jobs do not have`)
    const bytes = new Uint8Array(await readFile(path))
    const prepared = await prepareModule(bytes, { memoryLimit: 2 ** 30 })
    const root = spec.root != null ? await load(join(dirname(path), spec.root)) : { type: 'dir', entries: new Map() }
    const result = await runModule(prepared, {
      args: [basename(path), ...(spec.args ?? [])],
      env: Object.entries(spec.env ?? {}),
      writableRoot: root,
      // the suite's own runner preopens nothing when a test has no root
      noPreopen: spec.root == null,
      timeoutMs: 60_000
    })
    await result.dispose()
    const code = result.status === 'exit' ? result.exitCode : undefined
    const expected = spec.exit_code ?? 0
    if (code !== expected) problems.push(`exit ${code ?? result.status + (result.trap ? ` (${result.trap})` : '')}, expected ${expected}`)
    for (const stream of ['stdout', 'stderr']) {
      const want = spec[stream]
      if (want == null) continue
      const got = decoder.decode(result[stream])
      // as the suite's own runner does: the stream must begin with the payload
      if (!got.startsWith(want)) problems.push(`${stream} ${JSON.stringify(got.slice(0, 200))}, expected ${JSON.stringify(want)}`)
    }
    if (problems.length > 0 && result.stderr.length > 0) problems.push(`stderr: ${decoder.decode(result.stderr).trim().slice(0, 300)}`)
  } catch (err) {
    problems.push(err.message)
  }
  if (problems.length === 0) {
    passed++
    console.log(`PASS ${name}`)
  } else {
    failed++
    console.log(`FAIL ${name}: ${problems.join('; ')}`)
  }
}
console.log(`${passed} passed, ${failed} failed`)
process.exitCode = failed === 0 ? 0 : 1

import { CID } from 'multiformats/cid'
import { readFileSync } from 'node:fs'
import { openBlockRepo } from './dist/repo/block-repo.js'
import { mountUnixFS } from './dist/jobs/mount.js'
import { prepareModule, runModule } from './dist/wasm/index.js'
const [mode, cid] = process.argv.slice(2)
const { blockstore } = await openBlockRepo('/tmp/br')
const bytes = readFileSync('wasm-jobs/wordcount.wasm')
const p = await prepareModule(bytes, { memoryLimit: 2 ** 28 })
const text = mode.includes('memory') ? readFileSync('/tmp/text256.txt') : undefined
const node = text ? { type: 'file', size: text.length, read: async (o, l) => text.subarray(o, o + l) } : await mountUnixFS(CID.parse(cid), blockstore)
const raw = mode.includes('raw')
const r = await runModule(p, { args: ['wc'], mounts: [{ path: '/inputs', node }], limits: { fuel: 10n ** 12n }, uninstrumented: raw ? new WebAssembly.Module(bytes) : undefined })
console.log(mode, r.durationMs.toFixed(0), 'ms')

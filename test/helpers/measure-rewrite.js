// Validates and rewrites the module in the file argv[2] (memory limit argv[3]
// pages, default 16; `exact` as argv[4] for the exact-fuel variant) in a
// process of its own, so that its peak memory is the rewrite's, and prints
// what it cost as JSON: { bytes, out?, error?, ms, baseRss, peakRss }.
import { readFileSync } from 'node:fs'
import { validateModule } from '../../dist/wasm/validate.js'
import { instrumentModule } from '../../dist/wasm/instrument/rewrite.js'

/**
 * This process's peak resident memory. Linux's VmHWM belongs to this
 * program's own address space; getrusage's maxrss would also count the
 * parent's pages that this process held between fork and exec.
 */
function peakResident () {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (hwm !== null) return Number(hwm[1]) * 1024
  } catch {}
  return process.resourceUsage().maxRSS * 1024
}

const bytes = new Uint8Array(readFileSync(process.argv[2]))
const pages = Number(process.argv[3] ?? 16)
const exact = process.argv[4] === 'exact'
const baseRss = process.memoryUsage().rss
const started = performance.now()
let out, error
try {
  out = instrumentModule(validateModule(bytes, pages * 65536), pages, exact).length
} catch (err) {
  error = String(err?.message ?? err)
}
const ms = performance.now() - started
const peakRss = peakResident()
console.log(JSON.stringify({ bytes: bytes.length, out, error, ms, baseRss, peakRss }))

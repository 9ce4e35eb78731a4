#!/usr/bin/env node
// The oclif entry point. Started through bin/dcx, which picks a Node >= 22.
import module from 'node:module'

// Cache compiled code across runs: most of a cold start is compiling oclif
module.enableCompileCache?.()

// A reader that goes away (`dcx cat <cid> | head -c 10`) ends dcx quietly
// with the status a shell reports for `cat` killed by SIGPIPE: 128 + 13.
// Node ignores SIGPIPE, so without this a write fails with EPIPE, the
// pending write never drains and Node exits 13 with a warning.
const EXIT_SIGPIPE = 141
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', err => {
    if (err.code === 'EPIPE') process.exit(EXIT_SIGPIPE)
    throw err
  })
}

const [{ execute }, { hoistGlobalFlags }] = await Promise.all([import('@oclif/core'), import('../dist/cli/argv.js')])
await execute({ dir: import.meta.url, args: hoistGlobalFlags(process.argv.slice(2)) })

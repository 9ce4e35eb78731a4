#!/usr/bin/env node
// The oclif entry point. Started through bin/dcx, which picks a Node >= 22.
import module from 'node:module'

// Cache compiled code across runs: most of a cold start is compiling oclif
module.enableCompileCache?.()

const { main } = await import('../dist/bundle/main.js')
await main()

#!/usr/bin/env node
// The oclif entry point. Started through bin/dcx, which picks a Node >= 22.
import module from 'node:module'

// Cache compiled code across runs: most of a cold start is compiling oclif
module.enableCompileCache?.()

// bin/dcx has already chosen a Node >= 22; oclif's own check of its engines
// range would load semver and read package.json again on every start
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= 'true'

const { main } = await import('../dist/bundle/main.js')
await main()

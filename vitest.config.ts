import { defineConfig } from 'vitest/config'

// Two test files at a time even on a 2-core machine (vitest's default there is
// one): most files wait on daemons, sockets and child processes rather than
// compute, so the suite takes about half as long. Tests run the CLI and start
// daemons, so their time limits are minutes, not vitest's 5 s (as `npm test` sets).
export default defineConfig({
  test: {
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})

import { defineConfig } from 'vitest/config'

// Two test files at a time even on a 2-core machine (vitest's default there is
// one): most files wait on daemons, sockets and child processes rather than
// compute, so the suite takes about half as long.
export default defineConfig({
  test: {
    maxWorkers: 2
  }
})

import { defineConfig } from 'vitest/config';

/**
 * ioredis's cluster client rejects a promise nobody holds when a node it talks to is killed
 * ("Connection is closed." from its connection's close handler: redis/ioredis#1140). The tests'
 * tenant clients (counted writes) meet it whenever a test kills a node; the commands they await
 * are retried or rejected to them as usual. Only that exact error is ignored.
 */
const ioredisClosedConnection = (error: { message?: string; stack?: string }) =>
  error.message === 'Connection is closed.' && /ioredis[\\/]built[\\/]redis[\\/]event_handler\.js/.test(error.stack ?? '');

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    globalSetup: ['packages/testkit/src/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Test files run side by side: they wait on Redis (writable delay, node timeout, leases) far
    // more than they compute, and each has its own addresses, ports, databases and queue prefix.
    // TEST_WORKERS=1 runs them one at a time.
    maxWorkers: Number(process.env.TEST_WORKERS ?? 4),
    reporters: ['default', './packages/testkit/src/summary-reporter.ts'],
    onUnhandledError: (error) => !ioredisClosedConnection(error),
  },
});

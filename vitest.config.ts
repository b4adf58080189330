import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // One worker per core (vitest's default leaves one idle: a single worker on a two-core machine).
    maxWorkers: Math.max(os.availableParallelism(), 2),
    // A worker keeps its modules from one test file to the next. The API's validator compiles each
    // operation's schemas once per process (src/http/openapi-validator.ts), which is most of what a
    // test file's app costs: isolated, every file paid it again and the suite took four times as
    // long. So a test file leaves no module state behind: no vi.mock, and a spy, fake timers or an
    // environment variable it sets are put back before it ends.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

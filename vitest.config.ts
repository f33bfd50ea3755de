import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: CI machines are small and shared; speed is measured by `npm run bench`, not here.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      // Re-exports only, and the bin's process wiring (run by the CLI tests in a child process).
      exclude: ['src/index.ts', 'src/cli/index.ts'],
      reporter: ['text-summary', 'text'],
    },
  },
});

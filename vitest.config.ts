import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      // Re-exports only, and the bin's process wiring (run by the CLI tests in a child process).
      exclude: ['src/index.ts', 'src/cli/index.ts'],
      reporter: ['text-summary', 'text'],
    },
  },
});

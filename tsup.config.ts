import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library: ESM + CJS with types for both (index.d.ts / index.d.cts).
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
  },
  {
    // The CLI: Node only, ESM; it bundles the library's public entry (src/index.ts).
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
]);

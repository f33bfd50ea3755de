import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library: ESM + CJS with types for both (index.d.ts / index.d.cts), and the Node-only
    // subpaths neardup/node (node.js / node.cjs: snapshot files) and neardup/redis (RedisStorage).
    entry: { index: 'src/index.ts', node: 'src/node.ts', redis: 'src/redis.ts' },
    // The optional peer dependency of neardup/redis: loaded from the user's node_modules.
    external: ['ioredis'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    // Shared chunks in CJS too, so require('neardup') and require('neardup/node') share one
    // MinHashLSH and one NeardupError class (instanceof works across the two entries).
    splitting: true,
    // import.meta.url in the CJS build too: workerSigner finds dist/sign-worker.mjs with it.
    shims: true,
  },
  {
    // The worker thread of workerSigner (neardup/node): one self-contained ESM file, started by
    // the ESM and CJS builds and the CLI alike.
    entry: { 'sign-worker': 'src/node/sign-worker.ts' },
    format: ['esm'],
    outExtension: () => ({ js: '.mjs' }),
    sourcemap: true,
    target: 'node20',
    platform: 'node',
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

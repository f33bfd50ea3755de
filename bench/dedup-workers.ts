// dedup with its signing in worker threads (workerSigner from neardup/node) against dedup signing
// in the main thread, on the same corpus: documents per second for each, the speedup, and a check
// that every configuration finds the same clusters. Not a test: run
//   npx esbuild bench/dedup-workers.ts --bundle --platform=node --format=esm \
//     --packages=external --outfile=.bench/dedup-workers.mjs && node .bench/dedup-workers.mjs [docs] [runs]
// It prints a Markdown table. The suite's worker section (npm run bench) measures the same with
// bench/lib/workers.ts; this is the standalone version for other sizes.
//
// The corpus is bench/lib/corpus.ts's plantedCorpus (news-like text, every tenth document an
// edited copy of an earlier one). It is generated before the clock starts, so the figures are
// dedup's own (reading, signing, indexing, querying, clustering), not the generator's. The
// workers run .bench/sign-worker.mjs, built from the sources first.

import os from 'node:os';
import { plantedCorpus } from './lib/corpus.js';
import { buildSignWorker, median, timeWorkerDedup, workersLabel } from './lib/workers.js';

const count = Number(process.argv[2] ?? 50_000);
const runs = Number(process.argv[3] ?? 3);

const docs = Array.from(plantedCorpus(count, 42), ({ id, text }) => ({ id, text }));
const chars = docs.reduce((n, d) => n + d.text.length, 0);
console.log(
  `dedup of ${count} documents (${Math.round(chars / count)} characters each), ` +
    `threshold 0.8, batches of 1000, ${runs} runs per configuration, interleaved; ` +
    `${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}\n`,
);

const times = await timeWorkerDedup(docs, { runs, script: buildSignWorker() });
const rate = (ms: number) => count / (ms / 1000);
const base = rate(median(times.configs[0]!.wall));
console.log('| signing in | docs/s (median) | runs (docs/s) | CPU / elapsed | speedup |');
console.log('|---|---:|---|---:|---:|');
for (const t of times.configs) {
  const m = rate(median(t.wall));
  const busy = t.cpu.reduce((a, b) => a + b, 0) / t.wall.reduce((a, b) => a + b, 0);
  console.log(
    `| ${workersLabel(t.workers)} | ${Math.round(m).toLocaleString('en-US')} | ` +
      `${t.wall.map((w) => Math.round(rate(w)).toLocaleString('en-US')).join(', ')} | ` +
      `${busy.toFixed(2)} | ${(m / base).toFixed(2)}× |`,
  );
}
console.log(
  `\nSame clusters in every run: ${times.clusters} clusters, ${times.pairs} pairs ` +
    `(peak RSS ${Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20)} MB).`,
);

// dedup with its signing in worker threads (workerSigner from neardup/node) against dedup signing
// in the main thread, on the same corpus: documents per second for each, the speedup, and a check
// that every configuration finds the same clusters. Not a test: run
//   node_modules/.bin/esbuild bench/dedup-workers.ts --bundle --platform=node --format=esm \
//     --packages=external --outfile=.bench/dedup-workers.mjs && node .bench/dedup-workers.mjs [docs] [runs] [words]
// (the workers load dist/sign-worker.mjs: build first with `npx tsup`). It prints a Markdown table.
//
// The corpus is bench/lsh-scale.ts's: random-word articles of `words` words, every tenth an
// edited copy of an earlier one. It is generated before the clock starts, so the figures are
// dedup's own (reading, signing, indexing, querying, clustering), not the generator's.

import os from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { type DedupResult, dedup } from '../src/index.js';
import { workerSigner } from '../src/node.js';
import { randomWords, rng } from '../test/text-generators.js';

const count = Number(process.argv[2] ?? 50_000);
const runs = Number(process.argv[3] ?? 3);
const words = Number(process.argv[4] ?? 500);

/** bench/lsh-scale.ts's corpus, kept in memory. */
function corpus(): { id: string; text: string }[] {
  const next = rng(42);
  const kept: string[][] = [];
  const docs: { id: string; text: string }[] = [];
  for (let i = 0; i < count; i++) {
    let w: string[];
    if (i % 10 === 9 && kept.length > 0) {
      w = kept[Math.floor(next() * kept.length)]!.slice();
      for (let e = 0; e < w.length * 0.01; e++) w[Math.floor(next() * w.length)] = randomWords(1, next)[0]!;
    } else w = randomWords(words, next);
    if (kept.length < 2000) kept.push(w);
    else kept[Math.floor(next() * kept.length)] = w;
    docs.push({ id: `doc-${i}`, text: w.join(' ') });
  }
  return docs;
}

const docs = corpus();
const chars = docs.reduce((n, d) => n + d.text.length, 0);
console.log(
  `dedup of ${count} documents of ${words} words (${Math.round(chars / count)} characters each), ` +
    `threshold 0.8, batches of 1000, ${runs} runs per configuration, interleaved; ` +
    `${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}\n`,
);

// 0: signing in the main thread (no hook); n ≥ 1: n worker threads, started and closed in the timing.
const configs = [0, 1, 2];
const label = (w: number) => (w === 0 ? 'main thread only' : `${w} worker thread${w > 1 ? 's' : ''}`);

async function once(workers: number): Promise<{ seconds: number; result: DedupResult }> {
  const start = performance.now();
  // Bundled into .bench/, the worker script is not beside this file: point at the built one.
  const script = new URL('../dist/sign-worker.mjs', import.meta.url);
  const signer = workers > 0 ? workerSigner({ workers, script }) : undefined;
  try {
    const result = await dedup(docs, { threshold: 0.8, sign: signer?.sign });
    return { seconds: (performance.now() - start) / 1000, result };
  } finally {
    await signer?.close();
  }
}

await once(0); // warm-up: JIT and the first index of the process
const rates = new Map<number, number[]>(configs.map((w) => [w, []]));
let reference: DedupResult | undefined;
for (let r = 0; r < runs; r++)
  for (const w of configs) {
    const { seconds, result } = await once(w);
    reference ??= result;
    if (!isDeepStrictEqual(result.clusters, reference.clusters))
      throw new Error(`${label(w)} found other clusters than the main thread`);
    rates.get(w)!.push(count / seconds);
  }

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const base = median(rates.get(0)!);
console.log('| signing in | docs/s (median) | runs (docs/s) | speedup |');
console.log('|---|---:|---|---:|');
for (const w of configs) {
  const m = median(rates.get(w)!);
  console.log(
    `| ${label(w)} | ${Math.round(m).toLocaleString('en-US')} | ` +
      `${rates
        .get(w)!
        .map((x) => Math.round(x).toLocaleString('en-US'))
        .join(', ')} | ${(m / base).toFixed(2)}× |`,
  );
}
console.log(
  `\nSame clusters in every run: ${reference!.clusters.length} clusters, ${reference!.pairs} pairs ` +
    `(peak RSS ${Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20)} MB).`,
);

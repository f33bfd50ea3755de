// Ad-hoc scale check for the LSH index and dedup (issue 6 targets: 100,000 news-length documents
// indexed in < 60 s on one core, < 2 GB peak RSS, in-memory query p99 < 1 ms). Not a test: run
//   node_modules/.bin/esbuild bench/lsh-scale.ts --bundle --platform=node --format=esm \
//     --packages=external --outfile=.bench/lsh-scale.mjs && node .bench/lsh-scale.mjs [docs] [words]
// It prints the figures; nothing is asserted.

import { dedup, MinHashLSH, signature } from '../src/index.js';
import { randomWords, rng } from '../test/text-generators.js';

const count = Number(process.argv[2] ?? 100_000);
const words = Number(process.argv[3] ?? 500);

// A corpus of random-word articles; every tenth document is an edited copy of an earlier one
// (1% of its words replaced: Jaccard ≈ 0.9 with 5-word shingles), so about 10% of documents are
// planted near-duplicates.
// Generated on the fly, so dedup streams it as it would a file: no text is held in memory.
function* corpus(): Generator<{ id: string; text: string }> {
  const next = rng(42);
  const kept: string[][] = [];
  for (let i = 0; i < count; i++) {
    let w: string[];
    if (i % 10 === 9 && kept.length > 0) {
      w = kept[Math.floor(next() * kept.length)]!.slice();
      for (let e = 0; e < w.length * 0.01; e++) w[Math.floor(next() * w.length)] = randomWords(1, next)[0]!;
    } else w = randomWords(words, next);
    if (kept.length < 2000) kept.push(w);
    else kept[Math.floor(next() * kept.length)] = w;
    yield { id: `doc-${i}`, text: w.join(' ') };
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

let t = performance.now();
let chars = 0;
for (const d of corpus()) chars += d.text.length;
const genMs = performance.now() - t;
console.log(
  `${count} documents of ${words} words (${(chars / count).toFixed(0)} characters each): ` +
    `generating them takes ${(genMs / 1000).toFixed(1)} s (included in the dedup time below)`,
);

t = performance.now();
let n = 0;
for (const d of corpus()) {
  signature(d.text);
  if (++n === 5000) break;
}
const sigMs = (performance.now() - t - genMs * (5000 / count)) / 5000;
console.log(`signature alone: ${sigMs.toFixed(3)} ms/document`);

const index = new MinHashLSH({ threshold: 0.8 });
t = performance.now();
const result = await dedup(corpus(), { index, batchSize: 1000 });
const dedupMs = performance.now() - t;
console.log(
  `dedup (streamed, in memory): ${(dedupMs / 1000).toFixed(1)} s (${Math.round(count / (dedupMs / 1000))} documents/s), ` +
    `${result.clusters.length} clusters, ${result.pairs} pairs, bands ${index.bands} × rows ${index.rows}`,
);
const clustered = new Set(result.clusters.flatMap((c) => c.keys));
let copies = 0;
let found = 0;
for (let i = 9; i < count; i += 10) {
  copies++;
  if (clustered.has(`doc-${i}`)) found++;
}
console.log(`planted copies (Jaccard ≈ 0.9 with their original) in a cluster: ${found} of ${copies}`);
console.log(
  `peak RSS after dedup: ${mb(process.resourceUsage().maxRSS * 1024)}, heap used ${mb(process.memoryUsage().heapUsed)}`,
);

// The index alone, on precomputed signatures: insert and query in batches of 1,000, as dedup does.
const sigs = Array.from(corpus(), (d) => signature(d.text));
const bare = new MinHashLSH({ threshold: 0.8 });
t = performance.now();
for (let start = 0; start < count; start += 1000) {
  const batch = sigs.slice(start, start + 1000);
  await bare.insertMany(batch.map((signature, i) => ({ key: `doc-${start + i}`, signature })));
  await bare.queryMany(batch);
}
console.log(
  `index only (insertMany + queryMany, signatures precomputed): ${((performance.now() - t) / 1000).toFixed(2)} s`,
);

// Query latency: signatures of stored documents (each finds itself and its near-duplicates).
const queries = Array.from({ length: 10_000 }, (_, i) => sigs[(i * 7919) % count]!);
const times: number[] = [];
for (const q of queries) {
  const s = performance.now();
  await index.query(q, { limit: 10 });
  times.push(performance.now() - s);
}
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(3);
console.log(`query (in memory, 10,000 queries): p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms`);

t = performance.now();
const bytes = await index.toBytes();
const saveMs = performance.now() - t;
t = performance.now();
const loaded = await MinHashLSH.fromBytes(bytes);
const loadMs = performance.now() - t;
console.log(
  `snapshot: ${mb(bytes.length)} (${(bytes.length / count).toFixed(0)} bytes/document), ` +
    `toBytes ${saveMs.toFixed(0)} ms, fromBytes ${loadMs.toFixed(0)} ms, ${await loaded.size()} entries`,
);

t = performance.now();
let pairs = 0;
for await (const _ of index.pairs()) pairs++;
console.log(`pairs(): ${pairs} pairs in ${((performance.now() - t) / 1000).toFixed(1)} s`);
console.log(`peak RSS: ${mb(process.resourceUsage().maxRSS * 1024)}`);

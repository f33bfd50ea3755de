// Scale check of the LSH index and dedup (issue 6 targets: 100,000 news-length documents
// indexed in < 60 s on one core, < 2 GB peak RSS, in-memory query p99 < 1 ms). Not a test: run
//   npx esbuild bench/lsh-scale.ts --bundle --platform=node --format=esm \
//     --packages=external --outfile=.bench/lsh-scale.mjs && node .bench/lsh-scale.mjs [options]
// Options: --docs=N (100000), --fresh=N (2000), --queries=N (10000), --threshold=X (0.8),
// --json (print the result as JSON: the suite's LSH section runs this script
// in a process of its own this way, so the peak RSS is the ingest's alone).
//
// The corpus is bench/lib/corpus.ts's plantedCorpus (news-like text, every tenth document an
// edited copy of an earlier one); the measurement is bench/lib/lsh-ingest.ts.

import { ingest } from './lib/lsh-ingest.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.split('=', 2) as [string, string | undefined];
    return [k.replace(/^--/, ''), v ?? 'true'];
  }),
);
const known = ['docs', 'fresh', 'queries', 'threshold', 'json'];
for (const k of args.keys()) if (!known.includes(k)) throw new Error(`lsh-scale: unknown option --${k}`);

const result = await ingest({
  count: Number(args.get('docs') ?? 100_000),
  fresh: Number(args.get('fresh') ?? 2000),
  queries: Number(args.get('queries') ?? 10_000),
  threshold: Number(args.get('threshold') ?? 0.8),
  seed: 42,
  log: (m) => process.stderr.write(`… ${m}\n`),
});

if (args.has('json')) console.log(JSON.stringify(result));
else {
  const r = result;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const mb = (b: number) => `${Math.round(b / 2 ** 20)} MB`;
  const own = { wall: r.dedup.wall - r.generate.wall, cpu: r.dedup.cpu - r.generate.cpu };
  console.log(
    `${r.count} documents (${Math.round(r.meanChars)} characters on average), threshold ${r.threshold}: ` +
      `${r.bands} bands × ${r.rows} rows`,
  );
  console.log(
    `dedup: ${s(r.dedup.wall)} elapsed, ${s(r.dedup.cpu)} CPU, of which generating the text ` +
      `${s(r.generate.wall)} / ${s(r.generate.cpu)}: ${Math.round(r.count / (own.wall / 1000))} documents/s ` +
      `elapsed, ${Math.round(r.count / (own.cpu / 1000))} per CPU second`,
  );
  console.log(
    `${r.clusters} clusters, ${r.pairs} pairs (${r.unplantedPairs} between unrelated documents); ` +
      `peak RSS ${mb(r.peakRssDedup)}, heap ${mb(r.heapAfterDedup)}`,
  );
  console.log(
    `index alone: insertMany ${s(r.insert.wall)} (${s(r.insert.cpu)} CPU), queryMany ` +
      `${s(r.queryMany.wall)} (${s(r.queryMany.cpu)} CPU): ` +
      `${Math.round(r.count / ((r.insert.wall + r.queryMany.wall) / 1000))} documents/s`,
  );
  for (const [name, l] of [
    ['indexed', r.indexed],
    ['new', r.fresh],
  ] as const)
    console.log(
      `query of ${l.count} ${name} documents: p50 ${(l.p50 * 1000).toFixed(1)} µs, ` +
        `p99 ${(l.p99 * 1000).toFixed(1)} µs, max ${l.max.toFixed(2)} ms; ${l.matched} found a near-duplicate`,
    );
  console.log(`planted pairs: ${r.planted}`);
  for (const b of r.recall)
    console.log(
      `  J in [${b.lo}, ${b.hi}): ${b.pairs} pairs, ${b.clustered} in one cluster, ${b.queried} found by ` +
        `query; LSH candidate probability ${b.candidate.toFixed(3)}`,
    );
  console.log(`peak RSS at the end: ${mb(r.peakRssEnd)}`);
}

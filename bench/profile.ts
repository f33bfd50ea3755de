// A focused workload for `node --cpu-prof`: one hot path, repeated, nothing else.
//
//   npx esbuild bench/profile.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=.bench/profile.mjs && node --cpu-prof --cpu-prof-dir=.bench/prof .bench/profile.mjs compare 1e6
//
// Workloads: `signatures [docs]` (signature() of news-length documents), `minhash [docs]`
// (minhash() alone, on precomputed shingles), `compare [chars]` (compare() of a generated pair),
// `tokenize [chars]`, `tokenize-docs [docs]`, `seeds` (compare() of the two seeds).

import { readFileSync } from 'node:fs';
import { compare, minhash, shingle, signature, tokenize } from '../src/index.js';
import { documents, textPair } from './lib/corpus.js';

const [workload = 'compare', sizeArg] = process.argv.slice(2);
const t0 = performance.now();
let calls = 0;
const until = (ms: number, fn: () => void) => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    fn();
    calls++;
  }
};

switch (workload) {
  case 'signatures': {
    const docs = documents(Number(sizeArg ?? 500), 11);
    until(5000, () => {
      for (const d of docs) signature(d);
    });
    break;
  }
  case 'minhash': {
    const sets = documents(Number(sizeArg ?? 500), 11).map((d) => shingle(tokenize(d).hashes));
    until(5000, () => {
      for (const s of sets) minhash(s);
    });
    break;
  }
  case 'tokenize': {
    const [a] = textPair(Number(sizeArg ?? 1e6), 3);
    until(5000, () => tokenize(a));
    break;
  }
  case 'tokenize-docs': {
    const docs = documents(Number(sizeArg ?? 500), 11);
    until(5000, () => {
      for (const d of docs) tokenize(d);
    });
    break;
  }
  case 'seeds': {
    const [a, b] = ['seeds/kim-warm-feelings.txt', 'seeds/putin-kim-thursday.txt'].map((f) =>
      readFileSync(f, 'utf8'),
    );
    until(5000, () => compare(a!, b!));
    break;
  }
  case 'compare': {
    const [a, b] = textPair(Number(sizeArg ?? 1e6), 3);
    until(8000, () => compare(a, b));
    break;
  }
  default:
    throw new Error(
      `unknown workload "${workload}" (signatures, minhash, tokenize, tokenize-docs, compare, seeds)`,
    );
}
console.log(`${workload}: ${calls} rounds in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// The measurements behind docs/choosing-parameters.md: MinHash error against numPerm, shingle
// size against edits and background similarity, passages against minWords, and the LSH S-curve
// checked by simulation. Deterministic (seeded), except the timings. Run:
//
//   npx esbuild scripts/measure-parameters.ts --bundle --platform=node --format=esm \
//     --packages=external --outfile=.bench/measure-parameters.mjs && node .bench/measure-parameters.mjs

import { readFileSync } from 'node:fs';
import {
  compare,
  estimateJaccard,
  exactJaccard,
  minhash,
  type Range,
  shingle,
  standardError,
  tokenize,
} from '../src/index.js';
import { randomWord, rng, textPairWithJaccard } from '../test/text-generators.js';

const A = readFileSync(new URL('../seeds/kim-warm-feelings.txt', import.meta.url), 'utf8');
const B = readFileSync(new URL('../seeds/putin-kim-thursday.txt', import.meta.url), 'utf8');
const f3 = (x: number) => x.toFixed(3);
const table = (head: string[], rows: (string | number)[][]) =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

function section(title: string) {
  console.log(`\n## ${title}\n`);
}

// --- MinHash: error of the estimate against numPerm -----------------------------------------
section('MinHash error against numPerm (200 seeds per cell, generated pairs)');
{
  const perms = [16, 32, 64, 128, 256, 512];
  const rows: string[][] = [];
  for (const target of [0.2, 0.5, 0.8]) {
    const [a, b] = textPairWithJaccard(target, 60, 3);
    const sa = shingle(tokenize(a).hashes, 5);
    const sb = shingle(tokenize(b).hashes, 5);
    const exact = exactJaccard(sa.hashes, sb.hashes);
    for (const numPerm of perms) {
      let squares = 0;
      let worst = 0;
      const seeds = 200;
      for (let seed = 1; seed <= seeds; seed++) {
        const e = estimateJaccard(minhash(sa, { numPerm, seed }), minhash(sb, { numPerm, seed })) - exact;
        squares += e * e;
        worst = Math.max(worst, Math.abs(e));
      }
      rows.push([
        f3(exact),
        String(numPerm),
        f3(Math.sqrt(squares / seeds)),
        f3(standardError(exact, numPerm)),
        f3(worst),
      ]);
    }
  }
  console.log(
    table(['exact J', 'numPerm', 'measured RMS error', '√(J(1−J)/numPerm)', 'largest error'], rows),
  );

  // Cost: signing a 100,000-word text, median of 21 runs after a warm-up (timings vary with the
  // machine and its load; docs/benchmarks.md has the benchmark suite); bytes per signature.
  const next = rng(5);
  const words = Array.from({ length: 100_000 }, () => randomWord(next)).join(' ');
  const sh = shingle(tokenize(words).hashes, 5);
  for (const numPerm of perms) minhash(sh, { numPerm });
  const cost = perms.map((numPerm) => {
    const times: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t = performance.now();
      minhash(sh, { numPerm });
      times.push(performance.now() - t);
    }
    times.sort((x, y) => x - y);
    return [String(numPerm), times[10]!.toFixed(1), String(16 + 4 * numPerm)];
  });
  console.log(`\n${table(['numPerm', 'ms to sign 100k words (this machine)', 'signature bytes'], cost)}`);
}

// --- Shingle size ----------------------------------------------------------------------------
section('Shingle size: Jaccard of related, edited and same-topic texts');
{
  const ks = [1, 2, 3, 4, 5, 6, 8];
  const jac = (x: string, y: string, k: number) =>
    exactJaccard(shingle(tokenize(x).hashes, k).hashes, shingle(tokenize(y).hashes, k).hashes);
  // Same topic, different text: the seeds' paragraphs that the alignment left unmatched.
  const seeds = compare(A, B, { mode: 'verbatim' });
  const join = (text: string, ranges: Range[]) => ranges.map((r) => text.slice(r.start, r.end)).join('\n\n');
  const restA = join(A, seeds.unmatched.a);
  const restB = join(B, seeds.unmatched.b);
  // Edited copies of A: a share p of its words replaced by random words.
  const edited = (p: number) => {
    const next = rng(Math.round(p * 1000));
    return A.replace(/[\p{L}\p{N}']+/gu, (w) => (next() < p ? randomWord(next) : w));
  };
  const rows = ks.map((k) => [
    String(k),
    f3(jac(A, B, k)),
    f3(jac(restA, restB, k)),
    f3(jac(A, edited(0.05), k)),
    f3(jac(A, edited(0.1), k)),
    f3(jac(A, edited(0.2), k)),
  ]);
  console.log(
    table(
      [
        'k',
        'seeds A vs B',
        'same topic, unshared paragraphs',
        'A vs A, 5% words edited',
        '10% edited',
        '20% edited',
      ],
      rows,
    ),
  );
}

// --- minWords --------------------------------------------------------------------------------
section('minWords: passages on the seeds (verbatim mode) and on same-topic unshared text');
{
  const seeds = compare(A, B, { mode: 'verbatim' });
  const join = (text: string, ranges: Range[]) => ranges.map((r) => text.slice(r.start, r.end)).join('\n\n');
  const restA = join(A, seeds.unmatched.a);
  const restB = join(B, seeds.unmatched.b);
  const rows = [3, 4, 5, 6, 8, 10, 12, 16, 20, 30].map((minWords) => {
    const r = compare(A, B, { mode: 'verbatim', minWords });
    const unrelated = compare(restA, restB, { mode: 'verbatim', minWords });
    return [
      String(minWords),
      String(r.passages.length),
      `${(100 * r.coverage.a).toFixed(1)}%`,
      `${(100 * r.coverage.b).toFixed(1)}%`,
      String(unrelated.passages.length),
      unrelated.passages
        .map((p) => JSON.stringify(p.text))
        .slice(0, 2)
        .join(', '),
    ];
  });
  console.log(
    table(['minWords', 'passages', 'coverage A', 'coverage B', 'passages in unshared text', 'e.g.'], rows),
  );
}

// --- LSH threshold ---------------------------------------------------------------------------
section('LSH: P(candidate) = 1 − (1 − s^r)^b, closed form and simulated with minhash()');
{
  const configs: [number, number][] = [
    [64, 2],
    [32, 4],
    [16, 8],
    [8, 16],
  ];
  const sims = [0.2, 0.3, 0.5, 0.7, 0.8, 0.9];
  const p = (s: number, b: number, r: number) => 1 - (1 - s ** r) ** b;
  // Pairs of 500-element sets with Jaccard exactly s: m shared elements, m / (1000 − m) = s.
  const next = rng(99);
  const randomSet = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 0xffffffff) >>> 0);
  const trials = 400;
  const rows: string[][] = [];
  for (const [b, r] of configs) {
    const row = [`${b} × ${r}`, f3((1 / b) ** (1 / r))];
    for (const s of sims) {
      const m = Math.round((1000 * s) / (1 + s));
      let hits = 0;
      for (let t = 0; t < trials; t++) {
        const shared = randomSet(m);
        const x = { k: 1, hashes: Uint32Array.from([...shared, ...randomSet(500 - m)]) };
        const y = { k: 1, hashes: Uint32Array.from([...shared, ...randomSet(500 - m)]) };
        const vx = minhash(x, { numPerm: b * r, seed: t + 1 }).values;
        const vy = minhash(y, { numPerm: b * r, seed: t + 1 }).values;
        for (let band = 0; band < b; band++) {
          let same = true;
          for (let i = band * r; i < (band + 1) * r && same; i++) same = vx[i] === vy[i];
          if (same) {
            hits++;
            break;
          }
        }
      }
      row.push(`${f3(p(s, b, r))} / ${f3(hits / trials)}`);
    }
    rows.push(row);
  }
  console.log(
    table(
      ['bands × rows', 'threshold (1/b)^(1/r)', ...sims.map((s) => `s = ${s}: closed / simulated`)],
      rows,
    ),
  );
}

// Section: compare() on the seeds (warm, per call) and on generated pairs from 10 KB to 5 MB,
// with the fitted growth exponent and where the time goes, stage by stage.

import { readFileSync } from 'node:fs';
import {
  alignParagraphs,
  compare,
  defaultCompareOptions,
  estimateJaccard,
  exactJaccard,
  findSharedRuns,
  minhash,
  segmentParagraphs,
  shingle,
  tokenize,
} from '../../src/index.js';
import { internWords } from '../../src/report/compare.js';
import { boilerplatePair, textPair } from '../lib/corpus.js';
import { growthExponent, now, type TimeOptions, time } from '../lib/measure.js';
import type { BenchContext, Section, SectionResult } from '../lib/section.js';
import { bytes, duration, num, type Table } from '../lib/table.js';

const SEEDS = ['seeds/kim-warm-feelings.txt', 'seeds/putin-kim-thursday.txt'] as const;

interface Size {
  chars: number;
  full: TimeOptions;
  quick?: TimeOptions;
}
// Iterations shrink as inputs grow so the whole section stays within a minute or two.
const SIZES: Size[] = [
  { chars: 1e4, full: { time: 1500, iterations: 64 }, quick: { time: 400, iterations: 16 } },
  {
    chars: 1e5,
    full: { time: 1500, iterations: 16 },
    quick: { time: 400, iterations: 6, warmupIterations: 2 },
  },
  {
    chars: 1e6,
    full: { time: 3000, iterations: 6, warmupIterations: 2 },
    quick: { time: 0, iterations: 2, warmupIterations: 1 },
  },
  { chars: 5e6, full: { time: 0, iterations: 3, warmupIterations: 1 } },
];

// Boilerplate-heavy pairs (an "Advertisement" paragraph after every paragraph, a shared "Read
// more" line under each): paragraph alignment was quadratic on these before it paired identical
// paragraphs by their words and ignored shingles in more than maxRepeats paragraphs.
const BOILERPLATE_SIZES: Size[] = [
  {
    chars: 1e6,
    full: { time: 3000, iterations: 6, warmupIterations: 2 },
    quick: { time: 0, iterations: 2, warmupIterations: 1 },
  },
  { chars: 4e6, full: { time: 0, iterations: 3, warmupIterations: 1 } },
];

const median = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1]!;

/** compare()'s stages run one by one on the same pair: milliseconds per stage (median of `reps`). */
function stageTimes(a: string, b: string, reps: number): Map<string, number> {
  const o = defaultCompareOptions;
  const samples = new Map<string, number[]>();
  for (let r = 0; r < reps; r++) {
    let t = now();
    const lap = (stage: string) => {
      const end = now();
      const list = samples.get(stage) ?? [];
      list.push(end - t);
      samples.set(stage, list);
      t = end;
    };
    const ta = tokenize(a);
    const tb = tokenize(b);
    lap('tokenize (text.ts)');
    const [ia, ib] = internWords(ta, tb).ids;
    lap('intern words (report/compare.ts)');
    const sa = shingle(ta.hashes, o.shingleSize);
    const sb = shingle(tb.hashes, o.shingleSize);
    lap('shingle (shingle.ts)');
    estimateJaccard(minhash(sa, o), minhash(sb, o));
    lap('minhash + estimate (minhash.ts)');
    const exact = exactJaccard(sa.hashes, sb.hashes);
    lap('exactJaccard (minhash.ts, shingle.ts)');
    const pa = segmentParagraphs(ta);
    const pb = segmentParagraphs(tb);
    lap('segmentParagraphs (text.ts)');
    alignParagraphs(
      { paragraphs: pa, ids: ia, hashes: ta.hashes },
      { paragraphs: pb, ids: ib, hashes: tb.hashes },
      o,
    );
    lap('alignParagraphs (align.ts)');
    findSharedRuns(ia, ib, o.minWords, o.maxRepeats);
    lap('findSharedRuns (passages.ts)');
    if (Number.isNaN(exact)) throw new Error('unreachable');
  }
  return new Map([...samples].map(([k, v]) => [k, median(v)]));
}

export const compareSection: Section = {
  id: 'compare',
  title: 'compare(): the seeds, and how time grows with size',
  run(ctx: BenchContext): SectionResult {
    const [seedA, seedB] = SEEDS.map((f) => readFileSync(f, 'utf8')) as [string, string];
    ctx.log('compare: seeds');
    const seeds = time('compare seeds', () => compare(seedA, seedB), {
      time: ctx.quick ? 500 : 2000,
      iterations: 200,
      warmupIterations: 100,
    });

    const sizes = SIZES.filter((s) => !ctx.quick || s.quick);
    const points: { x: number; y: number }[] = [];
    const rows: string[][] = [];
    const stageTables = new Map<number, Map<string, number>>();
    for (const size of sizes) {
      const [a, b] = textPair(size.chars, 3);
      const report = compare(a, b);
      ctx.log(`compare: ${bytes(size.chars)} pair`);
      const t = time(`compare ${size.chars}`, () => compare(a, b), (ctx.quick && size.quick) || size.full);
      points.push({ x: a.length + b.length, y: t.p50 });
      rows.push([
        `${bytes(a.length)} + ${bytes(b.length)}`,
        `${num(report.words.a)} + ${num(report.words.b)}`,
        duration(t.p50),
        duration(t.mean),
        String(t.samples),
        `${num((a.length + b.length) / 1e6 / (t.p50 / 1000))} MB/s`,
        `${report.passages.length} passages, ${report.paragraphs.length} paragraph pairs, J ${report.similarity.exact.toFixed(2)}`,
      ]);
      stageTimes(a, b, 1); // warm the stages run on their own (the JIT compiles them apart from compare())
      const stages = stageTimes(a, b, size.chars >= 5e6 ? 3 : ctx.quick ? 3 : 5);
      const sum = [...stages.values()].reduce((x, y) => x + y, 0);
      stages.set('the rest of compare() (near passages, report)', t.p50 - sum);
      stages.set('compare() total (median call, as above)', t.p50);
      stageTables.set(size.chars, stages);
    }

    const boilerplateRows: string[][] = [];
    let boilerplateOneMB: number | undefined;
    for (const size of BOILERPLATE_SIZES.filter((s) => !ctx.quick || s.quick)) {
      const [a, b] = boilerplatePair(size.chars, 3);
      const report = compare(a, b);
      ctx.log(`compare: ${bytes(size.chars)} boilerplate pair`);
      const t = time(
        `compare boilerplate ${size.chars}`,
        () => compare(a, b),
        (ctx.quick && size.quick) || size.full,
      );
      if (size.chars === 1e6) boilerplateOneMB = t.p50;
      stageTimes(a, b, 1);
      const align = stageTimes(a, b, 3).get('alignParagraphs (align.ts)')!;
      const count = (t: string) => t.split(/\n\s*\n/).length;
      const kinds = (k: string) => report.paragraphs.filter((p) => p.kind === k).length;
      boilerplateRows.push([
        `${bytes(a.length)} + ${bytes(b.length)}`,
        `${num(count(a))} + ${num(count(b))}`,
        duration(t.p50),
        duration(t.mean),
        String(t.samples),
        duration(align),
        `${kinds('identical')} identical, ${kinds('near')} near paragraph pairs`,
      ]);
    }
    const exponent = growthExponent(points);
    const upper = points.slice(1);
    const exponentUpper = upper.length >= 2 ? growthExponent(upper) : Number.NaN;

    const seedTable: Table = {
      title: `compare() of the two seeds (${seedA.length} + ${seedB.length} chars), warm`,
      columns: ['median call', 'mean call', 'p99', 'calls timed'],
      rows: [[duration(seeds.p50), duration(seeds.mean), duration(seeds.p99), String(seeds.samples)]],
      right: [0, 1, 2, 3],
    };
    const sizeTable: Table = {
      title:
        'compare() of generated pairs (news-like text, B shares ~40% of its paragraphs with A, half of them edited)',
      columns: ['sizes (A + B)', 'words', 'median call', 'mean call', 'calls', 'throughput', 'found'],
      rows,
      right: [1, 2, 3, 4, 5],
    };
    const boilerplateTable: Table = {
      title:
        'compare() of boilerplate-heavy pairs (the generated pairs above, each paragraph with a shared "Read more" line and followed by an "Advertisement" paragraph)',
      columns: [
        'sizes (A + B)',
        'paragraphs',
        'median call',
        'mean call',
        'calls',
        'alignParagraphs alone',
        'found',
      ],
      rows: boilerplateRows,
      right: [1, 2, 3, 4, 5],
    };
    const stageNames = [...stageTables.values().next().value!.keys()];
    const stageTable: Table = {
      title: "Where compare()'s time goes: its stages run one by one on the same pairs (median ms)",
      columns: ['stage', ...[...stageTables.keys()].map((c) => bytes(c))],
      rows: stageNames.map((s) => [s, ...[...stageTables.values()].map((m) => num(m.get(s)!))]),
    };
    const exponentText =
      `${exponent.toFixed(3)} over ${points.length} sizes` +
      (Number.isNaN(exponentUpper) ? '' : ` (${exponentUpper.toFixed(3)} over the ${upper.length} largest)`);
    const oneMB = points.find((_, i) => sizes[i]!.chars === 1e6);
    return {
      tables: [seedTable, sizeTable, boilerplateTable, stageTable],
      headlines: [
        `compare() of the seeds: ${duration(seeds.p50)} per call warm (median of ${seeds.samples} calls; mean ${duration(seeds.mean)}, p99 ${duration(seeds.p99)}).`,
        ...(oneMB ? [`compare() of two 1 MB texts: ${duration(oneMB.y)} (median call).`] : []),
        ...(boilerplateOneMB === undefined
          ? []
          : [
              `compare() of two 1 MB boilerplate-heavy texts (an "Advertisement" after every paragraph, a shared "Read more" line): ${duration(boilerplateOneMB)} (median call).`,
            ]),
        `compare() growth exponent (least squares, log time on log size): ${exponentText}.`,
      ],
      notes: [
        `**Growth exponent: ${exponentText}.** A slope of 1 is linear. It is fitted by least squares to ` +
          'log(median call time) against log(A + B characters). The smallest size carries fixed per-call costs, ' +
          'which flatten the slope, so the fit over the larger sizes alone is shown too.',
        'Pairs come from `textPair(size, 3)` in bench/lib/corpus.ts: a seeded Zipf vocabulary (English function ' +
          'words on top, made-up content words below), names, numbers, commas, curly quotes and dashes, ' +
          'paragraphs of 1–6 sentences; B takes ~40% of its paragraphs from A in order, half of those ' +
          'edited (~10% of words replaced, dropped or inserted) and a few moved.',
        'Boilerplate pairs come from `boilerplatePair(size, 3)` in bench/lib/corpus.ts. Before paragraph ' +
          'alignment paired identical paragraphs by their words and ignored shingles found in more than ' +
          '`maxRepeats` paragraphs, every advertisement was a candidate for every other and every paragraph ' +
          'for every paragraph sharing the "Read more" line: measured just before that change, compare() ' +
          'took 7.9 s on the 1 MB pair (about 4,000 paragraphs a side) and 46 s on a 2 MB one. "alignParagraphs alone" is that stage run by itself, without ' +
          'near-passage evidence; the paragraph count includes the advertisements.',
        'The stage table calls the public stage functions one by one on the same pair, in the order ' +
          'compare() runs them ("intern words" is compare()\'s own `internWords`); each is the ' +
          'median of several runs. "The rest" is compare()\'s median time less the listed stages: near-' +
          'passage search and building the report. Stage times are measured apart from compare(), so ' +
          'the rest is approximate (and can come out slightly negative on a noisy machine).',
      ],
    };
  },
};

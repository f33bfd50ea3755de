// Section: MinHash signatures, neardup against the npm `minhash` package on the same shingles.

import { createRequire } from 'node:module';
import type { Minhash as PeerMinhash } from 'minhash';
import {
  DEFAULT_NUM_PERM,
  estimateJaccard,
  exactJaccard,
  minhash,
  type Shingles,
  shingle,
  signature,
  standardError,
  tokenize,
} from '../../src/index.js';
import { textPairWithJaccard } from '../../test/text-generators.js';
import { documents } from '../lib/corpus.js';
import { time } from '../lib/measure.js';
import type { BenchContext, Section, SectionResult } from '../lib/section.js';
import { duration, num, type Table } from '../lib/table.js';

const require = createRequire(import.meta.url);
const { Minhash } = require('minhash') as typeof import('minhash');

const SHINGLE = 5;
const PEER_MAX = 0xffffffff; // the peer's "empty" value (2³² − 1)

/** The k-word shingles of a token list as the peer sees them: normalised words joined by a space. */
function shingleStrings(words: readonly string[], k: number): string[] {
  if (words.length === 0) return [];
  if (words.length < k) return [words.join(' ')];
  const out: string[] = [];
  for (let i = 0; i + k <= words.length; i++) out.push(words.slice(i, i + k).join(' '));
  return out;
}

function peerSignature(items: readonly string[]): PeerMinhash {
  const m = new Minhash({ numPerm: DEFAULT_NUM_PERM, seed: 1 });
  for (const s of items) m.update(s);
  return m;
}

/** Is the peer's signature usable: the right length, finite integers, not all "empty"? */
function peerSignatureOk(m: PeerMinhash): boolean {
  const v = m.hashvalues;
  return (
    v.length === DEFAULT_NUM_PERM &&
    v.every((x) => Number.isInteger(x) && x >= 0 && x <= PEER_MAX) &&
    v.some((x) => x !== PEER_MAX)
  );
}

interface ErrorStats {
  mean: number;
  rms: number;
}
const errorStats = (errors: readonly number[]): ErrorStats => ({
  mean: errors.reduce((s, e) => s + e, 0) / errors.length,
  rms: Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length),
});
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;

/** Checks the peer before timing it: non-empty signatures and Jaccard estimates near the exact value. */
function checkPeer(ctx: BenchContext): { table: Table; ok: boolean; note: string } {
  const targets = [0.1, 0.25, 0.5, 0.75, 0.9];
  const trials = ctx.quick ? 6 : 16;
  const rows: string[][] = [];
  let ok = peerSignatureOk(peerSignature(shingleStrings(tokenize(documents(1, 5)[0]!).words, SHINGLE)));
  let worst = 0;
  for (const target of targets) {
    const exacts: number[] = [];
    const peerErrors: number[] = [];
    const ourErrors: number[] = [];
    for (let t = 0; t < trials; t++) {
      const [a, b] = textPairWithJaccard(target, 200, 9001 + 97 * t + Math.round(target * 1000));
      const ta = tokenize(a);
      const tb = tokenize(b);
      const sa = shingle(ta.hashes, SHINGLE);
      const sb = shingle(tb.hashes, SHINGLE);
      const exact = exactJaccard(sa.hashes, sb.hashes);
      const pa = peerSignature(shingleStrings(ta.words, SHINGLE));
      const pb = peerSignature(shingleStrings(tb.words, SHINGLE));
      ok &&= peerSignatureOk(pa) && peerSignatureOk(pb);
      exacts.push(exact);
      peerErrors.push(pa.jaccard(pb) - exact);
      ourErrors.push(estimateJaccard(minhash(sa), minhash(sb)) - exact);
    }
    const exact = exacts.reduce((s, e) => s + e, 0) / trials;
    const peer = errorStats(peerErrors);
    const ours = errorStats(ourErrors);
    const se = standardError(exact, DEFAULT_NUM_PERM);
    worst = Math.max(worst, peer.rms / se);
    rows.push([
      exact.toFixed(3),
      se.toFixed(3),
      signed(peer.mean),
      peer.rms.toFixed(3),
      signed(ours.mean),
      ours.rms.toFixed(3),
    ]);
  }
  // Sensible: as accurate as independent permutations allow (RMS error within 1.5 binomial SEs).
  ok &&= worst <= 1.5;
  return {
    ok,
    table: {
      title: `Accuracy check before timing: Jaccard estimate − exact, ${trials} text pairs per row, 128 permutations`,
      columns: [
        'exact J (mean)',
        'binomial SE',
        'npm minhash: mean error',
        'RMS error',
        'neardup: mean error',
        'RMS error',
      ],
      rows,
    },
    note:
      (ok
        ? `**The peer checks out.** Every signature the npm \`minhash\` package made had ${DEFAULT_NUM_PERM} finite ` +
          `integer values, not all 2³² − 1 (its value for an empty set); its Jaccard estimates are unbiased and ` +
          `their RMS error is at most ${worst.toFixed(2)}× the binomial standard error √(J(1−J)/128), as good ` +
          'as independent permutations allow. So the speed comparison in this section is between two working ' +
          'MinHash implementations.'
        : `**The peer failed the check.** Either a signature the npm \`minhash\` package made was not ` +
          `${DEFAULT_NUM_PERM} finite integers (or was all 2³² − 1, its value for an empty set), or its RMS ` +
          `error reached ${worst.toFixed(2)}× the binomial standard error √(J(1−J)/128) (at most 1.5× is ` +
          'expected): the speed ratio below compares against an implementation that does not work as it should.') +
      ' (Pairs come from `textPairWithJaccard` in test/text-generators.ts: paragraphs of ' +
      'random words, a planted share of them common to both texts.)',
  };
}

export const signaturesSection: Section = {
  id: 'signatures',
  title: 'MinHash signatures: neardup vs the npm minhash package',
  run(ctx): SectionResult {
    const check = checkPeer(ctx);
    if (!check.ok) ctx.log('WARNING: the npm minhash package failed the accuracy check; see the table');

    // One timed call signs the whole batch; a batch small enough for many calls lets the median
    // shrug off a busy machine (other processes taking the CPU for a while).
    const count = ctx.quick ? 20 : 40;
    ctx.log(`signatures: ${count} news-length documents per call`);
    const docs = documents(count, 11);
    const tokens = docs.map((d) => tokenize(d));
    const sets: Shingles[] = tokens.map((t) => shingle(t.hashes, SHINGLE));
    const texts = tokens.map((t) => shingleStrings(t.words, SHINGLE));
    const decimals = sets.map((s) => Array.from(s.hashes, String));
    const shingles = sets.reduce((n, s) => n + s.hashes.length, 0);
    const chars = docs.reduce((n, d) => n + d.length, 0);

    const budget = { time: ctx.quick ? 600 : 2500, iterations: 20, warmupIterations: 10 };
    const peerBudget = { time: ctx.quick ? 2000 : 6000, iterations: 5, warmupIterations: 2 };
    const tasks = [
      {
        name: 'neardup minhash()',
        given: '`Shingles`: the 32-bit shingle hashes in a `Uint32Array`',
        timing: time('neardup minhash', () => sets.map((s) => minhash(s)), budget),
      },
      {
        name: 'neardup signature()',
        given: 'the raw text: tokenising, normalising and shingling are inside the time',
        timing: time('neardup signature', () => docs.map((d) => signature(d)), budget),
      },
      {
        name: 'npm minhash, shingle hashes',
        given:
          'per document `new Minhash()`, then `update()` with each shingle hash as a decimal string (≤ 10 chars, its cheapest input)',
        timing: time('peer decimal', () => decimals.map(peerSignature), peerBudget),
      },
      {
        name: 'npm minhash, shingle text',
        given:
          'per document `new Minhash()`, then `update()` with each shingle as its 5 normalised words joined by spaces (~30 chars)',
        timing: time('peer text', () => texts.map(peerSignature), peerBudget),
      },
    ];
    // Rates and ratios use the median call: robust to other processes taking the CPU now and then.
    const rate = (ms: number) => (shingles / ms) * 1000;
    // The ratio is taken against the peer's faster input (hash strings): the conservative one.
    const peerHashes = tasks[2]!.timing.p50;
    const ours = tasks[0]!.timing.p50;
    const table: Table = {
      title: `Signatures at 128 permutations: ${count} documents per call, ${num(shingles)} shingles (${num(chars / count)} chars per document on average)`,
      columns: [
        'implementation',
        'shingles/s (median call)',
        'per document',
        'mean call',
        'calls',
        '× npm minhash (hash strings)',
      ],
      rows: tasks.map((t) => [
        t.name,
        num(rate(t.timing.p50)),
        duration(t.timing.p50 / count),
        duration(t.timing.mean),
        String(t.timing.samples),
        `${num(peerHashes / t.timing.p50)}×`,
      ]),
    };
    const inputs: Table = {
      title: 'What each side is given (prepared before timing, the same shingles for all)',
      columns: ['implementation', 'input'],
      rows: tasks.map((t) => [t.name, t.given]),
      right: [],
    };
    const vsDecimal = peerHashes / ours;
    const vsText = tasks[3]!.timing.p50 / ours;
    return {
      tables: [check.table, table, inputs],
      headlines: [
        `Signatures: neardup \`minhash()\` computes ${num(rate(ours))} shingles/s at 128 permutations, ` +
          `**${num(vsDecimal)}×** the npm \`minhash\` package fed the same shingles as hash strings ` +
          `(${num(vsText)}× when fed the shingle text).` +
          (check.ok ? '' : ' WARNING: the npm package failed the accuracy check.'),
        `Signatures from raw text: neardup \`signature()\` (tokenise + shingle + MinHash) runs at ` +
          `${num(rate(tasks[1]!.timing.p50))} shingles/s, ${num(peerHashes / tasks[1]!.timing.p50)}× ` +
          'the npm package given already-made shingles.',
      ],
      notes: [
        check.note,
        'Both sides sign the same shingles of the same documents. neardup gets them the way its API takes ' +
          'them (one 32-bit hash per shingle); the npm package takes strings, so it is timed twice: with the ' +
          'shingle hashes written as decimal strings (the shortest strings that carry the same shingles, ' +
          'its fastest input) and with the shingle text. Its `update()` hashes the string once per ' +
          'permutation (node_modules/minhash/src/minhash.js), so it costs 128 string hashes per shingle ' +
          'and shorter strings are faster. Building the strings is not timed. The ratio column is against its ' +
          'faster input, the hash strings.',
      ],
    };
  },
};

// Paragraph alignment on boilerplate-heavy text, and its agreement with a best-first choice over
// every pair of paragraphs. Timing lives in the benchmarks (bench/sections/compare.ts), not here.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AlignOptions, type AlignSide, alignParagraphs } from '../src/align.js';
import {
  compare,
  defaultCompareOptions,
  segmentParagraphs,
  shingle,
  tokenize,
  uniqueSorted,
  wordEditSimilarity,
} from '../src/index.js';
import { fcParams } from './generators.js';
import { randomWords, rng } from './text-generators.js';

const side = (text: string, vocabulary: Map<string, number>): AlignSide => {
  const tokens = tokenize(text);
  const ids = Uint32Array.from(tokens.words, (w) => {
    if (!vocabulary.has(w)) vocabulary.set(w, vocabulary.size);
    return vocabulary.get(w)!;
  });
  return { paragraphs: segmentParagraphs(tokens), ids, hashes: tokens.hashes };
};
const sides = (a: string, b: string): [AlignSide, AlignSide] => {
  const vocabulary = new Map<string, number>();
  return [side(a, vocabulary), side(b, vocabulary)];
};
const pairsOf = (r: ReturnType<typeof alignParagraphs>) => r.pairs.map((p) => [p.a, p.b, p.kind]);

const READ_MORE = 'Read more: Putin and Kim to meet in the Russian city of Vladivostok';

interface Boilerplate {
  a: string;
  b: string;
  /** The pairs a reader would draw: [A paragraph, B paragraph, kind]. */
  expected: [number, number, 'identical' | 'near'][];
  unmatchedA: number[];
  unmatchedB: number[];
}

/**
 * Two texts of `n` real paragraphs each, every one with the same "Read more" line under it and an
 * "Advertisement" paragraph after it (paragraph 2i is real, 2i + 1 the advertisement, on both
 * sides). B's real paragraph i is A's unchanged (identical), A's with one word in ten replaced
 * (near), or a paragraph of its own (unmatched on both sides).
 */
function boilerplatePair(n: number, seed: number): Boilerplate {
  const next = rng(seed);
  const a: string[] = [];
  const b: string[] = [];
  const out: Boilerplate = { a: '', b: '', expected: [], unmatchedA: [], unmatchedB: [] };
  for (let i = 0; i < n; i++) {
    const words = randomWords(12 + Math.floor(next() * 30), next);
    const r = next();
    let copy: string[];
    if (r < 0.4) {
      copy = words;
      out.expected.push([2 * i, 2 * i, 'identical']);
    } else if (r < 0.7) {
      copy = words.map((w, j) => (j % 10 === 5 ? `edit${i}x${j}` : w));
      out.expected.push([2 * i, 2 * i, 'near']);
    } else {
      copy = randomWords(12 + Math.floor(next() * 30), next);
      out.unmatchedA.push(2 * i);
      out.unmatchedB.push(2 * i);
    }
    out.expected.push([2 * i + 1, 2 * i + 1, 'identical']);
    a.push(`${words.join(' ')}.\n${READ_MORE}`, 'Advertisement');
    b.push(`${copy.join(' ')}.\n${READ_MORE}`, 'Advertisement');
  }
  out.a = a.join('\n\n');
  out.b = b.join('\n\n');
  return out;
}

const SHARED_SENTENCE = 'The ministry said the statement was issued to every outlet on Tuesday.';

/** `n` short unrelated paragraphs a side, each ending in the same sentence: equal in half their words. */
function sharedSentencePair(n: number, seed: number): [string, string] {
  const next = rng(seed);
  const own = () => `${randomWords(8, next).join(' ')}. ${SHARED_SENTENCE}`;
  const text = () => Array.from({ length: n }, own).join('\n\n');
  return [text(), text()];
}

describe('paragraph alignment on boilerplate', () => {
  it('pairs the advertisements with each other in order and the real paragraphs as they should', () => {
    for (const seed of [1, 2, 3]) {
      const bp = boilerplatePair(300, seed); // the "Read more" line is in > maxRepeats (100) paragraphs
      const r = alignParagraphs(...sides(bp.a, bp.b), defaultCompareOptions);
      expect(pairsOf(r)).toEqual(bp.expected);
      expect(r.unmatchedA).toEqual(bp.unmatchedA);
      expect(r.unmatchedB).toEqual(bp.unmatchedB);
      expect(r.pairs.some((p) => p.moved)).toBe(false);
      // The "Read more" line's shingles are the boilerplate; no paragraph has 16+ candidates.
      expect(r.boilerplateShingles).toBe(tokenize(READ_MORE).length - 4);
      expect(r.cappedParagraphs).toBe(0);
    }
  });

  it('gives the same paragraph map through compare() in verbatim mode', () => {
    const bp = boilerplatePair(300, 4);
    const r = compare(bp.a, bp.b, { mode: 'verbatim' });
    const [sa, sb] = sides(bp.a, bp.b);
    const index = (paragraphs: AlignSide['paragraphs'], start: number) =>
      paragraphs.findIndex((p) => p.start === start);
    expect(
      r.paragraphs.map((p) => [index(sa.paragraphs, p.a.start), index(sb.paragraphs, p.b.start), p.kind]),
    ).toEqual(bp.expected);
    // The report says the boilerplate limit applied, and nothing when it is lifted.
    expect(r.warnings).toContainEqual(
      `${tokenize(READ_MORE).length - 4} 5-word shingles found in more than maxRepeats (100) of B's paragraphs ` +
        'were ignored as boilerplate when pairing paragraphs as near; set maxRepeats higher (or 0 for no limit) to use them',
    );
    expect(compare(bp.a, bp.b, { mode: 'verbatim', maxRepeats: 0 }).warnings).toEqual([]);
  });

  it('pairs surplus identical paragraphs one-to-one and leaves the rest unmatched', () => {
    // 150 advertisements in A, 100 in B (after every other real paragraph in A, every third in B).
    const next = rng(5);
    const real = Array.from({ length: 300 }, () => `${randomWords(20, next).join(' ')}.`);
    const a = real.flatMap((p, i) => (i % 2 === 0 ? [p, 'Advertisement'] : [p]));
    const b = real.flatMap((p, i) => (i % 3 === 0 ? [p, 'Advertisement'] : [p]));
    const r = alignParagraphs(...sides(a.join('\n\n'), b.join('\n\n')), defaultCompareOptions);
    const ads = r.pairs.filter((p) => a[p.a] === 'Advertisement');
    expect(ads).toHaveLength(100);
    expect(ads.every((p) => b[p.b] === 'Advertisement' && p.kind === 'identical')).toBe(true);
    expect(new Set(ads.map((p) => p.b)).size).toBe(100);
    // Every real paragraph still pairs with its copy.
    expect(r.pairs.filter((p) => a[p.a] !== 'Advertisement').map((p) => [a[p.a], b[p.b]])).toEqual(
      real.map((p) => [p, p]),
    );
    expect(r.unmatchedB).toEqual([]);
    expect(r.unmatchedA).toHaveLength(50);
  });

  it('does not pair unrelated paragraphs through a sentence that most of them share', () => {
    const [a, b] = sharedSentencePair(200, 6);
    const limited = alignParagraphs(...sides(a, b), defaultCompareOptions);
    expect(limited.pairs).toEqual([]);
    expect(limited.boilerplateShingles).toBe(tokenize(SHARED_SENTENCE).length - 4);
    // maxRepeats: 0 lifts the limit, and the shared sentence alone pairs them (as it used to).
    expect(alignParagraphs(...sides(a, b), { ...defaultCompareOptions, maxRepeats: 0 }).pairs).toHaveLength(
      200,
    );
  });

  it('edit-compares only the best candidates of a paragraph that many look like, and says so', () => {
    // 40 paragraphs a side sharing a sentence: below maxRepeats, so not boilerplate, but every A
    // paragraph has 40 candidates, more than the MOST_CANDIDATES (16) that are edit-compared.
    const [a, b] = sharedSentencePair(40, 7);
    const capped = alignParagraphs(...sides(a, b), defaultCompareOptions);
    expect(capped.boilerplateShingles).toBe(0);
    expect(capped.cappedParagraphs).toBe(40);
    expect(capped.pairs).toHaveLength(40); // the shared sentence is enough to pair them
    const all = alignParagraphs(...sides(a, b), { ...defaultCompareOptions, maxRepeats: 0 });
    expect(all.cappedParagraphs).toBe(0);
    expect(compare(a, b, { mode: 'verbatim' }).warnings).toContainEqual(
      expect.stringMatching(/^40 paragraphs of A had more than 16 candidate near partners/),
    );
  });
});

// The definition: every pair of paragraphs with words is a candidate, identical pairs first, then
// by Jaccard, edit similarity, drift and index; each paragraph is used at most once.
function bestFirstOverAllPairs(a: AlignSide, b: AlignSide, o: AlignOptions, evidence: [number, number][]) {
  const words = (s: AlignSide, i: number) =>
    s.ids.subarray(s.paragraphs[i]!.firstToken, s.paragraphs[i]!.endToken);
  const set = (s: AlignSide, i: number) =>
    uniqueSorted(
      shingle(s.hashes.subarray(s.paragraphs[i]!.firstToken, s.paragraphs[i]!.endToken), o.shingleSize)
        .hashes,
    );
  const nA = Math.max(1, a.paragraphs.length);
  const nB = Math.max(1, b.paragraphs.length);
  const candidates: {
    a: number;
    b: number;
    kind: string;
    similarity: number;
    edit: number | null;
    drift: number;
  }[] = [];
  for (let p = 0; p < a.paragraphs.length; p++)
    for (let q = 0; q < b.paragraphs.length; q++) {
      const [wa, wb] = [words(a, p), words(b, q)];
      if (wa.length === 0 || wb.length === 0) continue;
      const [sa, sb] = [set(a, p), set(b, q)];
      const shared = [...sa].filter((h) => sb.includes(h)).length;
      const proposed = evidence.some(([x, y]) => x === p && y === q);
      if (shared === 0 && !proposed) continue;
      const similarity = shared / (sa.length + sb.length - shared || 1);
      const drift = Math.abs(p / nA - q / nB);
      if (similarity === 1 && wa.join() === wb.join())
        candidates.push({ a: p, b: q, kind: 'identical', similarity: 1, edit: 1, drift });
      else if (similarity >= o.paragraphJaccard || proposed) {
        const edit = wordEditSimilarity(wa, wb);
        if (edit === undefined || edit >= o.paragraphEditSimilarity)
          candidates.push({ a: p, b: q, kind: 'near', similarity, edit: edit ?? null, drift });
      }
    }
  candidates.sort(
    (x, y) =>
      Number(y.kind === 'identical') - Number(x.kind === 'identical') ||
      y.similarity - x.similarity ||
      (y.edit ?? 0) - (x.edit ?? 0) ||
      x.drift - y.drift ||
      x.a - y.a ||
      x.b - y.b,
  );
  const [usedA, usedB] = [new Set<number>(), new Set<number>()];
  const chosen = candidates.filter((c) => {
    if (usedA.has(c.a) || usedB.has(c.b)) return false;
    usedA.add(c.a);
    usedB.add(c.b);
    return true;
  });
  return chosen.sort((x, y) => x.a - y.a).map((c) => [c.a, c.b, c.kind, c.similarity, c.edit]);
}

describe('paragraph alignment agrees with best first over all pairs', () => {
  // Few distinct words, so paragraphs repeat, overlap and tie often.
  const wordArb = fc.constantFrom('ka', 'lo', 'mi', 'ne', 'ru', 'sa');
  const paragraphArb = fc.array(wordArb, { minLength: 1, maxLength: 10 }).map((w) => w.join(' '));
  const caseArb = fc.record({
    a: fc.array(fc.oneof(paragraphArb, fc.constant('Advertisement'), fc.constant('—')), { maxLength: 30 }),
    b: fc.array(
      fc.oneof(
        paragraphArb,
        fc.constant('Advertisement'),
        fc.record({ from: fc.nat(), change: fc.nat() }), // a copy of an A paragraph, maybe edited
      ),
      { maxLength: 30 },
    ),
    evidence: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 6 }),
    shingleSize: fc.constantFrom(1, 2, 3, 5),
    paragraphJaccard: fc.constantFrom(0, 0.1, 0.5),
    paragraphEditSimilarity: fc.constantFrom(0, 0.45, 0.8),
  });

  it('with no repeat limit: the same pairs, kinds and scores', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const b = c.b.map((x) => {
          if (typeof x === 'string') return x;
          if (c.a.length === 0) return 'ka';
          const words = c.a[x.from % c.a.length]!.split(' ');
          if (x.change % 2 === 1) words[x.change % words.length] = 'zu';
          return words.join(' ');
        });
        const [sa, sb] = sides(c.a.join('\n\n'), b.join('\n\n'));
        const withWords = (s: AlignSide) =>
          s.paragraphs.flatMap((p, i) => (p.endToken > p.firstToken ? [i] : []));
        const [wa, wb] = [withWords(sa), withWords(sb)];
        const evidence: [number, number][] =
          wa.length && wb.length ? c.evidence.map(([p, q]) => [wa[p % wa.length]!, wb[q % wb.length]!]) : [];
        const options = { ...c, maxRepeats: 0 };
        const got = alignParagraphs(sa, sb, options, evidence);
        expect(got.pairs.map((p) => [p.a, p.b, p.kind, p.similarity, p.editSimilarity])).toEqual(
          bestFirstOverAllPairs(sa, sb, options, evidence),
        );
        const paired = (key: 'a' | 'b') => new Set(got.pairs.map((p) => p[key]));
        expect(got.unmatchedA).toEqual(sa.paragraphs.map((_, i) => i).filter((i) => !paired('a').has(i)));
        expect(got.unmatchedB).toEqual(sb.paragraphs.map((_, i) => i).filter((i) => !paired('b').has(i)));
      }),
      fcParams(300),
    );
  });
});

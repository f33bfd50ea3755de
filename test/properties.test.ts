import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findSharedRuns, type WordRun } from '../src/passages.js';
import { compare, type Report } from '../src/report/compare.js';
import { type Range, segmentParagraphs, type Tokens, tokenize } from '../src/text.js';
import {
  fcParams,
  noiseArb,
  type PlantedPair,
  plantedPairArb,
  separatorArb,
  trickyStringArb,
  wordArb,
} from './generators.js';
import { randomWords, rng } from './text-generators.js';

const TIMEOUT = 30_000;
const SPACE = /\s/;

/** A planted pair together with the minWords (3..10) it was planted for. */
const plantedCaseArb: fc.Arbitrary<PlantedPair & { minWords: number }> = fc
  .integer({ min: 3, max: 10 })
  .chain((minWords) => plantedPairArb({ minWords }).map((pair) => ({ ...pair, minWords })));

const expectRangeIn = (r: Range, text: string, mayBeEmpty = false) => {
  expect(Number.isInteger(r.start) && Number.isInteger(r.end)).toBe(true);
  expect(r.start).toBeGreaterThanOrEqual(0);
  if (mayBeEmpty) expect(r.start).toBeLessThanOrEqual(r.end);
  else expect(r.start).toBeLessThan(r.end);
  expect(r.end).toBeLessThanOrEqual(text.length);
};

/** Index of the token starting exactly at `offset`, or -1. */
const tokenAt = (t: Tokens, offset: number) => t.starts.indexOf(offset);

/** Report invariants that hold for any two texts. */
function checkReport(report: Report, a: string, b: string, minWords: number) {
  // A passage runs from its first word's first character to its last word's last one.
  const edges = (t: string) => [SPACE.test(t.at(0)!), SPACE.test(t.at(-1)!)];
  const wordsIn = (text: string, r: Range) => tokenize(text.slice(r.start, r.end)).words;
  report.passages.forEach((p, index) => {
    expectRangeIn(p.a, a);
    expectRangeIn(p.b, b);
    expect(p.text).toBe(a.slice(p.a.start, p.a.end));
    const wordsA = wordsIn(a, p.a);
    const wordsB = wordsIn(b, p.b);
    expect(p.words).toBe(wordsA.length);
    expect({ text: p.text, edges: edges(p.text) }).toEqual({ text: p.text, edges: [false, false] });
    const textB = b.slice(p.b.start, p.b.end);
    expect({ textB, edges: edges(textB) }).toEqual({ textB, edges: [false, false] });
    if (p.kind === 'verbatim') {
      expect(wordsA).toEqual(wordsB);
      expect(p.words).toBeGreaterThanOrEqual(minWords);
      return;
    }
    expect(p.kind).toBe('near');
    expect(p.textB).toBe(textB);
    expect(p.wordsB).toBe(wordsB.length);
    // The diff's steps partition both sides' words, in order; equal steps hold equal words.
    const stepsA: string[] = [];
    const stepsB: string[] = [];
    let equal = 0;
    let [atA, atB] = [p.a.start, p.b.start];
    for (const step of p.diff) {
      expectRangeIn(step.a, a, true);
      expectRangeIn(step.b, b, true);
      expect(step.a.start).toBeGreaterThanOrEqual(atA);
      expect(step.b.start).toBeGreaterThanOrEqual(atB);
      [atA, atB] = [step.a.end, step.b.end];
      const [wa, wb] = [wordsIn(a, step.a), wordsIn(b, step.b)];
      expect(wa.length === 0).toBe(step.op === 'insert');
      expect(wb.length === 0).toBe(step.op === 'delete');
      if (step.op === 'equal') {
        expect(wa).toEqual(wb);
        equal += wa.length;
      }
      stepsA.push(...wa);
      stepsB.push(...wb);
    }
    expect([atA, atB]).toEqual([p.a.end, p.b.end]);
    expect(stepsA).toEqual(wordsA);
    expect(stepsB).toEqual(wordsB);
    expect(p.similarity).toBeCloseTo((2 * equal) / (wordsA.length + wordsB.length), 12);
    for (const v of p.verbatim) {
      const inner = report.passages[v]!;
      expect(inner.kind).toBe('verbatim');
      expect(p.a.start <= inner.a.start && inner.a.end <= p.a.end).toBe(true);
      expect(p.b.start <= inner.b.start && inner.b.end <= p.b.end).toBe(true);
    }
    expect(p.verbatim.every((v) => v !== index)).toBe(true);
  });
  // Documented order: by start in A, then in B.
  for (let i = 1; i < report.passages.length; i++) {
    const [x, y] = [report.passages[i - 1]!, report.passages[i]!];
    expect(x.a.start < y.a.start || (x.a.start === y.a.start && x.b.start <= y.b.start)).toBe(true);
  }
  for (const pair of report.paragraphs) {
    expectRangeIn(pair.a, a);
    expectRangeIn(pair.b, b);
  }
  for (const r of report.unmatched.a) expectRangeIn(r, a);
  for (const r of report.unmatched.b) expectRangeIn(r, b);
  for (const c of [report.coverage.a, report.coverage.b]) {
    expect(c).toBeGreaterThanOrEqual(0);
    expect(c).toBeLessThanOrEqual(1);
  }
  expect(report.words).toEqual({ a: tokenize(a).length, b: tokenize(b).length });
}

/** Token and paragraph invariants of `tokenize` / `segmentParagraphs` on any string. */
function checkTokensAndParagraphs(s: string) {
  const t = tokenize(s);
  expect(t.source).toBe(s);
  expect([t.starts.length, t.ends.length, t.words.length, t.hashes.length]).toEqual([
    t.length,
    t.length,
    t.length,
    t.length,
  ]);
  let previousEnd = 0;
  for (let i = 0; i < t.length; i++) {
    const [start, end] = [t.starts[i]!, t.ends[i]!];
    expect(start).toBeGreaterThanOrEqual(previousEnd);
    expect(start).toBeLessThan(end);
    expect(end).toBeLessThanOrEqual(s.length);
    previousEnd = end;
    const slice = s.slice(start, end);
    const alone = tokenize(slice);
    expect({ slice, words: alone.words }).toEqual({ slice, words: [t.words[i]] });
    expect([alone.starts[0], alone.ends[0]]).toEqual([0, slice.length]);
  }

  const paragraphs = segmentParagraphs(t);
  let previous = { end: -1, endToken: 0 };
  for (const p of paragraphs) {
    expect(p.start).toBeGreaterThan(previous.end);
    expect(p.start).toBeLessThan(p.end);
    expect(p.end).toBeLessThanOrEqual(s.length);
    expect(SPACE.test(s[p.start]!)).toBe(false);
    expect(SPACE.test(s[p.end - 1]!)).toBe(false);
    expect(p.firstToken).toBe(previous.endToken);
    expect(p.endToken).toBeGreaterThanOrEqual(p.firstToken);
    previous = p;
  }
  expect(previous.endToken).toBe(t.length);
  // Every token lies inside exactly one paragraph, the one whose token range holds it.
  for (let i = 0; i < t.length; i++) {
    const token = { index: i, start: t.starts[i]!, end: t.ends[i]! };
    const holders = paragraphs
      .map((p, k) => ({ k, p }))
      .filter(({ p }) => p.start <= token.start && token.end <= p.end);
    expect({ token, text: s.slice(token.start, token.end), holders: holders.length }).toEqual({
      token,
      text: s.slice(token.start, token.end),
      holders: 1,
    });
    const { p } = holders[0]!;
    expect(p.firstToken <= i && i < p.endToken).toBe(true);
  }
}

/** Every maximal exact match of ≥ m elements, by brute force, sorted by (a, b). */
function oracleRuns(a: readonly number[], b: readonly number[], m: number): WordRun[] {
  const runs: WordRun[] = [];
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      if (i > 0 && j > 0 && a[i - 1] === b[j - 1]) continue; // not left-maximal
      let length = 0;
      while (i + length < a.length && j + length < b.length && a[i + length] === b[j + length]) length++;
      if (length >= m) runs.push({ a: i, b: j, length });
    }
  }
  return runs;
}

const byPosition = (x: WordRun, y: WordRun) => x.a - y.a || x.b - y.b || x.length - y.length;

describe('generators', () => {
  it('wordArb always tokenizes as exactly one token spanning the whole word', () => {
    fc.assert(
      fc.property(wordArb, (word) => {
        const t = tokenize(word);
        expect({ word, length: t.length }).toEqual({ word, length: 1 });
        expect([t.starts[0], t.ends[0]]).toEqual([0, word.length]);
      }),
      fcParams(2000),
    );
  });

  it('separatorArb and noiseArb never produce NUL, and separators hold no word', () => {
    fc.assert(
      fc.property(separatorArb, noiseArb, (separator, noise) => {
        expect(noise.includes('\0')).toBe(false);
        expect(tokenize(separator).length).toBe(0);
      }),
      fcParams(500),
    );
  });

  it(
    'plantedPairArb ranges are exact runs of tokens with the same normalised words in A and B',
    () => {
      fc.assert(
        fc.property(plantedCaseArb, ({ a, b, planted, minWords }) => {
          const [ta, tb] = [tokenize(a), tokenize(b)];
          expect(planted.length).toBeGreaterThanOrEqual(1);
          for (const run of planted) {
            expect(run.words).toBeGreaterThanOrEqual(minWords);
            const [ia, ib] = [tokenAt(ta, run.a.start), tokenAt(tb, run.b.start)];
            expect(ia).toBeGreaterThanOrEqual(0);
            expect(ib).toBeGreaterThanOrEqual(0);
            expect(ta.ends[ia + run.words - 1]).toBe(run.a.end);
            expect(tb.ends[ib + run.words - 1]).toBe(run.b.end);
            expect(ta.words.slice(ia, ia + run.words)).toEqual(tb.words.slice(ib, ib + run.words));
          }
        }),
        fcParams(300),
      );
    },
    TIMEOUT,
  );
});

describe('compare() properties', () => {
  it(
    'report invariants: ranges in bounds, passage text, word counts, verbatim words, minWords, coverage',
    () => {
      fc.assert(
        fc.property(plantedCaseArb, ({ a, b, minWords }) => {
          checkReport(compare(a, b, { minWords }), a, b, minWords);
          checkReport(compare(b, a, { minWords }), b, a, minWords);
        }),
        fcParams(200),
      );
    },
    TIMEOUT,
  );

  it(
    'report invariants hold for arbitrary Unicode texts too',
    () => {
      const textArb = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), trickyStringArb(80));
      fc.assert(
        fc.property(textArb, textArb, fc.integer({ min: 1, max: 4 }), (a, b, minWords) => {
          checkReport(compare(a, b, { minWords }), a, b, minWords);
          checkReport(compare(a, a, { minWords }), a, a, minWords);
        }),
        fcParams(300),
      );
    },
    TIMEOUT,
  );

  it(
    'every planted run lies inside one passage, on the same diagonal, in both texts',
    () => {
      fc.assert(
        fc.property(plantedCaseArb, ({ a, b, planted, minWords }) => {
          const report = compare(a, b, { minWords });
          const [ta, tb] = [tokenize(a), tokenize(b)];
          for (const run of planted) {
            const [ia, ib] = [tokenAt(ta, run.a.start), tokenAt(tb, run.b.start)];
            const found = report.passages.some(
              (p) =>
                p.kind === 'verbatim' &&
                p.a.start <= run.a.start &&
                run.a.end <= p.a.end &&
                p.b.start <= run.b.start &&
                run.b.end <= p.b.end &&
                ia - tokenAt(ta, p.a.start) === ib - tokenAt(tb, p.b.start),
            );
            expect({ run, found }).toEqual({ run, found: true });
          }
        }),
        fcParams(200),
      );
    },
    TIMEOUT,
  );

  it(
    'is deterministic: the same inputs give deep-equal reports',
    () => {
      fc.assert(
        fc.property(plantedCaseArb, ({ a, b, minWords }) => {
          expect(compare(a, b, { minWords })).toStrictEqual(compare(a, b, { minWords }));
        }),
        fcParams(100),
      );
    },
    TIMEOUT,
  );
});

describe('near passages on a text and a permutation of its paragraphs', () => {
  const FUNCTION_WORDS = ['the', 'of', 'and', 'to', 'in', 'a', 'is', 'that', 'for', 'it', 'was', 'on'];
  /** Paragraphs of English-like prose, 15–60 words, some of them on two lines. */
  const paragraphsOf = (count: number, next: () => number): string[] =>
    Array.from({ length: count }, () => {
      const words = Array.from({ length: 15 + Math.floor(next() * 46) }, () =>
        next() < 0.4 ? FUNCTION_WORDS[Math.floor(next() * FUNCTION_WORDS.length)]! : randomWords(1, next)[0]!,
      );
      if (next() < 0.3) words[words.length >> 1] = `${words[words.length >> 1]}\n`;
      return `${words.join(' ').replace(/\n /g, '\n')}.`;
    });
  const caseArb = fc.record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    count: fc.integer({ min: 2, max: 10 }),
    rate: fc.constantFrom(0, 0.05, 0.1, 0.15),
  });

  it(
    'keep to paragraphs that are next to each other, in order, in both texts, with similar sides',
    () => {
      fc.assert(
        fc.property(caseArb, ({ seed, count, rate }) => {
          const next = rng(seed);
          const paragraphs = paragraphsOf(count, next);
          // B: the paragraphs in a random order, each word replaced with probability `rate`.
          const order = paragraphs.map((_, i) => i);
          for (let i = order.length - 1; i > 0; i--) {
            const j = Math.floor(next() * (i + 1));
            [order[i], order[j]] = [order[j]!, order[i]!];
          }
          const edited = paragraphs.map((p) =>
            p.replace(/[a-z]+/g, (w) => (next() < rate ? randomWords(1, next)[0]! : w)),
          );
          const a = paragraphs.join('\n\n');
          const b = order.map((i) => edited[i]).join('\n\n');
          // Each paragraph's range on each side, by its index in A.
          const spans = (texts: string[], sequence: number[]) => {
            const out: Range[] = [];
            let at = 0;
            for (const i of sequence) {
              out[i] = { start: at, end: at + texts[i]!.length };
              at += texts[i]!.length + 2;
            }
            return out;
          };
          const inA = spans(
            paragraphs,
            order.map((_, i) => i),
          );
          const inB = spans(edited, order);
          const placeInB: number[] = [];
          order.forEach((i, k) => {
            placeInB[i] = k;
          });
          const touched = (r: Range, where: Range[]) =>
            where.flatMap((s, i) => (s.start < r.end && r.start < s.end ? [i] : []));
          for (const p of compare(a, b).passages) {
            if (p.kind !== 'near') continue;
            expect(p.similarity).toBeGreaterThanOrEqual(0.5);
            // The paragraphs it touches, on either side: consecutive in A, and in B in that order.
            const run = [...new Set([...touched(p.a, inA), ...touched(p.b, inB)])].sort((x, y) => x - y);
            const inOrder = run.every(
              (x, k) => k === 0 || (x === run[k - 1]! + 1 && placeInB[x] === placeInB[run[k - 1]!]! + 1),
            );
            expect({ run, places: run.map((x) => placeInB[x]), inOrder }).toEqual({
              run,
              places: run.map((x) => placeInB[x]),
              inOrder: true,
            });
          }
        }),
        fcParams(300),
      );
    },
    TIMEOUT,
  );
});

describe('findSharedRuns() against a brute-force oracle', () => {
  const idsArb = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 60 });

  it('returns exactly the maximal exact matches of ≥ m words, in (a, b) order', () => {
    fc.assert(
      fc.property(idsArb, idsArb, fc.integer({ min: 1, max: 5 }), (a, b, m) => {
        const { runs, skippedSeeds } = findSharedRuns(Uint32Array.from(a), Uint32Array.from(b), m, 0);
        expect(skippedSeeds).toBe(0);
        expect([...runs].sort(byPosition)).toEqual(oracleRuns(a, b, m));
        expect(runs).toEqual([...runs].sort(byPosition)); // documented order
      }),
      fcParams(1000),
    );
  });

  it('with a maxRepeats limit, returns a subset of the maximal matches', () => {
    fc.assert(
      fc.property(
        idsArb,
        idsArb,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        (a, b, m, r) => {
          const { runs, skippedSeeds } = findSharedRuns(Uint32Array.from(a), Uint32Array.from(b), m, r);
          const all = oracleRuns(a, b, m).map((x) => JSON.stringify(x));
          for (const run of runs) expect(all).toContain(JSON.stringify(run));
          expect(skippedSeeds).toBeGreaterThanOrEqual(0);
          if (skippedSeeds === 0) expect([...runs].sort(byPosition)).toEqual(oracleRuns(a, b, m));
        },
      ),
      fcParams(500),
    );
  });

  it('lowers the repeat limit to keep occurrence pairs within budget, and only as far as it must', () => {
    fc.assert(
      fc.property(idsArb, idsArb, fc.integer({ min: 1, max: 4 }), (a, b, m) => {
        const budget = a.length + b.length; // one pair per word, as in texts past 100,000 words
        const { runs, repeatLimit } = findSharedRuns(
          Uint32Array.from(a),
          Uint32Array.from(b),
          m,
          1000,
          budget,
        );
        const grams = (x: readonly number[]) => {
          const counts = new Map<string, number>();
          for (let i = 0; i + m <= x.length; i++) {
            const g = x.slice(i, i + m).join();
            counts.set(g, (counts.get(g) ?? 0) + 1);
          }
          return counts;
        };
        const [inA, inB] = [grams(a), grams(b)];
        const under = (g: string, t: number) => (inA.get(g) ?? 0) <= t && (inB.get(g) ?? 0) <= t;
        const pairsUpTo = (t: number) =>
          [...inA].reduce((sum, [g, n]) => sum + (under(g, t) ? n * (inB.get(g) ?? 0) : 0), 0);
        expect(pairsUpTo(repeatLimit)).toBeLessThanOrEqual(budget);
        expect(repeatLimit === 1000 || pairsUpTo(repeatLimit + 1) > budget).toBe(true);
        // Exactly the maximal runs whose first gram repeats no more than the limit on either side.
        const kept = oracleRuns(a, b, m).filter((r) => under(a.slice(r.a, r.a + m).join(), repeatLimit));
        expect([...runs].sort(byPosition)).toEqual(kept);
      }),
      fcParams(1000),
    );
  });
});

describe('tokenize() and segmentParagraphs() offsets', () => {
  it('hold for any string of code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), checkTokensAndParagraphs),
      fcParams(500),
    );
  });

  it('hold for strings dense in marks, jamo, spaces, line ends and compatibility forms', () => {
    fc.assert(fc.property(trickyStringArb(40), checkTokensAndParagraphs), fcParams(1000));
  });

  it('canonically equivalent strings (NFC / NFD) give the same words', () => {
    const textArb = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), trickyStringArb(30));
    fc.assert(
      fc.property(textArb, fc.constantFrom('NFC', 'NFD'), (s, form) => {
        const equivalent = s.normalize(form);
        expect({ equivalent, words: tokenize(equivalent).words }).toEqual({
          equivalent,
          words: tokenize(s).words,
        });
      }),
      fcParams(1000),
    );
  });

  it('hold for generated texts (words, separators and noise)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(wordArb, noiseArb), separatorArb), { maxLength: 30 }), (parts) =>
        checkTokensAndParagraphs(parts.map(([w, s]) => w + s).join('')),
      ),
      fcParams(500),
    );
  });
});

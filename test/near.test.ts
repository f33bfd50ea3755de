// Near-verbatim passages: the aligner on generated texts with planted, edited passages, and the
// heaviest-chain routine it anchors its diffs on, against a brute-force oracle.

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compare, ENGLISH_STOP_WORDS, findNearPassages, type NearPassage } from '../src/index.js';
import { heaviestChain } from '../src/sequence.js';
import { fcParams } from './generators.js';
import { randomWords, rng } from './text-generators.js';

const FUNCTION_WORDS = ['the', 'of', 'and', 'to', 'in', 'a', 'is', 'that', 'for', 'it', 'was', 'on', 'with'];

/** English-like text: random content words with function words at roughly their usual rate. */
function prose(words: number, next: () => number): string[] {
  return Array.from({ length: words }, () =>
    next() < 0.4 ? FUNCTION_WORDS[Math.floor(next() * FUNCTION_WORDS.length)]! : randomWords(1, next)[0]!,
  );
}

/** Edits about `rate` of the words: substitutions, deletions, insertions and swaps of neighbours. */
function obfuscate(words: readonly string[], rate: number, next: () => number): string[] {
  const out: string[] = [];
  for (const w of words) {
    const r = next();
    if (r < rate / 4) out.push(randomWords(1, next)[0]!);
    else if (r < rate / 2) continue;
    else if (r < (3 * rate) / 4) out.push(w, randomWords(1, next)[0]!);
    else out.push(w);
    if (r >= (3 * rate) / 4 && r < rate && out.length > 1) out.push(...out.splice(-2, 2).reverse());
  }
  return out;
}

/** Two unrelated texts with one passage of A planted, edited, into B; the passage's text on each side. */
function plantedPair(seed: number, passageWords: number, rate: number) {
  const next = rng(seed);
  const passage = prose(passageWords, next);
  const edited = obfuscate(passage, rate, next);
  const before = (n: number) => `${prose(n, next).join(' ')}.\n\n`;
  const prefixA = before(150);
  const prefixB = before(90);
  const a = `${prefixA}${passage.join(' ')}.\n\n${prose(200, next).join(' ')}.`;
  const b = `${prefixB}${edited.join(' ')}.\n\n${prose(120, next).join(' ')}.`;
  const planted = {
    a: { start: prefixA.length, end: prefixA.length + passage.join(' ').length },
    b: { start: prefixB.length, end: prefixB.length + edited.join(' ').length },
  };
  return { a, b, planted };
}

const overlap = (x: { start: number; end: number }, y: { start: number; end: number }) =>
  Math.max(0, Math.min(x.end, y.end) - Math.max(x.start, y.start));
const nearOf = (a: string, b: string) =>
  compare(a, b).passages.filter((p): p is NearPassage => p.kind === 'near');

describe('near passages on generated text', () => {
  it.each([
    [0.1, 60, 1],
    [0.2, 120, 1],
    [0.3, 200, 2],
  ])(
    'finds a passage edited at rate %f (%i words) in at most %i near passage(s) covering it',
    (rate, words, most) => {
      for (let seed = 1; seed <= 5; seed++) {
        const { a, b, planted } = plantedPair(seed * 7919 + words, words, rate);
        const near = nearOf(a, b);
        expect(near.length, `seed ${seed}`).toBeGreaterThanOrEqual(1);
        expect(near.length, `seed ${seed}`).toBeLessThanOrEqual(most);
        // Most of the planted text on both sides, and hardly anything else.
        const sum = (f: (p: NearPassage) => number) => near.reduce((n, p) => n + f(p), 0);
        const found = { a: sum((p) => overlap(p.a, planted.a)), b: sum((p) => overlap(p.b, planted.b)) };
        expect(found.a / (planted.a.end - planted.a.start)).toBeGreaterThan(0.85);
        expect(found.b / (planted.b.end - planted.b.start)).toBeGreaterThan(0.85);
        expect(found.a / sum((p) => p.a.end - p.a.start)).toBeGreaterThan(0.95);
        for (const p of near) expect(p.similarity).toBeGreaterThan(1 - 2 * rate);
      }
    },
  );

  it('finds a passage whose sentences were reordered, as one passage', () => {
    const next = rng(42);
    const sentences = Array.from({ length: 6 }, () => `${prose(18, next).join(' ')}.`);
    const order = [3, 0, 5, 1, 4, 2];
    const hostA = `${prose(100, next).join(' ')}.`;
    const hostB = `${prose(100, next).join(' ')}.`;
    const a = `${hostA}\n\n${sentences.join(' ')}\n\n${hostA}`;
    const b = `${hostB}\n\n${order.map((i) => sentences[i]).join(' ')}\n\n${hostB}`;
    const near = nearOf(a, b);
    expect(near).toHaveLength(1);
    expect(near[0]!.text).toBe(sentences.join(' ').replace(/\.$/, ''));
    expect(near[0]!.textB).toBe(
      order
        .map((i) => sentences[i])
        .join(' ')
        .replace(/\.$/, ''),
    );
  });

  it('reports nothing for unrelated texts full of function words', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
        const next = rng(seed);
        const near = nearOf(prose(800, next).join(' '), prose(800, next).join(' '));
        expect(near).toEqual([]);
      }),
      fcParams(20),
    );
  });

  it('keeps every verbatim run, and lists the ones inside each near passage', () => {
    const { a, b } = plantedPair(99, 200, 0.1);
    const report = compare(a, b);
    const exact = compare(a, b, { mode: 'verbatim' });
    expect(report.passages.filter((p) => p.kind === 'verbatim')).toEqual(exact.passages);
    const [near] = report.passages.filter((p) => p.kind === 'near') as NearPassage[];
    const inside = report.passages
      .map((p, i) => [p, i] as const)
      .filter(([p]) => p.kind === 'verbatim' && overlap(p.a, near!.a) > 0)
      .map(([, i]) => i);
    expect(near!.verbatim).toEqual(inside);
    expect(inside.length).toBeGreaterThan(0);
  });

  it('uses stop words for seeds: none, the English list, or a list of your own', () => {
    const { a, b } = plantedPair(5, 120, 0.2);
    const english = nearOf(a, b);
    expect(english).toHaveLength(1);
    expect(compare(a, b, { stopWords: [...ENGLISH_STOP_WORDS] }).passages).toEqual(compare(a, b).passages);
    // With no stop words, "of the" style seeds are evidence too: the passage is still found.
    const none = compare(a, b, { stopWords: 'none' }).passages.filter((p) => p.kind === 'near');
    expect(none.length).toBeGreaterThanOrEqual(1);
    expect(() => compare(a, b, { stopWords: 'fr' as never })).toThrow(
      /option "stopWords" must be "en", "none" or an array of strings, got "fr"/,
    );
    expect(() => compare(a, b, { mode: 'fuzzy' as never })).toThrow(
      /option "mode" must be "verbatim" or "near"/,
    );
  });

  it('takes its options: a longer minimum or a denser evidence requirement drops the passage', () => {
    const { a, b } = plantedPair(11, 60, 0.3);
    expect(nearOf(a, b)).toHaveLength(1);
    expect(compare(a, b, { nearMinWords: 500 }).passages.filter((p) => p.kind === 'near')).toEqual([]);
    expect(compare(a, b, { nearMinDensity: 1 }).passages.filter((p) => p.kind === 'near')).toEqual([]);
  });
});

describe('near passage edges', () => {
  // An edited shared sentence: "regional" becomes "local", 18 words on each side.
  const sharedA =
    'the transport committee agreed that the new regional railway timetable would start running early next spring for commuters';
  const sharedB =
    'the transport committee agreed that the new local railway timetable would start running early next spring for commuters';

  it.each([
    [', ', ', '],
    ['. ', '. '],
    ['; ', ' - '],
  ])(
    'keeps unrelated clauses around a shared sentence out of it (separated by "%s", "%s")',
    (before, after) => {
      const a = `Farmers complained loudly about falling grain prices${before}${sharedA}${after}while tourists admired orange autumn leaves nearby.`;
      const b = `Engineers repaired broken bridges quickly yesterday${before}${sharedB}${after}and children played football outside happily.`;
      const report = compare(a, b);
      const near = report.passages.filter((p): p is NearPassage => p.kind === 'near');
      expect(near).toHaveLength(1);
      expect([near[0]!.text, near[0]!.textB]).toEqual([sharedA, sharedB]);
      expect(near[0]!.similarity).toBeCloseTo(34 / 36, 12);
      // Coverage counts the passage's words, not the unrelated ones around it.
      expect(report.coverage).toEqual({ a: 18 / report.words.a, b: 18 / report.words.b });
    },
  );

  it('takes in the edited words that trimming cut from an edge, up to punctuation', () => {
    const tail =
      "said Russia's bilateral trade with North Korea fell by more than half last year because of sanctions";
    const a = `Unrelated opening words stand here. Kremlin adviser Yuri Ushakov ${tail}. Closing words.`;
    const b = `Other opening words stand there. Mr Ushakov ${tail}. Different closing words.`;
    const [p, ...rest] = nearOf(a, b);
    expect(rest).toHaveLength(0);
    expect([p!.text, p!.textB]).toEqual([`Kremlin adviser Yuri Ushakov ${tail}`, `Mr Ushakov ${tail}`]);
    // With no reach, the passage keeps to its seeds.
    const [bare] = compare(a, b, { nearSnapWords: 0 }).passages.filter((q) => q.kind === 'near');
    expect(bare).toBeUndefined(); // nothing but the verbatim run is left
  });

  it('takes in a clause one side added to a line the other has whole', () => {
    const caption = 'Mr Putin and Mr Kim will meet in the far eastern Russian city of Vladivostok';
    const a = `Opening remarks.\n\n${caption}\nImage: ${caption}\n\nClosing lines.`;
    const b = `Breaking news.\n\n${caption}\nImage: The Russian city of Vladivostok, where the two leaders will meet\n\nThe end.`;
    const near = nearOf(a, b);
    expect(near).toHaveLength(1);
    expect(near[0]!.textB).toBe(
      `${caption}\nImage: The Russian city of Vladivostok, where the two leaders will meet`,
    );
  });
});

describe('near passages on a text with its paragraphs shuffled', () => {
  const text = readFileSync(new URL('../seeds/kim-warm-feelings.txt', import.meta.url), 'utf8');
  const paragraphs = text.split('\n\n');

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])(
    'maps every paragraph to its own place, never one passage over the whole text (shuffle %i)',
    (seed) => {
      const next = rng(seed);
      const order = paragraphs.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const shuffled = order.map((i) => paragraphs[i]).join('\n\n');
      const offsets = (sequence: number[]) => {
        const out: number[] = [];
        let at = 0;
        for (const i of sequence) {
          out[i] = at;
          at += paragraphs[i]!.length + 2;
        }
        return out;
      };
      const [inA, inB] = [offsets(order.map((_, i) => i)), offsets(order)];
      const report = compare(text, shuffled);
      // Every paragraph long enough for a passage lies inside one that maps it to its place.
      paragraphs.forEach((p, i) => {
        if (p.split(/\s+/).length < 8) return;
        // From the first word's first character to the last word's last one.
        const first = inA[i]! + p.search(/[\p{L}\p{N}]/u);
        const end =
          inA[i]! +
          p.length -
          p
            .split('')
            .reverse()
            .join('')
            .search(/[\p{L}\p{N}]/u);
        const shift = inB[i]! - inA[i]!;
        const home = report.passages.filter(
          (q) => q.a.start <= first && end <= q.a.end && q.b.start <= first + shift && end + shift <= q.b.end,
        );
        expect(home.length, p).toBeGreaterThanOrEqual(1);
      });
      // The text is the same word for word: nothing is left to report as edited.
      expect(report.passages.filter((q) => q.kind === 'near')).toEqual([]);
    },
  );
});

describe('findNearPassages', () => {
  const ids = (s: string) => Uint32Array.from(s.split(' '), (w) => w.charCodeAt(0));

  it('gives token ranges, a diff and the evidence density (the documented example)', () => {
    const a = ids('a b c d e f g h i j k l m n o');
    const b = ids('a b c d x f g h i j k l m n o');
    const stop = new Uint8Array(15);
    const found = findNearPassages(
      { ids: a, stop },
      { ids: b, stop },
      {
        seedWords: 3,
        looseWords: 3,
        maxGap: 20,
        minWords: 12,
        minDensity: 0.4,
        maxRepeats: 100,
      },
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ a: 0, aEnd: 15, b: 0, bEnd: 15, equal: 14 });
    expect(found[0]!.diff.map((s) => [s.op, s.aEnd - s.a, s.bEnd - s.b])).toEqual([
      ['equal', 4, 4],
      ['replace', 1, 1],
      ['equal', 10, 10],
    ]);
    expect(found[0]!.similarity).toBeCloseTo(28 / 30, 12);
  });

  it('keeps more isolated seeds than a call may take arguments (200,000 clusters of one seed)', () => {
    // Every fourth word of B differs and no gap is allowed: each 3-word run is a cluster of its own.
    // Pushing them all in one call (push(...groups)) overflowed the call stack.
    const n = 800_000;
    const a = Uint32Array.from({ length: n }, (_, i) => i);
    const b = a.map((w, i) => (i % 4 === 3 ? n + i : w));
    const stop = new Uint8Array(n);
    const options = { seedWords: 3, looseWords: 3, maxGap: 0, minWords: 3, minDensity: 0.4, maxRepeats: 100 };
    const found = findNearPassages({ ids: a, stop }, { ids: b, stop }, options);
    expect(found).toHaveLength(n / 4);
    expect(found.every((m, k) => m.a === 4 * k && m.aEnd === 4 * k + 3 && m.b === m.a && m.equal === 3)).toBe(
      true,
    );
  });
});

describe('heaviestChain', () => {
  // Brute force: the best weight over all chains, by dynamic programming over every pair.
  const bestWeight = (boxes: { a0: number; a1: number; b0: number; b1: number; w: number }[]) => {
    const order = boxes.map((_, i) => i).sort((x, y) => boxes[x]!.a0 - boxes[y]!.a0);
    const best = new Map<number, number>();
    for (const i of order) {
      let w = 0;
      for (const j of order)
        if (best.has(j) && boxes[j]!.a1 <= boxes[i]!.a0 && boxes[j]!.b1 <= boxes[i]!.b0)
          w = Math.max(w, best.get(j)!);
      best.set(i, w + boxes[i]!.w);
    }
    return Math.max(0, ...best.values());
  };
  const boxArb = fc
    .record({
      a0: fc.nat(60),
      b0: fc.nat(60),
      la: fc.integer({ min: 1, max: 8 }),
      lb: fc.integer({ min: 1, max: 8 }),
    })
    .map(({ a0, b0, la, lb }) => ({ a0, a1: a0 + la, b0, b1: b0 + lb, w: la }));

  it('finds a chain as heavy as the brute-force optimum, ordered and non-overlapping in both sequences', () => {
    fc.assert(
      fc.property(fc.array(boxArb, { maxLength: 40 }), (boxes) => {
        const columns = {
          a0: Int32Array.from(boxes, (x) => x.a0),
          a1: Int32Array.from(boxes, (x) => x.a1),
          b0: Int32Array.from(boxes, (x) => x.b0),
          b1: Int32Array.from(boxes, (x) => x.b1),
          weight: Float64Array.from(boxes, (x) => x.w),
        };
        const chain = heaviestChain(
          columns,
          boxes.map((_, i) => i),
        );
        for (let k = 1; k < chain.length; k++) {
          const [p, q] = [boxes[chain[k - 1]!]!, boxes[chain[k]!]!];
          expect(p.a1 <= q.a0 && p.b1 <= q.b0).toBe(true);
        }
        expect(chain.reduce((sum, i) => sum + boxes[i]!.w, 0)).toBe(bestWeight(boxes));
      }),
      fcParams(300),
    );
  });
});

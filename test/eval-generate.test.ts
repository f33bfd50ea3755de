import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../bench/eval/corpus.js';
import { detectionsFromReport } from '../bench/eval/detections.js';
import {
  DOCUMENT_WORDS,
  EDIT_KINDS,
  EDIT_RATE_BANDS,
  type EditKind,
  type EvalPair,
  flipQuotes,
  generatePair,
  generateSet,
  mulberry32,
  obfuscate,
  PASSAGE_WORDS,
  parseCorpus,
  respace,
  sharedWordIds,
  splitSentences,
  UNRELATED_RUN,
} from '../bench/eval/generate.js';
import {
  compare,
  findSharedRuns,
  type Range,
  type Report,
  tokenize,
  wordEditSimilarity,
} from '../src/index.js';

const corpus = loadCorpus();
const PAIRS = 25;
const SEED = 7;
const set = generateSet(corpus, { seed: SEED, pairsPerKind: PAIRS });
const ofKind = (kind: EditKind) => set.filter((p) => p.kind === kind);
const slice = (text: string, r: Range) => text.slice(r.start, r.end);
const wordsIn = (text: string, r: Range) => tokenize(slice(text, r)).words;
const positives = set.filter((p) => p.kind !== 'negative');

/** 1 − word edit similarity of two word lists: the word edit distance over the longer length. */
function editRate(a: readonly string[], b: readonly string[]): number {
  const [ia, ib] = sharedWordIds(a, b);
  return 1 - wordEditSimilarity(ia, ib)!;
}

/** Shared maximal runs of ≥ 8 words between A and B, as character ranges. */
function sharedRuns(p: EvalPair): { a: Range; b: Range }[] {
  const ta = tokenize(p.a);
  const tb = tokenize(p.b);
  const [ia, ib] = sharedWordIds(ta.words, tb.words);
  return findSharedRuns(ia, ib, UNRELATED_RUN).runs.map((r) => ({
    a: { start: ta.starts[r.a]!, end: ta.ends[r.a + r.length - 1]! },
    b: { start: tb.starts[r.b]!, end: tb.ends[r.b + r.length - 1]! },
  }));
}

const inside = (x: Range, y: Range) => y.start <= x.start && x.end <= y.end;

describe('corpus', () => {
  it('has three unrelated families: speeches, the novel and the news seeds', () => {
    const families = new Map<string, number>();
    for (const d of corpus) families.set(d.family, (families.get(d.family) ?? 0) + 1);
    expect(Object.fromEntries(families)).toEqual({ 'moby-dick': 1, news: 2, sotu: 11 });
    for (const d of corpus) expect(d.paragraphs.every((p) => p.length > 0 && p === p.trim())).toBe(true);
  });

  it('parseCorpus splits documents at "# " titles and paragraphs at blank lines', () => {
    expect(parseCorpus('f', 'lead\n\n# One\n\nFirst para\ncontinued.\n\n\nSecond.\n# Two\nThird.\n')).toEqual(
      [
        { family: 'f', title: 'f', paragraphs: ['lead'] },
        { family: 'f', title: 'One', paragraphs: ['First para\ncontinued.', 'Second.'] },
        { family: 'f', title: 'Two', paragraphs: ['Third.'] },
      ],
    );
  });
});

describe('generateSet: determinism', () => {
  it('gives the same pairs for the same seed, and each pair independently of the set size', () => {
    const small = generateSet(corpus, { seed: SEED, pairsPerKind: 2 });
    expect(small).toEqual(EDIT_KINDS.flatMap((k) => ofKind(k).slice(0, 2)));
    expect(generatePair(corpus, 'high', 3, SEED)).toEqual(ofKind('high')[3]);
  });

  it('gives different pairs for another seed', () => {
    const other = generateSet(corpus, { seed: SEED + 1, pairsPerKind: 2 });
    expect(other.map((p) => p.b)).not.toEqual(
      generateSet(corpus, { seed: SEED, pairsPerKind: 2 }).map((p) => p.b),
    );
  });

  it('makes pairsPerKind pairs of every kind with distinct ids', () => {
    for (const kind of EDIT_KINDS) expect(ofKind(kind)).toHaveLength(PAIRS);
    expect(new Set(set.map((p) => p.id)).size).toBe(set.length);
    expect(ofKind('low')[4]!.id).toBe('low-004');
  });

  it('rejects an unknown kind and a corpus of one family', () => {
    expect(() => generatePair(corpus, 'medium' as EditKind, 0, 1)).toThrow('unknown edit kind "medium"');
    expect(() =>
      generatePair(
        corpus.filter((d) => d.family === 'sotu'),
        'none',
        0,
        1,
      ),
    ).toThrow('at least two families');
  });
});

describe('generateSet: ground truth', () => {
  it('every case range lies inside its document and is trimmed to its first and last word', () => {
    for (const p of set)
      for (const c of p.cases)
        for (const [text, r] of [
          [p.a, c.a],
          [p.b, c.b],
        ] as const) {
          expect(0 <= r.start && r.start < r.end && r.end <= text.length).toBe(true);
          const t = tokenize(slice(text, r));
          expect(t.starts[0]).toBe(0);
          expect(t.ends[t.length - 1]).toBe(r.end - r.start);
        }
  });

  it('cases of one pair never overlap, in A or in B', () => {
    for (const p of set)
      for (const side of ['a', 'b'] as const) {
        const ranges = p.cases.map((c) => c[side]).sort((x, y) => x.start - y.start);
        for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.start).toBeGreaterThan(ranges[i - 1]!.end);
      }
  });

  it('planted text sits at paragraph or sentence boundaries on both sides', () => {
    // What precedes a case: nothing, a blank line, or the end of a sentence (then an opening quote).
    const boundaryBefore = /(^|\n\s*\n|[.!?]["'”’)\]]*\s+)["'“‘([]*$/;
    // What follows it: closing punctuation, then nothing, a blank line or the next sentence.
    const boundaryAfter = /^[^\s\p{L}\p{N}]*(\s*$|\n\s*\n|\s+["'“‘([]?[\p{Lu}\p{N}])/u;
    for (const p of positives)
      for (const c of p.cases)
        for (const [text, r] of [
          [p.a, c.a],
          [p.b, c.b],
        ] as const) {
          expect(text.slice(0, r.start), p.id).toMatch(boundaryBefore);
          expect(text.slice(r.end), p.id).toMatch(boundaryAfter);
        }
  });

  it('documents run from a few hundred to a few thousand words; passages from 50 to 400', () => {
    for (const p of set) {
      expect(tokenize(p.a).length).toBeGreaterThanOrEqual(DOCUMENT_WORDS[0]);
      expect(tokenize(p.a).length).toBeLessThan(4000);
      expect(tokenize(p.b).length).toBeGreaterThanOrEqual(DOCUMENT_WORDS[0]);
      expect(tokenize(p.b).length).toBeLessThan(5000);
    }
    for (const p of set.filter((x) => x.kind !== 'move' && x.kind !== 'negative'))
      for (const c of p.cases) {
        expect(wordsIn(p.a, c.a).length).toBeGreaterThanOrEqual(PASSAGE_WORDS[0]);
        expect(wordsIn(p.a, c.a).length).toBeLessThanOrEqual(PASSAGE_WORDS[1]);
      }
    // Some pairs carry several cases.
    expect(ofKind('none').some((p) => p.cases.length > 1)).toBe(true);
  });

  it('A and B come from different families', () => {
    for (const p of set) expect(p.sources.a.split(':')[0]).not.toBe(p.sources.b.split(':')[0]);
  });

  it('outside the cases, A and B share no run of 8 words', () => {
    // Every shared run lies inside one case on both sides: the ground truth is unambiguous.
    for (const p of positives)
      for (const run of sharedRuns(p))
        expect(
          p.cases.some((c) => inside(run.a, c.a) && inside(run.b, c.b)),
          `${p.id}: ${slice(p.a, run.a)}`,
        ).toBe(true);
  });
});

describe('generateSet: edit kinds', () => {
  it('none: the same normalised words on both sides, only whitespace and quotes differ', () => {
    for (const p of ofKind('none'))
      for (const c of p.cases) {
        expect(wordsIn(p.b, c.b)).toEqual(wordsIn(p.a, c.a));
        expect(slice(p.b, c.b)).not.toBe(slice(p.a, c.a));
        // Word characters untouched: dropping whitespace and quote marks gives the same string.
        const bare = (s: string) => s.replace(/[\s'"‘’“”]/g, '');
        expect(bare(slice(p.b, c.b))).toBe(bare(slice(p.a, c.a)));
      }
  });

  it('none: each case is exactly one shared verbatim run', () => {
    for (const p of ofKind('none')) {
      const runs = sharedRuns(p);
      expect(runs).toHaveLength(p.cases.length);
      for (const c of p.cases) expect(runs).toContainEqual(c);
    }
  });

  it('low and high: the measured word edit rate lies in the stated band', () => {
    for (const kind of ['low', 'high'] as const) {
      const [lo, hi] = EDIT_RATE_BANDS[kind];
      const rates = ofKind(kind).flatMap((p) =>
        p.cases.map((c) => editRate(wordsIn(p.a, c.a), wordsIn(p.b, c.b))),
      );
      expect(rates.length).toBeGreaterThanOrEqual(PAIRS);
      for (const r of rates) {
        expect(r).toBeGreaterThanOrEqual(lo);
        expect(r).toBeLessThanOrEqual(hi);
      }
    }
  });

  it('reorder: the same words in another order, at least three sentences', () => {
    for (const p of ofKind('reorder'))
      for (const c of p.cases) {
        const a = wordsIn(p.a, c.a);
        const b = wordsIn(p.b, c.b);
        expect([...b].sort()).toEqual([...a].sort());
        expect(b).not.toEqual(a);
        // Sentences end at paragraph ends too (a caption needs no full stop).
        const sentences = slice(p.a, c.a)
          .split(/\n\s*\n/)
          .flatMap(splitSentences);
        expect(sentences.length).toBeGreaterThanOrEqual(3);
      }
  });

  it('move: consecutive paragraphs of A, copied, with one of them elsewhere in B', () => {
    for (const p of ofKind('move')) {
      expect(p.cases.length).toBeGreaterThanOrEqual(2);
      for (const c of p.cases) expect(wordsIn(p.b, c.b)).toEqual(wordsIn(p.a, c.a));
      // In A the pieces tile a block of paragraphs: only a blank line between neighbours.
      const inA = [...p.cases].sort((x, y) => x.a.start - y.a.start);
      for (let i = 1; i < inA.length; i++)
        expect(p.a.slice(inA[i - 1]!.a.end, inA[i]!.a.start)).toMatch(/^[^\p{L}\p{N}]*\n\n[^\p{L}\p{N}]*$/u);
      // In B some piece is cut off from the others by host text.
      const inB = [...p.cases].sort((x, y) => x.b.start - y.b.start);
      const gaps = inB.slice(1).map((c, i) => tokenize(p.b.slice(inB[i]!.b.end, c.b.start)).length);
      expect(Math.max(...gaps)).toBeGreaterThan(0);
      // And the order differs: A's order of pieces is not B's.
      expect(inB.map((c) => c.a.start)).not.toEqual(inA.map((c) => c.a.start));
    }
  });

  it('negative: no cases, and no shared run of 8 words', () => {
    for (const p of ofKind('negative')) {
      expect(p.cases).toEqual([]);
      expect(sharedRuns(p)).toEqual([]);
    }
  });
});

describe('edit functions', () => {
  it('splitSentences keeps titles, initials and "U.S." inside sentences', () => {
    const text = '  Mr. Kim met Dr. Lee in the U.S. today. "Why?" he asked! F. D. Roosevelt spoke.  ';
    expect(splitSentences(text).map((r) => text.slice(r.start, r.end))).toEqual([
      'Mr. Kim met Dr. Lee in the U.S. today.',
      '"Why?" he asked!',
      'F. D. Roosevelt spoke.',
    ]);
  });

  it('flipQuotes turns straight quotes curly and curly ones straight', () => {
    expect(flipQuotes(`He said "it's 'fine'" (and "no").`)).toBe('He said “it’s ‘fine’” (and “no”).');
    expect(flipQuotes('He said “it’s ‘fine’”.')).toBe(`He said "it's 'fine'".`);
  });

  it('respace changes the text but not its words', () => {
    const text = 'One two three four five six seven eight nine ten eleven twelve.\n\nThirteen fourteen.';
    for (let seed = 0; seed < 20; seed++) {
      const out = respace(text, mulberry32(seed));
      expect(out).not.toBe(text);
      expect(tokenize(out).words).toEqual(tokenize(text).words);
    }
  });

  it('obfuscate spends its budget: the edit rate is at most the rate, and close to it', () => {
    const text = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
    for (let seed = 0; seed < 10; seed++) {
      const out = obfuscate(text, 0.2, ['alpha', 'beta', 'gamma'], mulberry32(seed));
      const rate = editRate(tokenize(text).words, tokenize(out).words);
      expect(rate).toBeLessThanOrEqual(0.2);
      expect(rate).toBeGreaterThan(0.17);
    }
    expect(obfuscate(text, 0, ['alpha'], mulberry32(1))).toBe(text);
  });

  it('obfuscate keeps paragraph breaks', () => {
    const text = 'alpha beta gamma delta epsilon.\n\nzeta eta theta iota kappa.';
    for (let seed = 0; seed < 20; seed++)
      expect(obfuscate(text, 0.3, ['x', 'y'], mulberry32(seed)).split('\n\n')).toHaveLength(2);
  });
});

describe('detectionsFromReport', () => {
  const r = (start: number, end: number): Range => ({ start, end });
  const verbatim = (a: Range, b: Range) => ({ kind: 'verbatim', a, b });
  const near = (a: Range, b: Range, inner: number[]) => ({ kind: 'near', a, b, verbatim: inner });

  it('keeps near passages and the verbatim ones outside them', () => {
    const report = {
      passages: [
        verbatim(r(0, 10), r(0, 10)), // 0: listed by the near passage
        near(r(0, 100), r(0, 100), [0]),
        verbatim(r(20, 30), r(20, 30)), // 2: not listed, but inside the near passage on both sides
        verbatim(r(90, 120), r(90, 120)), // 3: sticks out: kept
        verbatim(r(200, 220), r(50, 70)), // 4: inside in B only: kept
      ],
    } as unknown as Pick<Report, 'passages'>;
    expect(detectionsFromReport(report)).toEqual([
      { a: r(0, 100), b: r(0, 100) },
      { a: r(90, 120), b: r(90, 120) },
      { a: r(200, 220), b: r(50, 70) },
    ]);
  });

  it('on a `none` pair, verbatim mode detects each case exactly', () => {
    const p = ofKind('none')[0]!;
    const detections = detectionsFromReport(compare(p.a, p.b, { mode: 'verbatim' }));
    expect(detections).toEqual(p.cases);
  });
});

import { describe, expect, it } from 'vitest';
import {
  alignParagraphs,
  compare,
  defaultCompareOptions,
  formatJson,
  formatText,
  NeardupError,
  resolveCompareOptions,
  segmentParagraphs,
  tokenize,
  wordEditSimilarity,
} from '../src/index.js';
import { randomWords, rng } from './text-generators.js';

const paragraphs = (count: number, seed: number) => {
  const next = rng(seed);
  return Array.from({ length: count }, () => `${randomWords(20, next).join(' ')}.`);
};

describe('compare: options', () => {
  it('fills in defaults and records them in the report', () => {
    expect(compare('a', 'b').options).toEqual(defaultCompareOptions);
    expect(compare('a', 'b', { minWords: 3 }).options.minWords).toBe(3);
    expect(resolveCompareOptions({ minWords: undefined })).toEqual(defaultCompareOptions);
  });

  it('rejects unknown options and bad values with the name and the value', () => {
    expect(() => compare('a', 'b', { minWord: 3 } as never)).toThrow('neardup: unknown option "minWord"');
    expect(() => compare('a', 'b', { minWords: 0 })).toThrow(
      'option "minWords" must be an integer ≥ 1, got 0',
    );
    expect(() => compare('a', 'b', { paragraphJaccard: 2 })).toThrow(
      /"paragraphJaccard" must be a number in 0..1, got 2/,
    );
    expect(() => compare('a', 'b', { numPerm: '64' as never })).toThrow(/"numPerm" must be .*, got "64"/);
    expect(() => compare('a', 'b', null as never)).toThrow(/options must be an object, got null/);
    expect(() => compare(null as never, 'b')).toThrow(NeardupError);
  });
});

describe('compare: edge cases', () => {
  it('gives a valid, empty report for empty or wordless texts', () => {
    for (const [a, b] of [
      ['', ''],
      ['', 'some words here'],
      ['— … —', '***'],
    ] as const) {
      const r = compare(a, b);
      expect(r.passages).toEqual([]);
      expect(r.paragraphs).toEqual([]);
      expect(r.coverage).toEqual({ a: 0, b: 0 });
      expect(r.similarity).toEqual({ estimated: 0, exact: 0, standardError: 0 });
    }
  });

  it('reports a whole identical text as one passage covering everything', () => {
    const text = paragraphs(5, 1).join('\n\n');
    const r = compare(text, text);
    expect(r.passages).toHaveLength(1);
    expect(r.passages[0]!.text).toBe(text.slice(0, -1)); // trimmed to the last word, not the period
    expect(r.coverage).toEqual({ a: 1, b: 1 });
    expect(r.similarity.exact).toBe(1);
    expect(r.paragraphs.every((p) => p.kind === 'identical' && !p.moved)).toBe(true);
  });

  it('finds a passage that crosses a paragraph boundary', () => {
    const [p1, p2, p3] = paragraphs(3, 2);
    const tail = p1!.split(' ').slice(-5).join(' ');
    const head = p2!.split(' ').slice(0, 5).join(' ');
    const r = compare(`${p1}\n\n${p2}`, `${p3} ${tail}\r\n\r\n${head} ${p3}`);
    const texts = r.passages.map((p) => p.text);
    expect(texts).toEqual([`${tail.replace(/\.$/, '.')}\n\n${head}`]);
    expect(r.passages[0]!.words).toBe(10);
  });

  it('skips over-repeated seeds only beyond maxRepeats, and says so', () => {
    const a = 'na '.repeat(300);
    const b = 'na '.repeat(200);
    const limited = compare(a, b, { minWords: 8 });
    expect(limited.passages).toEqual([]);
    // 'na na …' of 300 words: 293 positions begin the one 8-word sequence, which repeats 293 times.
    expect(limited.warnings[0]).toBe(
      '293 positions of A begin 8-word sequences that repeat more than maxRepeats (100) times, and no ' +
        'passage was started there; set maxRepeats higher (or 0 for no limit) to search them',
    );
    const unlimited = compare(a, b, { minWords: 8, maxRepeats: 0 });
    // One maximal run per diagonal of the two periodic texts: 300 + 200 - 1 diagonals, less the
    // 7 at each corner that hold fewer than 8 words.
    expect(unlimited.passages.filter((p) => p.kind === 'verbatim')).toHaveLength(300 + 200 - 1 - 2 * 7);
    expect(unlimited.warnings).toEqual([]);
  });

  it('lowers the repeat limit when a repeated article would pair every copy with every copy, and says so', () => {
    // One 200-word article 40 times (a page scraped with it on every page) against a copy of the
    // set with one word changed per article: every 8-word sequence repeats 40 times on each side,
    // under maxRepeats (100), so all 40 × 40 copies would pair: 1,600 runs, each an article long,
    // some 309,000 occurrence pairs against a budget of 8 per word of the 16,000 (128,000).
    const next = rng(11);
    const article = `${randomWords(200, next).join(' ')}.`;
    const a = Array.from({ length: 40 }, () => article).join('\n\n');
    const b = Array.from({ length: 40 }, (_, i) => article.replace(/^\S+/, `changed${i}`)).join('\n\n');
    const r = compare(a, b, { mode: 'verbatim' });
    expect(r.warnings[0]).toMatch(
      /^\d+ positions of A begin 8-word sequences that repeat more than \d+ times, and no passage was started there: maxRepeats \(100\) was lowered to \d+ because pairing every repeat would have taken more than 128,000 occurrence pairs; set maxRepeats to 0 to search them all$/,
    );
    const words = r.passages.reduce((n, p) => n + p.words, 0);
    expect(words).toBeLessThanOrEqual(r.words.a + r.words.b);
    // maxRepeats 0 lifts every limit: the 1,600 pairings of the article's body.
    const all = compare(a, b, { mode: 'verbatim', maxRepeats: 0 });
    expect(all.warnings).toEqual([]);
    expect(all.passages.length).toBeGreaterThanOrEqual(1600);
  });

  it('takes any maxRepeats the options accept, however large, as no lower limit than the texts need', () => {
    // The repeat budget once kept a count per limit up to maxRepeats: 2^32 threw "Invalid typed
    // array length", and 10^9 took seconds on two short texts.
    const a = 'na '.repeat(300);
    const b = 'na '.repeat(200);
    const expected = compare(a, b, { minWords: 8, maxRepeats: 1000 });
    for (const maxRepeats of [2 ** 32, Number.MAX_SAFE_INTEGER]) {
      const r = compare(a, b, { minWords: 8, maxRepeats });
      expect(r.passages).toEqual(expected.passages);
      expect(r.warnings).toEqual([]);
    }
  });

  it('keeps every pairing of a text that repeats its content a few times', () => {
    // 40,000 words three times, against itself: each 8-word sequence repeats 3 times on each side
    // (9 pairings, 1.5 per word), far from the budget that lowers the repeat limit.
    const next = rng(12);
    const article = Array.from({ length: 400 }, () => `${randomWords(100, next).join(' ')}.`).join('\n\n');
    const text = [article, article, article].join('\n\n');
    const r = compare(text, text, { mode: 'verbatim' });
    expect(r.warnings).toEqual([]);
    expect(r.coverage).toEqual({ a: 1, b: 1 });
    // The whole text with itself, and each copy with the others along the two diagonals each way.
    expect(r.passages).toHaveLength(5);
  });

  it('says in the singular when one shingle was boilerplate to the paragraph map', () => {
    // 120 paragraphs a side whose only shared 5-word shingle is the one phrase each carries.
    const side = (name: string) =>
      Array.from(
        { length: 120 },
        (_, i) => `${name}${i}a ${name}${i}b alpha beta gamma delta epsilon ${name}${i}c`,
      ).join('\n\n');
    const r = compare(side('x'), side('y'), { mode: 'verbatim' });
    expect(r.warnings).toEqual([
      "1 5-word shingle found in more than maxRepeats (100) of B's paragraphs was ignored as boilerplate when " +
        'pairing paragraphs as near; set maxRepeats higher (or 0 for no limit) to use them',
    ]);
    expect(r.paragraphs).toEqual([]);
  });

  it('is deterministic', () => {
    const [x, y] = [paragraphs(6, 3).join('\n\n'), paragraphs(6, 4).join('\n\n')];
    expect(compare(x, y)).toEqual(compare(x, y));
  });
});

describe('paragraph alignment', () => {
  const side = (text: string, vocabulary: Map<string, number>) => {
    const tokens = tokenize(text);
    const ids = Uint32Array.from(tokens.words, (w) => {
      if (!vocabulary.has(w)) vocabulary.set(w, vocabulary.size);
      return vocabulary.get(w)!;
    });
    return { paragraphs: segmentParagraphs(tokens), ids, hashes: tokens.hashes };
  };
  const align = (a: string, b: string) => {
    const vocabulary = new Map<string, number>();
    return alignParagraphs(side(a, vocabulary), side(b, vocabulary), defaultCompareOptions);
  };

  it('pairs shuffled paragraphs and flags the ones that moved', () => {
    const ps = paragraphs(6, 5);
    const moved = [ps[0], ps[1], ps[4], ps[2], ps[3], ps[5]];
    const { pairs, unmatchedA, unmatchedB } = align(ps.join('\n\n'), moved.join('\n\n'));
    expect(pairs.map((p) => [p.a, p.b, p.kind])).toEqual([
      [0, 0, 'identical'],
      [1, 1, 'identical'],
      [2, 3, 'identical'],
      [3, 4, 'identical'],
      [4, 2, 'identical'],
      [5, 5, 'identical'],
    ]);
    expect(pairs.filter((p) => p.moved).map((p) => p.a)).toEqual([4]);
    expect([unmatchedA, unmatchedB]).toEqual([[], []]);
  });

  it('pairs an edited paragraph as near and leaves unrelated ones unmatched', () => {
    const [p1, p2, p3] = paragraphs(3, 6);
    const words = p1!.split(' ');
    words[3] = 'changed';
    words.splice(10, 1);
    const { pairs, unmatchedA, unmatchedB } = align(`${p1}\n\n${p2}`, `${words.join(' ')}\n\n${p3}`);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ a: 0, b: 0, kind: 'near', moved: false });
    expect(pairs[0]!.editSimilarity).toBe(1 - 2 / 20);
    expect([unmatchedA, unmatchedB]).toEqual([[1], [1]]);
  });

  it('pairs an edited paragraph that moved through near-passage evidence, in near mode only', () => {
    // Every 4th word replaced: no 5-word shingle survives (Jaccard 0, under paragraphJaccard),
    // but the words still align (edit similarity 0.75). Unrelated paragraphs between the shared
    // ones keep the near passage to the edited paragraph alone.
    const next = rng(11);
    const para = () => `${randomWords(40, next).join(' ')}.`;
    const [s0, s1, s2, p, u1, u2, u3, v1, v2, v3] = Array.from({ length: 10 }, para);
    const edited = p!
      .split(' ')
      .map((w, i) => (i % 4 === 3 ? randomWords(1, next)[0]! : w))
      .join(' ');
    const a = [s0, u1, p, u2, s1, u3, s2].join('\n\n');
    const b = [s0, v1, s1, v2, s2, v3, edited].join('\n\n');
    const at = (r: ReturnType<typeof compare>) =>
      r.paragraphs.map((x) => [a.slice(x.a.start, x.a.end), b.slice(x.b.start, x.b.end), x.kind, x.moved]);

    const near = compare(a, b);
    expect(near.passages.some((x) => x.kind === 'near' && x.text === p!.slice(0, -1))).toBe(true);
    expect(at(near)).toEqual([
      [s0, s0, 'identical', false],
      [p, edited, 'near', true],
      [s1, s1, 'identical', false],
      [s2, s2, 'identical', false],
    ]);
    const pair = near.paragraphs[1]!;
    expect([pair.similarity, pair.editSimilarity]).toEqual([0, 0.75]);
    // Without near passages (verbatim mode) there is no evidence, and Jaccard 0 pairs nothing.
    expect(at(compare(a, b, { mode: 'verbatim' }))).toEqual([
      [s0, s0, 'identical', false],
      [s1, s1, 'identical', false],
      [s2, s2, 'identical', false],
    ]);
  });

  it('pairs each of two identical paragraphs at most once', () => {
    const [p] = paragraphs(1, 7);
    const { pairs, unmatchedA } = align(`${p}\n\n${p}`, `${p}`);
    expect(pairs.map((x) => [x.a, x.b])).toEqual([[0, 0]]);
    expect(unmatchedA).toEqual([1]);
  });

  it('lets Jaccard alone decide for paragraphs too long to edit-compare', () => {
    const words = randomWords(33_000, rng(8)); // 33,000² word pairs > 2³⁰
    const edited = [...words];
    edited[16_000] = 'changed';
    const { pairs } = align(words.join(' '), edited.join(' '));
    expect(pairs).toHaveLength(1);
    expect(pairs[0]).toMatchObject({ kind: 'near', editSimilarity: null });
    expect(pairs[0]!.similarity).toBeGreaterThan(0.99);
  });

  it('measures word edit similarity', () => {
    expect(wordEditSimilarity(Uint32Array.of(1, 2, 3, 4), Uint32Array.of(1, 2, 9, 4))).toBe(0.75);
    expect(wordEditSimilarity(new Uint32Array(0), new Uint32Array(0))).toBe(1);
    expect(wordEditSimilarity(Uint32Array.of(1), new Uint32Array(0))).toBe(0);
    // Ids beyond the BMP's surrogate block still map to distinct code units.
    const big = Uint32Array.from({ length: 60000 }, (_, i) => i);
    expect(wordEditSimilarity(big.subarray(0, 300), big.subarray(0, 300))).toBe(1);
  });
});

describe('formatters', () => {
  const a = 'Title here\n\nThe same eight words are shared by both texts here.\n';
  const b = 'Other title\r\n\r\nSo: THE SAME EIGHT WORDS ARE SHARED BY BOTH texts’ end';
  const report = compare(a, b);

  it('writes JSON that parses back to the report', () => {
    expect(JSON.parse(formatJson(report))).toEqual(report);
  });

  it('shows each passage with line:column in both texts and its text in B when it differs', () => {
    const text = formatText(report, a, b, { nameA: 'a.txt', nameB: 'b.txt' });
    expect(text).toContain('A: a.txt (12 words)');
    // B's "texts’" is the word "texts" followed by a closing quote, so the run has 9 words.
    expect(text).toContain('#1  9 words   A 3:1-3:45   B 3:5-3:49');
    expect(text).toContain('      The same eight words are shared by both texts\n');
    expect(text).toContain('(in B: THE SAME EIGHT WORDS ARE SHARED BY BOTH texts)');
    expect(text).toMatch(/Paragraphs paired: 1 \(0 identical, 1 near, 0 moved\)/);
    expect(text).toContain('Unmatched in A (1), starting at lines: 1');
  });

  it("shows a near passage as A's text with B's edits inline, labelled in report order", () => {
    const a =
      'Intro line that both share word for word here today.\n\nThe council voted on Monday to close the old ' +
      'library on Main Street and to sell the land to a developer next year.\n';
    const b =
      'Intro line that both share word for word here today.\n\nThe city council voted on Monday to close the ' +
      'library on Main Street and to sell the land to a builder next year.\n';
    const near = compare(a, b);
    expect(near.passages.map((p) => p.kind)).toEqual(['verbatim', 'near', 'verbatim']);
    const text = formatText(near, a, b, { width: 1000 }).replace(/\n {6}/g, ' ');
    expect(text).toContain(
      'N1  33 / 33 words, similarity 0.939   A 1:1-3:113   B 1:1-3:112   (verbatim inside: #1, #2)',
    );
    // An insertion between two words gets a space of its own; a replacement sits in place.
    expect(text).toContain(
      'today. ⏎ ⏎ The {+city+} council voted on Monday to close the [-old-] library on Main Street and to ' +
        'sell the land to a [-developer-]{+builder+} next year\n',
    );
  });
});

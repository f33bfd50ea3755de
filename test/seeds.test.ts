// The canonical fixtures: two Sky News articles. Every expectation below is located through the
// report's own offsets and checked against the texts; an independent brute-force matcher (with
// its own tokenizer, the report checker's word regex) shows the report claims nothing more.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compare, type Passage, type Report } from '../src/index.js';

const A = readFileSync(new URL('../seeds/kim-warm-feelings.txt', import.meta.url), 'utf8');
const B = readFileSync(new URL('../seeds/putin-kim-thursday.txt', import.meta.url), 'utf8');
const report = compare(A, B);

const sliceA = (p: Passage) => A.slice(p.a.start, p.a.end);
const sliceB = (p: Passage) => B.slice(p.b.start, p.b.end);
const verbatimOf = (r: Report) => r.passages.filter((p) => p.kind === 'verbatim');
const withText = (r: Report, text: string) => verbatimOf(r).filter((p) => sliceA(p) === text);
const occurrences = (text: string, phrase: string) => {
  const at: number[] = [];
  for (let i = text.indexOf(phrase); i !== -1; i = text.indexOf(phrase, i + 1)) at.push(i);
  return at;
};
const between = (text: string, from: string, to: string) =>
  text.slice(text.indexOf(from), text.indexOf(to, text.indexOf(from)) + to.length);

describe('seeds: passages shared verbatim', () => {
  it('finds the lede split around its edit', () => {
    for (const phrase of [
      "Russia's president and North Korea's leader will discuss",
      'on the Korean peninsula when they meet in Vladivostok',
    ]) {
      const [p, ...rest] = withText(report, phrase);
      expect(rest).toHaveLength(0);
      expect(p).toBeDefined();
      expect(sliceB(p!)).toBe(phrase);
      expect(p!.b.start).toBe(B.indexOf(phrase));
    }
  });

  it('finds the Vladivostok caption with the caption line under it', () => {
    const caption =
      'Vladimir Putin and Kim Jong Un to meet in Russian city of Vladivostok\nImage: Vladimir Putin and Kim Jong Un will';
    const [p, ...rest] = withText(report, caption);
    expect(rest).toHaveLength(0);
    expect(sliceB(p!)).toBe(caption);
    expect(p!.words).toBe(21);
  });

  it("pairs B's headline with A's caption", () => {
    const headline = 'Vladimir Putin and Kim Jong Un to meet';
    const matches = withText(report, headline);
    expect(matches).toHaveLength(1);
    expect(matches[0]!.b.start).toBe(0);
    expect(matches[0]!.a.start).toBe(A.indexOf(`${headline} in Russian city`));
  });

  it('finds "Mr Putin and Mr Kim will meet …" at both of its places in A', () => {
    const phrase = 'Mr Putin and Mr Kim will meet in the far eastern Russian city of Vladivostok';
    const inA = occurrences(A, phrase);
    expect(inA).toHaveLength(2);
    const starts = verbatimOf(report)
      .filter((p) => sliceA(p).startsWith(phrase))
      .map((p) => p.a.start);
    expect(starts.sort((x, y) => x - y)).toEqual(inA);
    for (const p of verbatimOf(report).filter((q) => sliceA(q).startsWith(phrase)))
      expect(p.b.start).toBe(B.indexOf(phrase));
  });

  it('covers every occurrence pair of "will meet in the far eastern Russian city of Vladivostok"', () => {
    const phrase = 'will meet in the far eastern Russian city of Vladivostok';
    const inA = occurrences(A, phrase);
    const inB = occurrences(B, phrase);
    expect([inA.length, inB.length]).toEqual([3, 2]);
    for (const a of inA)
      for (const b of inB) {
        // The pair lies in one passage, on the same diagonal (same offset into the passage).
        const holder = verbatimOf(report).filter(
          (p) =>
            p.a.start <= a &&
            a + phrase.length <= p.a.end &&
            p.b.start <= b &&
            b + phrase.length <= p.b.end &&
            a - p.a.start === b - p.b.start,
        );
        expect(holder, `A@${a} B@${b}`).toHaveLength(1);
      }
    // Pairs not inside a longer run are passages of exactly this phrase: 6 pairs, 2 inside longer runs.
    expect(withText(report, phrase)).toHaveLength(4);
  });

  it('finds the moved paragraphs, the trade sentence and the four closing paragraphs', () => {
    const expected = [
      between(A, 'Moscow is interested in gaining broader access', 'other infrastructure'),
      "Ushakov said Russia's bilateral trade with North Korea fell by more than 56% last year because of sanctions against Pyongyang",
      between(A, 'He added Moscow believes', 'nuclear disarmament'),
    ];
    for (const text of expected) {
      const [p, ...rest] = withText(report, text);
      expect(rest).toHaveLength(0);
      expect(sliceB(p!)).toBe(text);
    }
    expect(withText(report, expected[2]!)[0]!.words).toBe(92);
  });

  it('claims nothing else: the passages are exactly the maximal shared runs of ≥ 8 words', () => {
    // Independent oracle: the checker's word regex and an O(n·m) dynamic programme.
    const words = (s: string) =>
      [...s.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*%?/gu)].map((m) => ({
        w: m[0].toLowerCase().replace('’', "'"),
        start: m.index,
        end: m.index + m[0].length,
      }));
    const wa = words(A);
    const wb = words(B);
    const runs: string[] = [];
    for (let i = 0; i < wa.length; i++)
      for (let j = 0; j < wb.length; j++) {
        if (i > 0 && j > 0 && wa[i - 1]!.w === wb[j - 1]!.w) continue;
        let n = 0;
        while (i + n < wa.length && j + n < wb.length && wa[i + n]!.w === wb[j + n]!.w) n++;
        if (n >= 8) runs.push(`${wa[i]!.start}-${wa[i + n - 1]!.end}/${wb[j]!.start}-${wb[j + n - 1]!.end}`);
      }
    const reported = verbatimOf(report).map((p) => `${p.a.start}-${p.a.end}/${p.b.start}-${p.b.end}`);
    expect(reported.sort()).toEqual(runs.sort());
    expect(reported).toHaveLength(13);
  });
});

describe('seeds: passages shared with edits (near)', () => {
  const near = report.passages.filter((p) => p.kind === 'near');
  const line = (text: string, start: string) => text.split('\n').find((l) => l.startsWith(start))!;
  const lines = (text: string, from: string, count: number) => {
    const all = text.split('\n');
    const i = all.findIndex((l) => l.startsWith(from));
    return all.slice(i, i + count).join('\n');
  };
  /** The near passages whose ranges hold `inA` in A and `inB` in B. */
  const holding = (inA: string, inB: string) => {
    const [a, b] = [A.indexOf(inA), B.indexOf(inB)];
    expect([a, b]).not.toContain(-1);
    return near.filter(
      (p) => p.a.start <= a && a + inA.length <= p.a.end && p.b.start <= b && b + inB.length <= p.b.end,
    );
  };
  const diffText = (p: (typeof near)[number]) =>
    p.diff.map((d) => `${d.op}:${A.slice(d.a.start, d.a.end)}|${B.slice(d.b.start, d.b.end)}`);

  it('reports the lede as one near passage, its two verbatim runs inside', () => {
    // A passage runs from its first word to its last: the lede without its full stop.
    const ledeA = line(A, "Russia's president and North").replace(/\.$/, '');
    const ledeB = line(B, "Russia's president and North").replace(/\.$/, '');
    const [p, ...rest] = holding(ledeA, ledeB);
    expect(rest).toHaveLength(0);
    expect([p!.text, p!.textB]).toEqual([ledeA, ledeB]);
    expect(diffText(p!)).toContain('replace:tensions|issue');
    expect(diffText(p!)).toContain('insert:|the');
    expect(p!.verbatim.map((i) => report.passages[i]!.text)).toEqual([
      "Russia's president and North Korea's leader will discuss",
      'on the Korean peninsula when they meet in Vladivostok',
    ]);
  });

  it('reports the trade paragraph inside one near passage, with "Kremlin adviser Yuri" → "Mr"', () => {
    const tradeA = line(A, 'Kremlin adviser Yuri Ushakov');
    const tradeB = line(B, 'Mr Ushakov said');
    const [p, ...rest] = holding(tradeA.replace(/\.$/, ''), tradeB.replace(/\.$/, ''));
    expect(rest).toHaveLength(0);
    expect(diffText(p!)).toContain('replace:Kremlin adviser Yuri|Mr');
    expect(p!.similarity).toBeGreaterThan(0.9);
    const inside = p!.verbatim.map((i) => report.passages[i]!.text);
    expect(inside).toContain(
      "Ushakov said Russia's bilateral trade with North Korea fell by more than 56% last year because of sanctions against Pyongyang",
    );
  });

  it('reports each caption block as one near passage', () => {
    const vladivostok = holding(
      lines(A, 'Vladimir Putin and Kim Jong Un to meet in Russian', 2),
      lines(B, 'Vladimir Putin and Kim Jong Un to meet in Russian', 2),
    );
    expect(vladivostok).toHaveLength(1);
    expect(diffText(vladivostok[0]!).at(-1)).toBe('replace:be meeting for the first time|on Thursday');
    const mrPutin = holding(
      lines(A, 'Mr Putin and Mr Kim will meet', 2),
      lines(B, 'Mr Putin and Mr Kim will meet', 2),
    );
    expect(mrPutin).toHaveLength(1);
  });

  it('claims no other near passage', () => {
    expect(near).toHaveLength(4);
    for (const p of near) expect(p.similarity).toBeGreaterThan(0.6);
  });

  it('nearMinSimilarity 0.7 drops the loosest, the second caption block, and keeps the lede', () => {
    // docs/choosing-parameters.md quotes these figures.
    const bySimilarity = near.map((p) => [A.slice(p.a.start, p.a.start + 20), p.similarity.toFixed(2)]);
    expect(bySimilarity).toContainEqual(["Russia's president a", '0.92']);
    expect(bySimilarity).toContainEqual(['Mr Putin and Mr Kim ', '0.67']);
    const strict = compare(A, B, { nearMinSimilarity: 0.7 }).passages.filter((p) => p.kind === 'near');
    expect(strict.map((p) => p.a)).toEqual(near.filter((p) => p.similarity >= 0.7).map((p) => p.a));
    expect(strict).toHaveLength(3);
  });

  it('keeps mode "verbatim" to the exact runs, the same ones', () => {
    const exact = compare(A, B, { mode: 'verbatim' });
    expect(exact.passages).toEqual(verbatimOf(exact));
    const strip = (p: Passage) => [p.a, p.b, p.words];
    expect(exact.passages.map(strip)).toEqual(verbatimOf(report).map(strip));
    expect(exact.coverage.b).toBeLessThan(report.coverage.b);
  });
});

describe('seeds: paragraph alignment', () => {
  const paragraphsB = B.split('\n\n');
  const pairOfB = (text: string) => report.paragraphs.filter((p) => B.slice(p.b.start, p.b.end) === text);

  it("pairs six of B's last seven paragraphs as identical, the trade paragraph as near", () => {
    for (const text of paragraphsB.slice(-7)) {
      const [pair, ...rest] = pairOfB(text);
      expect(rest).toHaveLength(0);
      expect(pair, text).toBeDefined();
      if (text.startsWith('Mr Ushakov said')) {
        expect(pair!.kind).toBe('near');
        expect(A.slice(pair!.a.start, pair!.a.end)).toMatch(/^Kremlin adviser Yuri Ushakov said/);
      } else {
        expect(pair!.kind).toBe('identical');
        expect(A.slice(pair!.a.start, pair!.a.end)).toBe(text);
      }
    }
  });

  it('pairs the lede and both caption blocks as near, and flags the moved caption', () => {
    const near = report.paragraphs.filter((p) => p.kind === 'near');
    const starts = near.map((p) => [A.slice(p.a.start, p.a.start + 30), B.slice(p.b.start, p.b.start + 30)]);
    expect(starts).toEqual([
      ["Russia's president and North K", "Russia's president and North K"],
      ['Vladimir Putin and Kim Jong Un', 'Vladimir Putin and Kim Jong Un'],
      ['Kremlin adviser Yuri Ushakov s', "Mr Ushakov said Russia's bilat"],
      ['Mr Putin and Mr Kim will meet ', 'Mr Putin and Mr Kim will meet '],
    ]);
    expect(near.every((p) => p.similarity > 0 && p.similarity < 1)).toBe(true);
    // B puts the "Mr Putin and Mr Kim" caption before the paragraphs it follows in A.
    const moved = report.paragraphs.filter((p) => p.moved);
    expect(moved.map((p) => B.slice(p.b.start, p.b.start + 19))).toEqual(['Mr Putin and Mr Kim']);
  });

  it('leaves every other paragraph unmatched on its side', () => {
    expect(report.paragraphs).toHaveLength(10);
    const countA = A.split('\n\n').length;
    expect(report.unmatched.a.length + report.paragraphs.length).toBe(countA);
    expect(report.unmatched.b.length + report.paragraphs.length).toBe(paragraphsB.length);
    const unmatchedB = report.unmatched.b.map((r) => B.slice(r.start, r.end));
    expect(unmatchedB).toContain('Vladimir Putin and Kim Jong Un to meet on Thursday, Kremlin confirms');
    expect(unmatchedB).toContain('More from UK');
  });
});

describe('seeds: similarity and coverage', () => {
  it('estimates Jaccard within three standard errors of the exact value', () => {
    const { estimated, exact, standardError } = report.similarity;
    expect(exact).toBeGreaterThan(0.2);
    expect(exact).toBeLessThan(0.3);
    expect(Math.abs(estimated - exact)).toBeLessThanOrEqual(3 * Math.sqrt((exact * (1 - exact)) / 128));
    expect(standardError).toBeCloseTo(Math.sqrt((estimated * (1 - estimated)) / 128), 12);
  });

  it('reports coverage as the share of words inside passages', () => {
    // B's words outside passages: count with the same oracle regex over B minus passage ranges.
    const count = (s: string) => (s.match(/[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*%?/gu) ?? []).length;
    const covered = new Uint8Array(B.length);
    for (const p of report.passages) covered.fill(1, p.b.start, p.b.end);
    let outside = '';
    for (let i = 0; i < B.length; i++) outside += covered[i] ? ' ' : B[i];
    expect(report.coverage.b).toBeCloseTo(1 - count(outside) / count(B), 12);
    expect(report.words).toEqual({ a: count(A), b: count(B) });
  });

  it('is symmetric in what it finds when A and B swap', () => {
    const swapped = compare(B, A);
    const key = (a: { start: number; end: number }, b: { start: number; end: number }) =>
      `${a.start}-${a.end}/${b.start}-${b.end}`;
    expect(swapped.passages.map((p) => key(p.b, p.a)).sort()).toEqual(
      report.passages.map((p) => key(p.a, p.b)).sort(),
    );
    expect(swapped.coverage).toEqual({ a: report.coverage.b, b: report.coverage.a });
  });
});

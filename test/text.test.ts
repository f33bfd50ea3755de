import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  normalizeText,
  segmentParagraphs,
  shingle,
  shingleSpan,
  tokenize,
  uniqueSorted,
} from '../src/index.js';
import { fcParams, trickyStringArb } from './generators.js';

const slices = (text: string) => {
  const t = tokenize(text);
  return t.words.map((w, i) => [w, text.slice(t.starts[i], t.ends[i])]);
};

describe('normalizeText', () => {
  it('applies NFKC, case folding, straight quotes and one dash', () => {
    expect(normalizeText('“Don’t” — ＡＢＣ ﬁne')).toBe('"don\'t" - abc fine');
    expect(normalizeText('ΟΔΟΣ οδος')).toBe('οδοσ οδοσ');
    expect(normalizeText('e\u0301')).toBe('é');
    expect(normalizeText('a‐b‑c‒d–e—f―g−h')).toBe('a-b-c-d-e-f-g-h');
  });

  it('normalises piecewise exactly as NFKC and lower-casing of the whole string would', () => {
    const whole = (s: string) =>
      s
        .normalize('NFKC')
        .toLowerCase()
        .replace(/[\u2018\u2019\u201B]/g, "'")
        .replace(/[\u201C-\u201F]/g, '"')
        .replace(/[\u2010-\u2015\u2212\uFE58\uFE63]/g, '-')
        .replace(/ς/g, 'σ');
    // Kirat Rai vowel signs compose although they are letters, not marks: U+16D67 twice is U+16D68.
    expect(normalizeText('\u{16D63}\u{16D67}\u{16D67} a\u{16D67}\u{16D67}')).toBe('\u{16D6A} a\u{16D68}');
    fc.assert(
      fc.property(fc.oneof(trickyStringArb(30), fc.string({ unit: 'binary', maxLength: 60 })), (s) => {
        expect({ s, normalized: normalizeText(s) }).toEqual({ s, normalized: whole(s) });
      }),
      fcParams(2000),
    );
  });
});

describe('tokenize', () => {
  it('keeps apostrophes and percent signs inside words, and exact original offsets', () => {
    expect(slices("Russia's trade fell 56% — Kim’s “visit”")).toEqual([
      ["russia's", "Russia's"],
      ['trade', 'trade'],
      ['fell', 'fell'],
      ['56%', '56%'],
      ["kim's", 'Kim’s'],
      ['visit', 'visit'],
    ]);
  });

  it('maps offsets through normalisation that changes length', () => {
    // "ﬁ" (1 unit) becomes "fi", "İ" lowercases to 2 units, 𝐀 is a surrogate pair, é is decomposed.
    expect(slices('ﬁne İstanbul 𝐀𝐁 cafe\u0301 ＡＢＣ')).toEqual([
      ['fine', 'ﬁne'],
      ['i̇stanbul', 'İstanbul'],
      ['ab', '𝐀𝐁'],
      ['café', 'cafe\u0301'],
      ['abc', 'ＡＢＣ'],
    ]);
  });

  it('binds Hangul vowel and final jamo only to Hangul, and sees marks outside the BMP', () => {
    // A jamo vowel after whitespace starts its own token instead of pulling the space in.
    expect(slices(' \u11A8')).toEqual([['\u11A8', '\u11A8']]);
    expect(slices('\u1100\u1161\u11A8')).toEqual([['\uAC01', '\u1100\u1161\u11A8']]);
    // U+1D165 is a combining mark stored as a surrogate pair: "e" + marks equals its NFC form.
    expect(tokenize('e\u{1D165}\u0301').words).toEqual(tokenize('\u00e9\u{1D165}').words);
  });

  it('keeps a sequence that normalises to several words as one token', () => {
    // "½" is "1⁄2" after NFKC: its two digits cannot get separate offsets.
    expect(slices('take ½ cup')).toEqual([
      ['take', 'take'],
      ['1⁄2', '½'],
      ['cup', 'cup'],
    ]);
  });

  it('ignores a byte-order mark and handles empty or wordless input', () => {
    expect(slices('\uFEFFHello')).toEqual([['hello', 'Hello']]);
    expect(tokenize('').length).toBe(0);
    expect(tokenize(' — … ').length).toBe(0);
  });

  it('gives equal words equal hashes', () => {
    const t = tokenize("Kim KIM kim’s Kim's");
    expect(t.hashes[0]).toBe(t.hashes[1]);
    expect(t.hashes[2]).toBe(t.hashes[3]);
    expect(t.hashes[0]).not.toBe(t.hashes[2]);
  });

  it('rejects a non-string', () => {
    expect(() => tokenize(42 as unknown as string)).toThrow(/expected a string/);
  });
});

describe('segmentParagraphs', () => {
  const paragraphs = (text: string) =>
    segmentParagraphs(tokenize(text)).map((p) => text.slice(p.start, p.end));

  it('splits on blank lines with LF, CRLF or CR, trimming each block', () => {
    expect(paragraphs('One\n\nTwo\nlines\n\n\n  Three  ')).toEqual(['One', 'Two\nlines', 'Three']);
    expect(paragraphs('One\r\n\r\nTwo\r\nlines\r\n')).toEqual(['One', 'Two\r\nlines']);
    expect(paragraphs('One\r\rTwo')).toEqual(['One', 'Two']);
    expect(paragraphs('One\n \t\nTwo')).toEqual(['One', 'Two']);
  });

  it('leaves a leading byte-order mark outside the first paragraph', () => {
    const text = '\uFEFFTitle\n\nBody';
    const [first] = segmentParagraphs(tokenize(text));
    expect(first!.start).toBe(1);
    expect(paragraphs(text)).toEqual(['Title', 'Body']);
  });

  it('records which tokens each paragraph holds, including paragraphs without words', () => {
    const ps = segmentParagraphs(tokenize('a b\n\n***\n\nc d e'));
    expect(ps.map((p) => [p.firstToken, p.endToken])).toEqual([
      [0, 2],
      [2, 2],
      [2, 5],
    ]);
    expect(segmentParagraphs(tokenize(''))).toEqual([]);
    expect(segmentParagraphs(tokenize('\n\n  \n'))).toEqual([]);
  });
});

describe('shingle', () => {
  it('hashes each run of k words; equal runs hash equal', () => {
    const s = shingle(tokenize('a b c a b c').hashes, 3);
    expect(s.hashes).toHaveLength(4);
    expect(s.hashes[0]).toBe(s.hashes[3]);
    expect(new Set(s.hashes).size).toBe(3);
    expect(uniqueSorted(s.hashes)).toHaveLength(3);
    expect(shingleSpan(3, 3, 6)).toEqual({ start: 3, end: 6 });
    expect(shingleSpan(0, 5, 3)).toEqual({ start: 0, end: 3 });
  });

  it('is order-sensitive and empty for a text without words', () => {
    const ab = shingle(tokenize('a b').hashes, 2).hashes[0];
    const ba = shingle(tokenize('b a').hashes, 2).hashes[0];
    expect(ab).not.toBe(ba);
    expect(shingle(new Uint32Array(0)).hashes).toHaveLength(0);
    expect(() => shingle(new Uint32Array(3), 0)).toThrow(/shingle size must be an integer ≥ 1, got 0/);
  });
});

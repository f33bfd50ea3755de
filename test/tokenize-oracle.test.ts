// tokenize() scans ASCII words by hand and hands anything non-ASCII to a regex. Oracle: its words
// must be exactly the matches of the word pattern over normalizeText(text), the plain regex way,
// for texts where no single character normalises into two words (like "½", kept as one token).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashString } from '../src/hash.js';
import { normalizeText, tokenize } from '../src/index.js';
import { fcParams, TRICKY_CHARS, wordArb } from './generators.js';

const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:'[\p{L}\p{N}][\p{L}\p{N}\p{M}]*)*%?/gu;

function expectOracle(text: string) {
  const expected = [...normalizeText(text).matchAll(WORD)].map((m) => m[0]);
  const t = tokenize(text);
  expect({ text, words: t.words }).toEqual({ text, words: expected });
  expect(Array.from(t.hashes)).toEqual(expected.map(hashString));
}

// Pieces where the hand scanner must stop, continue or hand over to the regex: apostrophes and
// % at every position, ASCII next to marks, letters and marks of several scripts, surrogate pairs
// (letter or not), lone surrogates, curly apostrophes that fold to straight ones, invisible format
// characters (soft hyphen, zero-width space).
const EDGES = [
  "'",
  "''",
  "a'",
  "'a",
  "a''b",
  "a'%",
  '5%%',
  'a%b',
  "a'b'c",
  "x'é",
  "é'x",
  'a\u0301',
  "a'\u0301",
  "a'\u0301b",
  '\u{1D400}',
  '\u{1F600}',
  '\uD835',
  '\uDC00',
  'don\u2019t',
  'don\u2019',
  "O'Neil's%",
  'İ',
  'Ａ',
  'ﬁ',
  '_',
  '@',
  'Q',
  '9',
  // Letters and marks of other scripts (classified per code unit by the scanner).
  'ж',
  'Ё',
  'λ',
  'Σ',
  'क',
  '\u093F',
  '\u094D',
  'ب',
  '\u064E',
  '\u0E01',
  '\u0E31',
  '٣',
  '\u00AD',
  '\u200B',
];
const pieceArb = fc.constantFrom(...TRICKY_CHARS.filter((c) => c !== '\u00BD'), ...EDGES);

describe('tokenize() words against the plain regex over the normalised text', () => {
  it('for strings dense in apostrophes, %, marks, surrogates and non-ASCII letters', () => {
    fc.assert(
      fc.property(fc.array(pieceArb, { maxLength: 40 }), (pieces) => expectOracle(pieces.join(''))),
      fcParams(3000),
    );
  });

  it('for generated words joined by the same pieces', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(wordArb, pieceArb), { maxLength: 30 }), (parts) =>
        expectOracle(parts.join('')),
      ),
      fcParams(1000),
    );
  });

  it('for the edge cases one by one and at the end of the text', () => {
    for (const e of EDGES) for (const t of [e, `ab${e}`, `${e}ab`, `1${e}2`]) expectOracle(t);
  });
});

// Reusable fast-check arbitraries for neardup's property tests and benchmarks.
//
// Everything here is deterministic given a fast-check seed: property tests pass `fcParams()` (a fixed
// seed, overridable with the FC_SEED environment variable) and benchmarks can draw reproducible
// inputs with `sampleOne(arb, seed)`.

import fc from 'fast-check';
import type { Range } from '../src/text.js';

/** The seed property tests run with: `FC_SEED` from the environment, else a fixed default. */
export const FC_SEED: number = process.env.FC_SEED ? Number(process.env.FC_SEED) : 0x5eed_2024;

/** Parameters for `fc.assert`: a reproducible seed and the given number of runs. */
export function fcParams(numRuns: number): { seed: number; numRuns: number } {
  return { seed: FC_SEED, numRuns };
}

/** One value of `arb`, reproducible from `seed` (for benchmarks and fixtures). */
export function sampleOne<T>(arb: fc.Arbitrary<T>, seed = FC_SEED): T {
  return fc.sample(arb, { seed, numRuns: 1 })[0]!;
}

// ---------------------------------------------------------------------------------------------
// Words

const chars = (s: string): string[] => Array.from(s);

/** ASCII letters: the only characters whose case the B copy of a planted run may change. */
const ASCII_LETTERS = chars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');
const DIGITS = chars('0123456789');
/** Latin-1 and Latin Extended letters, plus a few that normalisation rewrites (ﬁ, full-width, İ). */
const LATIN = chars('éèàâçñßøåæœłđğışžÉØÅÆÑÇİﬁＡｚ');
const GREEK = chars('αβγδεζηθλμνξπρσςτφχψωΑΒΓΔΩΣάέ');
const CYRILLIC = chars('абвгдежзийклмнопрстуфхцчшщыэюяёїЖЯЩЁ');
const CJK = chars('中文字漢日本語人大学ひらカナ');
/** U+1D400–U+1D433, mathematical bold letters: \p{L}, surrogate pairs in UTF-16, NFKC to ASCII. */
const ASTRAL = Array.from({ length: 0x34 }, (_, i) => String.fromCodePoint(0x1d400 + i));

/** One letter or digit from a mix of scripts (ASCII weighted up so case variation has work to do). */
export const letterArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ASCII_LETTERS) },
  { weight: 1, arbitrary: fc.constantFrom(...DIGITS) },
  { weight: 2, arbitrary: fc.constantFrom(...LATIN) },
  { weight: 1, arbitrary: fc.constantFrom(...GREEK) },
  { weight: 1, arbitrary: fc.constantFrom(...CYRILLIC) },
  { weight: 1, arbitrary: fc.constantFrom(...CJK) },
  { weight: 1, arbitrary: fc.constantFrom(...ASTRAL) },
);

const letterRunArb = (maxLength: number) =>
  fc.array(letterArb, { minLength: 1, maxLength }).map((cs) => cs.join(''));

/** The apostrophes a word may contain; normalisation makes them equal. */
export const APOSTROPHES = ["'", '\u2019'] as const;

/**
 * A random word: 1–8 letters/digits from mixed scripts (ASCII, Latin-1/extended, Greek, Cyrillic,
 * CJK, astral mathematical letters), sometimes two letter runs joined by a straight or curly
 * apostrophe. Always exactly one token for `tokenize`, spanning the whole string.
 */
export const wordArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: letterRunArb(8) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(letterRunArb(4), fc.constantFrom(...APOSTROPHES), letterRunArb(4))
      .map(([x, apostrophe, y]) => x + apostrophe + y),
  },
);

// ---------------------------------------------------------------------------------------------
// Separators and noise

/** Every separator {@link separatorArb} draws from. */
export const SEPARATORS = [
  ' ',
  '  ',
  '\n',
  '\r\n',
  '\r\n\r\n',
  '\n\n',
  '\t',
  ', ',
  '. ',
  ' \u2014 ',
  ' \u201C',
  '\u201D ',
] as const;

/** Whitespace (or punctuation with whitespace) between two words. */
export const separatorArb: fc.Arbitrary<string> = fc.constantFrom(...SEPARATORS);

/** A separator holding a space or a line break: safe next to noise, since no word can glue across it. */
export const joinerArb: fc.Arbitrary<string> = fc.constantFrom(
  ...SEPARATORS.filter((s) => s.includes(' ') || s.includes('\n')),
);

/**
 * Characters that stress normalisation and offset mapping: combining marks (BMP and astral),
 * BOM, zero-width joiner, NBSP and other Unicode spaces, Hangul jamo vowels/finals (which must
 * compose only with a Hangul syllable or leading jamo), compatibility forms (½, ﬁ, full-width),
 * case-expanding İ, final sigma, curly quotes, dashes, %, apostrophes, line ends, plain letters.
 */
export const TRICKY_CHARS = [
  '\u0301',
  '\u0300',
  '\u0308',
  '\u20DD',
  '\u{1D165}',
  '\uFEFF',
  '\u200D',
  '\u00A0',
  '\u2028',
  '\u3000',
  '\u1161',
  '\u11A8',
  '\uAC00',
  '\u00BD',
  '\uFB01',
  '\uFF21',
  '\u0130',
  '\u03C2',
  '\u2019',
  '\u201C',
  '\u2014',
  '%',
  "'",
  '-',
  '.',
  '\r',
  '\n',
  '\t',
  ' ',
  'a',
  'Z',
  '7',
  'é',
  '中',
  '\u{1D400}',
  // Kirat Rai letter and vowel sign E: two signs E (not marks) compose into U+16D68.
  '\u{16D63}',
  '\u{16D67}',
] as const;

/** Strings over {@link TRICKY_CHARS}: small, but dense in the cases tokenisation gets wrong. */
export const trickyStringArb = (maxLength = 24): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...TRICKY_CHARS), maxLength });

/**
 * Arbitrary Unicode noise (any code point, whole graphemes, or tricky characters: lone combining
 * marks, BOM, jamo …), never containing NUL. Put a {@link joinerArb} between noise and anything else.
 */
export const noiseArb: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 16 }),
    fc.string({ unit: 'grapheme', maxLength: 6 }),
    trickyStringArb(16),
  )
  .map((s) => s.replaceAll('\0', ''));

// ---------------------------------------------------------------------------------------------
// Planted pairs

/** Where one planted run landed: its exact range in A and in B, and its length in words. */
export interface PlantedRun {
  a: Range;
  b: Range;
  words: number;
}

/** Two texts sharing planted runs, with the runs' exact UTF-16 ranges in each. */
export interface PlantedPair {
  a: string;
  b: string;
  planted: PlantedRun[];
}

/** Options for {@link plantedPairArb}. */
export interface PlantedPairOptions {
  /** Least words per planted run; runs have minWords..minWords+12 words. */
  minWords: number;
  /** Most planted runs (at least 1). @default 4 */
  maxRuns?: number;
  /** Most host chunks (word groups or noise) per text. @default 6 */
  maxHostChunks?: number;
  /** Most words per host word group. @default 10 */
  maxHostWords?: number;
}

interface PlantedWord {
  word: string;
  /** Separator after this word in A and in B (unused after the last word). */
  sepA: string;
  sepB: string;
  /** Bit k set: flip the case of code unit k (if an ASCII letter) in B. */
  caseMask: number;
  /** The apostrophe B uses, if the word has one. */
  apostropheB: string;
  /** Whether B spells the word canonically decomposed (NFD: "é" as "e" + U+0301). */
  decomposeB: boolean;
}

interface RunSpec {
  words: PlantedWord[];
  joinerA: string;
  joinerB: string;
  /** Placement keys: gap = key mod (host chunks + 1); runs in one gap are ordered by key. */
  keyA: number;
  keyB: number;
}

interface HostChunk {
  text: string;
  joiner: string;
}

const plantedWordArb: fc.Arbitrary<PlantedWord> = fc.record({
  word: wordArb,
  sepA: separatorArb,
  sepB: separatorArb,
  caseMask: fc.nat(0xffff),
  apostropheB: fc.constantFrom(...APOSTROPHES),
  decomposeB: fc.boolean(),
});

const isAsciiLetter = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

/** B's spelling of a planted word: maybe NFD, ASCII case flipped per `caseMask`, apostrophes swapped. */
function variantB(w: PlantedWord): string {
  const word = w.decomposeB ? w.word.normalize('NFD') : w.word;
  let out = '';
  for (let k = 0; k < word.length; k++) {
    const c = word[k]!;
    if ((c === "'" || c === '\u2019') && k > 0) out += w.apostropheB;
    else if (isAsciiLetter(c) && (w.caseMask >> (k % 16)) & 1)
      out += c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
    else out += c;
  }
  return out;
}

const hostChunkArb = (maxHostWords: number): fc.Arbitrary<HostChunk> =>
  fc.record({
    text: fc.oneof(
      fc
        .array(fc.tuple(wordArb, separatorArb), { minLength: 1, maxLength: maxHostWords })
        .map((ws) => ws.map(([w, s], i) => (i === ws.length - 1 ? w : w + s)).join('')),
      noiseArb,
    ),
    joiner: joinerArb,
  });

type Piece = { kind: 'host'; chunk: HostChunk } | { kind: 'run'; run: RunSpec; index: number };

function layout(host: readonly HostChunk[], runs: readonly RunSpec[], side: 'a' | 'b'): Piece[] {
  const gaps = host.length + 1;
  const placed = runs
    .map((run, index) => ({ run, index, key: side === 'a' ? run.keyA : run.keyB }))
    .sort((x, y) => (x.key % gaps) - (y.key % gaps) || x.key - y.key || x.index - y.index);
  const pieces: Piece[] = [];
  let r = 0;
  for (let g = 0; g < gaps; g++) {
    while (r < placed.length && placed[r]!.key % gaps === g) {
      pieces.push({ kind: 'run', run: placed[r]!.run, index: placed[r]!.index });
      r++;
    }
    if (g < host.length) pieces.push({ kind: 'host', chunk: host[g]! });
  }
  return pieces;
}

function assemble(
  host: readonly HostChunk[],
  runs: readonly RunSpec[],
  side: 'a' | 'b',
  bom: boolean,
): { text: string; ranges: Range[] } {
  let text = bom ? '\uFEFF' : '';
  const ranges: Range[] = new Array(runs.length);
  layout(host, runs, side).forEach((piece, i) => {
    if (piece.kind === 'host') {
      if (i > 0) text += piece.chunk.joiner;
      text += piece.chunk.text;
      return;
    }
    const { run, index } = piece;
    if (i > 0) text += side === 'a' ? run.joinerA : run.joinerB;
    const start = text.length;
    run.words.forEach((w, k) => {
      text += side === 'a' ? w.word : variantB(w);
      if (k < run.words.length - 1) text += side === 'a' ? w.sepA : w.sepB;
    });
    ranges[index] = { start, end: text.length };
  });
  return { text, ranges };
}

/**
 * Two texts A and B built from random host words and noise, sharing 1–4 planted runs of
 * minWords..minWords+12 words each, placed anywhere (possibly in a different order in B). B's copy
 * of each run differs from A's only in ways normalisation ignores: ASCII letter case, straight vs
 * curly apostrophes, canonical decomposition (NFD) of some words, and the separators between
 * words. Either text may start with a BOM.
 * `planted[i]` gives run i's exact range in each text (first character of its first word to last
 * character of its last word).
 */
export function plantedPairArb(options: PlantedPairOptions): fc.Arbitrary<PlantedPair> {
  const { minWords, maxRuns = 4, maxHostChunks = 6, maxHostWords = 10 } = options;
  const runArb: fc.Arbitrary<RunSpec> = fc.record({
    words: fc.array(plantedWordArb, { minLength: minWords, maxLength: minWords + 12 }),
    joinerA: joinerArb,
    joinerB: joinerArb,
    keyA: fc.nat(),
    keyB: fc.nat(),
  });
  return fc
    .record({
      runs: fc.array(runArb, { minLength: 1, maxLength: Math.max(1, maxRuns) }),
      hostA: fc.array(hostChunkArb(maxHostWords), { maxLength: maxHostChunks }),
      hostB: fc.array(hostChunkArb(maxHostWords), { maxLength: maxHostChunks }),
      bomA: fc.boolean(),
      bomB: fc.boolean(),
    })
    .map(({ runs, hostA, hostB, bomA, bomB }) => {
      const a = assemble(hostA, runs, 'a', bomA);
      const b = assemble(hostB, runs, 'b', bomB);
      return {
        a: a.text,
        b: b.text,
        planted: runs.map((run, i) => ({ a: a.ranges[i]!, b: b.ranges[i]!, words: run.words.length })),
      };
    });
}

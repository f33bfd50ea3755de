// Stage 1: normalisation, word tokens with offsets into the ORIGINAL string, and paragraphs.
//
// Normalisation can change a string's length (NFKC turns "ﬁ" into "fi", "İ" lowercases to two
// code units), so we never tokenise the original directly. We normalise one combining sequence
// at a time, remember which original range every normalised code unit came from, tokenise the
// normalised string, and map each token back. Offsets are therefore exact by construction.

import { fmix32 } from './hash.js';

/**
 * A half-open range `[start, end)` of UTF-16 code units in a string.
 *
 * @example
 * ```ts
 * for (const p of compare(a, b).passages) {
 *   const range: Range = p.a;
 *   console.log(a.slice(range.start, range.end));
 * }
 * ```
 */
export interface Range {
  /** Offset of the first code unit. */
  start: number;
  /** Offset one past the last code unit. */
  end: number;
}

/**
 * The words of a text, as parallel typed arrays (struct of arrays: no object per token).
 * Token `i` is `source.slice(starts[i], ends[i])` in the original text and `words[i]` normalised.
 *
 * @example
 * ```ts
 * const t: Tokens = tokenize('Mr Kim’s TRAIN');
 * t.length; // => 3
 * for (let i = 0; i < t.length; i++) console.log(t.words[i], t.starts[i], t.ends[i]); // mr 0 2, …
 * ```
 */
export interface Tokens {
  /** The original text the offsets point into. */
  readonly source: string;
  /** Number of tokens. */
  readonly length: number;
  /** UTF-16 offset of each token's first code unit in `source`. */
  readonly starts: Uint32Array;
  /** UTF-16 offset one past each token's last code unit in `source`. */
  readonly ends: Uint32Array;
  /** Each token normalised (NFKC, case-folded, straight apostrophes). */
  readonly words: readonly string[];
  /** A 32-bit hash of each normalised word (FNV-1a, then Murmur3's finaliser); equal words, equal hashes. */
  readonly hashes: Uint32Array;
}

/**
 * A paragraph: a block of non-blank lines, trimmed of surrounding whitespace.
 *
 * @example
 * ```ts
 * const tokens = tokenize('First paragraph here.\n\nSecond one.');
 * const paragraphs: Paragraph[] = segmentParagraphs(tokens);
 * paragraphs[1]; // => { start: 23, end: 34, firstToken: 3, endToken: 5 }
 * for (const p of paragraphs) console.log(tokens.words.slice(p.firstToken, p.endToken));
 * // ['first', 'paragraph', 'here'], then ['second', 'one']
 * ```
 */
export interface Paragraph extends Range {
  /** Index of the paragraph's first token in its {@link Tokens}. */
  firstToken: number;
  /** Index one past the paragraph's last token (equal to `firstToken` when it has no words). */
  endToken: number;
}

// Letters and digits start a word; combining marks continue it; an apostrophe joins two parts
// ("Russia's"); a trailing % stays with its number ("56%"). Same word shape as the report checker.
// `wordEnd` scans words by hand, classifying each code unit (see classOf); a word that meets a
// surrogate (a character outside the BMP) is re-read by this pattern, made sticky.
const WORD_AT = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:'[\p{L}\p{N}][\p{L}\p{N}\p{M}]*)*%?/uy;
const WORD_START_AT = /[\p{L}\p{N}]/uy;
const NOT_A_WORD = -1; // no word starts here: step one code unit
const NOT_A_WORD_PAIR = -2; // no word starts at this surrogate pair: step two

/** ASCII letter or digit. */
function isAsciiAlnum(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
}

const isSurrogate = (c: number) => (c & 0xf800) === 0xd800;

// Classes of BMP code units, found with the same Unicode properties as the patterns the first
// time a code unit is seen and then cached (64 KB, made on the first non-ASCII character):
// a regex test per code unit of the language, not per character of the text.
const WORD_CHAR = 1; // \p{L} or \p{N}: starts or continues a word
const MARK = 2; // \p{M}: continues a word; binds to the character before it
const OTHER = 3;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const MARK_CHAR = /\p{M}/u;
let unitClasses: Uint8Array | undefined;

/** The class of a BMP code unit that is not a surrogate. */
function classOf(c: number): number {
  unitClasses ??= new Uint8Array(0x10000);
  let k = unitClasses[c]!;
  if (k === 0) {
    const ch = String.fromCharCode(c);
    k = LETTER_OR_DIGIT.test(ch) ? WORD_CHAR : MARK_CHAR.test(ch) ? MARK : OTHER;
    unitClasses[c] = k;
  }
  return k;
}

/** Letter or digit (\p{L}, \p{N}), for a code unit that is not a surrogate. */
const isWordChar = (c: number) => (c < 0x80 ? isAsciiAlnum(c) : classOf(c) === WORD_CHAR);

/**
 * End of the word starting at `i` in a normalised string (what WORD_AT would match there), or
 * NOT_A_WORD / NOT_A_WORD_PAIR when none starts there. Words of ASCII letters, digits, inner
 * apostrophes and a final % are scanned right here (no match object per token); a word with
 * other characters goes to unicodeWordEnd, kept apart so this loop stays specialised to ASCII.
 */
function wordEnd(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0x80) {
    if (isSurrogate(c)) {
      WORD_START_AT.lastIndex = i;
      if (WORD_START_AT.test(s)) return regexWordEnd(s, i);
      return c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? NOT_A_WORD_PAIR : NOT_A_WORD;
    }
    return classOf(c) === WORD_CHAR ? unicodeWordEnd(s, i) : NOT_A_WORD;
  }
  if (!isAsciiAlnum(c)) return NOT_A_WORD;
  let j = i + 1;
  for (;;) {
    while (j < s.length && isAsciiAlnum(s.charCodeAt(j))) j++;
    if (j === s.length) return j;
    const d = s.charCodeAt(j);
    if (d >= 0x80) return unicodeWordEnd(s, i);
    if (d === 0x25) return j + 1; // %
    if (d !== 0x27 || j + 1 === s.length) return j; // not an apostrophe, or one at the very end
    const e = s.charCodeAt(j + 1);
    if (e >= 0x80) return unicodeWordEnd(s, i);
    if (!isAsciiAlnum(e)) return j;
    j += 2;
  }
}

/**
 * wordEnd for a word (starting with a letter or digit at `i`) that has non-ASCII characters:
 * each code unit's class decides, and a surrogate hands the word to the regex.
 */
function unicodeWordEnd(s: string, i: number): number {
  let j = i + 1;
  for (;;) {
    for (; j < s.length; j++) {
      const d = s.charCodeAt(j);
      if (d < 0x80) {
        if (!isAsciiAlnum(d)) break;
      } else if (isSurrogate(d)) return regexWordEnd(s, i);
      else if (classOf(d) === OTHER) break;
    }
    if (j === s.length) return j;
    const d = s.charCodeAt(j);
    if (d === 0x25) return j + 1; // %
    if (d !== 0x27 || j + 1 === s.length) return j;
    const e = s.charCodeAt(j + 1);
    if (isSurrogate(e)) return regexWordEnd(s, i);
    if (!isWordChar(e)) return j;
    j += 2;
  }
}

function regexWordEnd(s: string, i: number): number {
  WORD_AT.lastIndex = i;
  WORD_AT.test(s);
  return WORD_AT.lastIndex;
}
// One combining sequence: a Hangul leading jamo or syllable with the vowel/final jamo and marks
// that compose with it, or any other code point with the combining marks bound to it. Kirat Rai
// vowel sign E (U+16D67) is the one other character that composes with the one before it without
// being a mark (after U+16D63, U+16D67 or U+16D69), so it continues those: cutting before it would
// make NFKC of the pieces differ from NFKC of the whole.
const SEQUENCE =
  /[\u1100-\u115F\uA960-\uA97F\uAC00-\uD7A3][\p{M}\u1160-\u11FF\uD7B0-\uD7FF]*|[\u{16D63}\u{16D67}\u{16D69}]\u{16D67}*\p{M}*|[\s\S]\p{M}*/uy;
// A combining mark at a given position (sticky, so a mark outside the BMP is seen whole).
const MARK_AT = /\p{M}/uy;
// Quote and dash variants mapped to ASCII after NFKC; final sigma folds to sigma.
const FOLD: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201B': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u201F': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\uFE58': '-',
  '\uFE63': '-',
  ς: 'σ',
};
const FOLDABLE = /[\u2018\u2019\u201B-\u201F\u2010-\u2015\u2212\uFE58\uFE63ς]/g;

function foldSequence(seq: string): string {
  return seq
    .normalize('NFKC')
    .toLowerCase()
    .replace(FOLDABLE, (c) => FOLD[c]!);
}

// Folded forms of single code units seen so far (at most 65,536): most non-ASCII in a text is a
// handful of characters (quotes, dashes, accented letters) or one alphabet, which would otherwise
// be normalised anew at every occurrence.
const foldedUnits = new Map<number, string>();

function foldUnit(c: number): string {
  let folded = foldedUnits.get(c);
  if (folded === undefined) {
    folded = foldSequence(String.fromCharCode(c));
    foldedUnits.set(c, folded);
  }
  return folded;
}

/** A Hangul syllable or leading jamo: vowel and final jamo that follow it compose with it. */
const isHangulBase = (c: number) =>
  (c >= 0x1100 && c <= 0x115f) || (c >= 0xa960 && c <= 0xa97f) || (c >= 0xac00 && c <= 0xd7a3);

/** Whether the code unit at `i` starts a combining mark (one outside the BMP too). */
function markAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x300) return false; // no mark below U+0300
  if (!isSurrogate(c)) return classOf(c) === MARK;
  MARK_AT.lastIndex = i;
  return MARK_AT.test(text);
}

/** Length of the combining sequence starting at `i` (see SEQUENCE); the regex runs only when it may be longer than one code unit. */
function sequenceLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  // A BMP character is a sequence on its own unless a mark or, after a Hangul syllable or
  // leading jamo, a vowel or final jamo follows it.
  if (!isSurrogate(c) && (i + 1 === text.length || (!markAt(text, i + 1) && !isHangulBase(c)))) return 1;
  SEQUENCE.lastIndex = i;
  return SEQUENCE.exec(text)![0].length;
}

/**
 * Normalises text the way neardup compares it: Unicode NFKC, case folding (lower case, final
 * sigma as sigma), curly quotes and apostrophes to straight ones, dash variants to "-".
 *
 * @example
 * ```ts
 * normalizeText('“Don’t” — ＡＢＣ'); // => '"don\'t" - abc'
 * ```
 */
export function normalizeText(text: string): string {
  return mapNormalized(text).normalized;
}

/**
 * A normalised string and where each of its code units came from, as segments: segment k covers
 * normalised [norm[k], norm[k + 1]) and is either a run copied one to one from original offset
 * orig[k] (seqEnd[k] = -1) or the normalised form of the one original sequence
 * [orig[k], seqEnd[k]). One entry per run or sequence, not one per code unit.
 */
interface NormalizedText {
  normalized: string;
  /** Segment starts in the normalised string; one more entry than segments, the last its length. */
  norm: Int32Array;
  orig: Int32Array;
  seqEnd: Int32Array;
}

function mapNormalized(text: string): NormalizedText {
  const pieces: string[] = [];
  let norm = new Int32Array(64);
  let orig = new Int32Array(64);
  let seqEnd = new Int32Array(64);
  let segments = 0;
  let length = 0; // of the normalised string so far
  const add = (o: number, end: number, piece: string) => {
    // One code unit from one code unit maps one to one: it extends a one-to-one run that ends here.
    const oneToOne = end < 0 || (end === o + 1 && piece.length === 1);
    const last = segments - 1;
    if (oneToOne && last >= 0 && seqEnd[last]! < 0 && orig[last]! + length - norm[last]! === o) {
      pieces.push(piece);
      length += piece.length;
      return;
    }
    if (segments + 1 >= norm.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      norm = grow(norm);
      orig = grow(orig);
      seqEnd = grow(seqEnd);
    }
    norm[segments] = length;
    orig[segments] = o;
    seqEnd[segments] = oneToOne ? -1 : end;
    segments++;
    pieces.push(piece);
    length += piece.length;
  };
  let i = 0;
  while (i < text.length) {
    // Fast path: a run of ASCII maps one-to-one (unless its last char carries a combining mark).
    let j = i;
    while (j < text.length && text.charCodeAt(j) < 0x80) j++;
    if (j < text.length && j > i && markAt(text, j)) j--;
    if (j > i) {
      add(i, -1, text.slice(i, j).toLowerCase());
      i = j;
      continue;
    }
    const n = sequenceLength(text, i);
    add(i, i + n, n === 1 ? foldUnit(text.charCodeAt(i)) : foldSequence(text.slice(i, i + n)));
    i += n;
  }
  norm[segments] = length;
  return { normalized: pieces.join(''), norm, orig, seqEnd };
}

/**
 * Splits text into normalised words, keeping each word's exact UTF-16 range in the original.
 *
 * A word is a run of letters and digits (with combining marks), optionally joined by
 * apostrophes (`Russia's`) and ending in `%` (`56%`). Curly and straight apostrophes, letter
 * case and compatibility forms (`ﬁ`, full-width letters) do not make words differ.
 *
 * @throws `TypeError` if `text` is not a string.
 * @example
 * ```ts
 * const t = tokenize('Mr Kim’s TRAIN');
 * t.words;                                  // ['mr', "kim's", 'train']
 * t.source.slice(t.starts[1], t.ends[1]);   // 'Kim’s'
 * ```
 */
export function tokenize(text: string): Tokens {
  if (typeof text !== 'string')
    throw new TypeError(`neardup: expected a string to tokenize, got ${typeof text}`);
  const { normalized, norm, orig, seqEnd } = mapNormalized(text);
  // Room for one word per 6 code units (English averages one per 6.3 with its spaces), grown
  // when a text has more: at most one per 2.
  let starts = new Uint32Array((normalized.length >> 3) + 16);
  let ends = new Uint32Array(starts.length);
  let hashes = new Uint32Array(starts.length);
  const words: string[] = [];
  let n = 0;
  let lastNormStart = 0;
  let ns = 0;
  let seg = 0; // segment of the last offset looked up: words come in order, so it only moves on
  while (ns < normalized.length) {
    const ne = wordEnd(normalized, ns);
    if (ne < 0) {
      ns += ne === NOT_A_WORD ? 1 : 2;
      continue;
    }
    // The original range of the word's first and last code units (see NormalizedText).
    while (norm[seg + 1]! <= ns) seg++;
    const start = seqEnd[seg]! < 0 ? orig[seg]! + ns - norm[seg]! : orig[seg]!;
    while (norm[seg + 1]! <= ne - 1) seg++;
    const end = seqEnd[seg]! < 0 ? orig[seg]! + ne - norm[seg]! : seqEnd[seg]!;
    if (n > 0 && start < ends[n - 1]!) {
      // Two words came out of one original sequence ("½" is "1⁄2"): offsets cannot split
      // a sequence, so they stay one token.
      ends[n - 1] = end;
      words[n - 1] = normalized.slice(lastNormStart, ne);
      hashes[n - 1] = hashSlice(normalized, lastNormStart, ne);
    } else {
      if (n === starts.length) {
        starts = grown(starts);
        ends = grown(ends);
        hashes = grown(hashes);
      }
      starts[n] = start;
      ends[n] = end;
      words.push(normalized.slice(ns, ne));
      hashes[n] = hashSlice(normalized, ns, ne);
      lastNormStart = ns;
      n++;
    }
    ns = ne;
  }
  return {
    source: text,
    length: n,
    starts: starts.slice(0, n),
    ends: ends.slice(0, n),
    words,
    hashes: hashes.slice(0, n),
  };
}

/** A copy of `a` with twice the room. */
function grown(a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}

/** {@link hashString} of `s.slice(start, end)`, read from `s` itself (one flat string, no second pass). */
function hashSlice(s: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

const BLANK = /^\s*$/;
const SPACE = /\s/;

/**
 * Splits text into paragraphs: blocks of lines separated by one or more blank lines.
 * LF, CRLF and CR line ends are all recognised; a leading byte-order mark and the whitespace
 * around each block are left outside its range. Each paragraph records the tokens it holds.
 *
 * @example
 * ```ts
 * const text = 'One line.\r\n\r\nTwo\r\nlines.';
 * segmentParagraphs(tokenize(text)).map((p) => text.slice(p.start, p.end));
 * // => ['One line.', 'Two\r\nlines.']
 * ```
 */
export function segmentParagraphs(tokens: Tokens): Paragraph[] {
  const text = tokens.source;
  const paragraphs: Paragraph[] = [];
  let start = -1;
  let end = -1;
  let token = 0;
  const close = () => {
    if (start < 0) return;
    const firstToken = token;
    while (token < tokens.length && tokens.starts[token]! < end) token++;
    paragraphs.push({ start, end, firstToken, endToken: token });
    start = -1;
  };
  let pos = 0;
  while (pos <= text.length) {
    let lineEnd = pos;
    while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
    if (BLANK.test(text.slice(pos, lineEnd))) close();
    else {
      let first = pos;
      while (SPACE.test(text[first]!)) first++;
      let last = lineEnd;
      while (SPACE.test(text[last - 1]!)) last--;
      if (start < 0) start = first;
      end = last;
    }
    if (lineEnd >= text.length) break;
    pos = lineEnd + (text[lineEnd] === '\r' && text[lineEnd + 1] === '\n' ? 2 : 1);
  }
  close();
  return paragraphs;
}

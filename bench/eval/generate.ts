// A seeded generator of text-reuse evaluation pairs, PAN style: passages of real prose taken from
// a source document A and planted, with controlled edits, into unrelated real prose to make a
// suspicious document B. The ground truth is character ranges on both sides.
//
// Everything here is a pure function of (corpus, kind, index, seed): the same inputs give the same
// pairs on every run and machine. Each pair draws from its own PRNG stream, so asking for more
// pairs never changes the earlier ones.

import { findSharedRuns } from '../../src/passages.js';
import { type Range, tokenize } from '../../src/text.js';
import { rng } from '../../test/text-generators.js';

/** The edit kinds, each a named category of the evaluation set (rates below). */
export type EditKind = 'none' | 'low' | 'high' | 'reorder' | 'move' | 'negative';

/** Every edit kind, in the order tables list them. */
export const EDIT_KINDS: readonly EditKind[] = ['none', 'low', 'high', 'reorder', 'move', 'negative'];

/** What each kind does, for tables and docs. */
export const EDIT_KIND_DESCRIPTIONS: Readonly<Record<EditKind, string>> = {
  none: 'copied; only whitespace, line breaks and quote style (straight ↔ curly) changed',
  low: 'random obfuscation: word edits on 10% of the words (deletions, insertions, substitutions, local shuffles)',
  high: 'random obfuscation: word edits on 30% of the words',
  reorder: 'the passage’s sentences shuffled (still contiguous in B)',
  move: 'three to five paragraphs copied, one of them moved elsewhere in B',
  negative: 'unrelated documents, nothing planted (no shared run of 8+ words)',
};

/**
 * Random obfuscation: word edits per word of the passage. A budget of round(rate × words) is
 * spent on random operations on words not touched before: delete a word (costs 1), insert a
 * word drawn from the host's vocabulary (1), substitute a host word (1), or a local shuffle,
 * swapping two adjacent words or rotating three (2). See {@link obfuscate}.
 */
export const OBFUSCATION_RATES = { low: 0.1, high: 0.3 } as const;

/**
 * Bands the measured edit rate lies in: word Levenshtein distance over the longer side's words,
 * i.e. 1 − `wordEditSimilarity`. The budget bounds it from above (plus rounding: ≤ 0.01 for
 * 50+ words); it comes out a little lower when insertions lengthen the passage or the
 * edit distance finds a cheaper path (a deletion next to a shuffle).
 */
export const EDIT_RATE_BANDS = { low: [0.07, 0.11], high: [0.2, 0.31] } as const;

/** Words of a planted passage (in A), inclusive bounds; sentence-aligned, so approximate targets. */
export const PASSAGE_WORDS = [50, 400] as const;
/** Words of a document's host text (before planting), inclusive bounds of the target. */
export const DOCUMENT_WORDS = [300, 3000] as const;
/** Paragraphs in a `move` block, and the least words of each of them. */
export const MOVE_PARAGRAPHS = [3, 5] as const;
const MOVE_MIN_PARAGRAPH_WORDS = 15;
const MOVE_MAX_BLOCK_WORDS = 600;
/** Documents must share no run of this many words outside the planted cases. */
export const UNRELATED_RUN = 8;

/** A document of the corpus: its family (sources of one family may share phrases) and paragraphs. */
export interface SourceDocument {
  /** The source family: documents of different families are unrelated. */
  family: string;
  /** A human-readable name, e.g. `"1862 Abraham Lincoln"`. */
  title: string;
  /** The document's paragraphs, trimmed, in order. */
  paragraphs: string[];
}

/** A true reuse case: the planted text's range in A and in B, trimmed to its first and last word. */
export interface EvalCase {
  /** Range in A. */
  a: Range;
  /** Range in B. */
  b: Range;
}

/** One generated evaluation pair. */
export interface EvalPair {
  /** Stable id, `<kind>-<index>`, e.g. `low-007`. */
  id: string;
  /** The edit kind. */
  kind: EditKind;
  /** Document A, the source. */
  a: string;
  /** Document B, the suspicious document. */
  b: string;
  /** Where the planted text sits on each side (empty for `negative`). */
  cases: EvalCase[];
  /** Which corpus documents A and B's host text came from. */
  sources: { a: string; b: string };
}

// ---------------------------------------------------------------------------------------------
// Randomness

/** mulberry32, the seeded PRNG of the test generators: floats in [0, 1). */
export const mulberry32: (seed: number) => () => number = rng;

/** One 32-bit seed from several integers (Murmur3's finaliser after each), for per-pair streams. */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

type Rand = () => number;
/** An integer in [lo, hi]. */
const randInt = (next: Rand, lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
const pick = <T>(next: Rand, xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;

function shuffleInPlace<T>(next: Rand, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** A random permutation of 0..n-1 other than the identity (n ≥ 2). */
function derangedOrder(next: Rand, n: number): number[] {
  const order = shuffleInPlace(
    next,
    Array.from({ length: n }, (_, i) => i),
  );
  if (order.every((v, i) => v === i)) [order[0], order[1]] = [order[1]!, order[0]!];
  return order;
}

// ---------------------------------------------------------------------------------------------
// Text structure

const countWords = (text: string): number => tokenize(text).length;

// Titles and initials end in a full stop without ending the sentence.
const ABBREVIATIONS = new Set(
  'mr mrs ms messrs dr st mt gen gov sen rep hon jr sr no co vs etc capt col lt sgt rev prof ft esq'.split(
    ' ',
  ),
);
// A sentence ends at . ! or ?, then closing quotes or brackets, then space, then what can start one.
const SENTENCE_END = /([.!?]+["'”’)\]]*)(\s+)(?=["'“‘([]?[A-Z0-9])/g;

/**
 * Splits a paragraph into sentences: ranges into `text`, trimmed, in order, covering every
 * non-space character. A heuristic for English prose (titles, initials and "U.S." do not end
 * sentences); good enough to put planted text at sentence boundaries.
 */
export function splitSentences(text: string): Range[] {
  const out: Range[] = [];
  let start = text.length - text.trimStart().length;
  const last = text.trimEnd().length;
  for (const m of text.matchAll(SENTENCE_END)) {
    const end = m.index + m[1]!.length;
    if (m[1]!.startsWith('.')) {
      const word = /([A-Za-z.]+)$/.exec(text.slice(start, m.index))?.[1] ?? '';
      if (word.length === 1 || word.includes('.') || ABBREVIATIONS.has(word.toLowerCase())) continue;
    }
    if (end > start) out.push({ start, end });
    start = end + m[2]!.length;
  }
  if (start < last) out.push({ start, end: last });
  return out;
}

/**
 * Reads a corpus file: documents start at lines `# <title>`, paragraphs are separated by blank
 * lines. Text before the first title belongs to a document named after the family.
 */
export function parseCorpus(family: string, text: string): SourceDocument[] {
  const docs: SourceDocument[] = [];
  let current: SourceDocument | undefined;
  let lines: string[] = [];
  const flush = () => {
    const paragraph = lines.join('\n').trim();
    lines = [];
    if (!paragraph) return;
    if (!current) {
      current = { family, title: family, paragraphs: [] };
      docs.push(current);
    }
    current.paragraphs.push(paragraph);
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.startsWith('# ')) {
      flush();
      current = { family, title: line.slice(2).trim(), paragraphs: [] };
      docs.push(current);
    } else if (line.trim() === '') flush();
    else lines.push(line.trimEnd());
  }
  flush();
  return docs.filter((d) => d.paragraphs.length > 0);
}

/** The range of `text.slice(range)` from its first word's start to its last word's end. */
function trimToWords(text: string, range: Range): Range {
  const t = tokenize(text.slice(range.start, range.end));
  if (t.length === 0)
    throw new Error(`no words in planted text ${JSON.stringify(text.slice(range.start, range.end))}`);
  return { start: range.start + t.starts[0]!, end: range.start + t.ends[t.length - 1]! };
}

/** Word ids for two token lists in one vocabulary (equal words, equal ids). */
export function sharedWordIds(a: readonly string[], b: readonly string[]): [Uint32Array, Uint32Array] {
  const vocabulary = new Map<string, number>();
  const ids = (words: readonly string[]) =>
    Uint32Array.from(words, (w) => {
      let id = vocabulary.get(w);
      if (id === undefined) {
        id = vocabulary.size;
        vocabulary.set(w, id);
      }
      return id;
    });
  return [ids(a), ids(b)];
}

/** Whether two texts share a run of at least `minWords` normalised words. */
export function shareRun(a: string, b: string, minWords = UNRELATED_RUN): boolean {
  const [ia, ib] = sharedWordIds(tokenize(a).words, tokenize(b).words);
  return findSharedRuns(ia, ib, minWords).runs.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Edits

/** Straight ↔ curly quotes and apostrophes: curly text becomes straight, straight becomes curly. */
export function flipQuotes(text: string): string {
  if (/[‘’“”]/.test(text)) return text.replace(/[‘’]/g, "'").replace(/[“”]/g, '"');
  // An opening quote follows the start, a space or an opening bracket; anything else closes.
  return text.replace(/["']/g, (q, i: number) => {
    const opening = i === 0 || /[\s([{—-]/.test(text[i - 1]!);
    if (q === '"') return opening ? '“' : '”';
    return opening ? '‘' : '’';
  });
}

/** `none`: whitespace and line breaks changed (re-wrapped or respaced) and quote style flipped. */
export function respace(text: string, next: Rand): string {
  let out: string;
  if (next() < 0.5) {
    // Hard-wrap every paragraph at a random width, as an editor would.
    const width = randInt(next, 50, 90);
    out = text
      .split(/\n\s*\n/)
      .map((paragraph) => {
        const lines: string[] = [];
        let line = '';
        for (const word of paragraph.split(/\s+/)) {
          if (line && line.length + 1 + word.length > width) {
            lines.push(line);
            line = word;
          } else line = line ? `${line} ${word}` : word;
        }
        if (line) lines.push(line);
        return lines.join('\n');
      })
      .join('\n\n');
  } else {
    // Scatter double spaces and line breaks; sometimes run paragraphs together on one line.
    out = text.replace(/\s+/g, (gap) => {
      if (gap.includes('\n\n')) return next() < 0.3 ? '\n' : '\n\n';
      const r = next();
      return r < 0.1 ? '  ' : r < 0.15 ? '\n' : ' ';
    });
  }
  // Short paragraphs may need no wrapping: then break one line by hand, so something changes.
  if (out === text) out = text.replace(' ', '\n');
  return flipQuotes(out);
}

/** A text as words (tokenize's) and the separators around them: seps.length = words.length + 1. */
interface WordSeq {
  words: string[];
  seps: string[];
}

function toWordSeq(text: string): WordSeq {
  const t = tokenize(text);
  const words: string[] = [];
  const seps: string[] = [];
  let at = 0;
  for (let i = 0; i < t.length; i++) {
    seps.push(text.slice(at, t.starts[i]!));
    words.push(text.slice(t.starts[i]!, t.ends[i]!));
    at = t.ends[i]!;
  }
  seps.push(text.slice(at));
  return { words, seps };
}

const fromWordSeq = ({ words, seps }: WordSeq): string =>
  words.reduce((out, w, i) => out + w + seps[i + 1]!, seps[0]!);

const normal = (word: string): string => tokenize(word).words.join(' ');
const capitalised = (word: string): boolean => /^\p{Lu}/u.test(word);
const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * Random obfuscation of a passage, at `rate` word edits per word: a budget of
 * round(rate × words) is spent on operations chosen uniformly: delete a word (costs 1), insert
 * a word drawn from `vocabulary` (1), substitute a word with one from `vocabulary` (1), or a
 * local shuffle: swap two adjacent words or rotate three (2 each, their word edit distance).
 * Each operation works on words no earlier one touched (deletions also fence off their
 * neighbours), so operations never undo or merge with one another and the word edit distance
 * comes out close to the budget. Shuffles stay inside a paragraph; paragraph breaks are kept.
 */
export function obfuscate(text: string, rate: number, vocabulary: readonly string[], next: Rand): string {
  const seq = toWordSeq(text);
  const { words, seps } = seq;
  const touched = words.map(() => false);
  const budget = Math.round(rate * words.length);
  const free = (i: number) => i >= 0 && i < words.length && !touched[i];
  let spent = 0;
  for (let guard = 0; spent < budget && guard < 200 * (budget + 1); guard++) {
    const n = words.length;
    const op = pick(next, ['delete', 'insert', 'substitute', 'shuffle'] as const);
    if (op === 'delete') {
      const i = randInt(next, 0, n - 1);
      if (!free(i) || n <= 2) continue;
      // Keep the weightier separator: a paragraph break, else punctuation, else the one before.
      const before = seps[i]!;
      const after = seps[i + 1]!;
      const merged =
        i === 0
          ? before
          : i === n - 1
            ? after
            : before.includes('\n')
              ? before
              : after.includes('\n') || (after.trim() && !before.trim())
                ? after
                : before;
      words.splice(i, 1);
      seps.splice(i, 2, merged);
      touched.splice(i, 1);
      if (i > 0) touched[i - 1] = true;
      if (i < touched.length) touched[i] = true;
      spent += 1;
    } else if (op === 'insert') {
      // Between two untouched words (or at an end next to one).
      const i = randInt(next, 0, n);
      if ((i > 0 && !free(i - 1)) || (i < n && !free(i))) continue;
      words.splice(i, 0, pick(next, vocabulary));
      seps.splice(i === n ? n : i + 1, 0, ' ');
      touched.splice(i, 0, true);
      spent += 1;
    } else if (op === 'substitute') {
      const i = randInt(next, 0, n - 1);
      if (!free(i)) continue;
      let word = pick(next, vocabulary);
      for (let k = 0; k < 10 && normal(word) === normal(words[i]!); k++) word = pick(next, vocabulary);
      if (normal(word) === normal(words[i]!)) continue;
      words[i] = capitalised(words[i]!) ? capitalise(word) : word;
      touched[i] = true;
      spent += 1;
    } else {
      const w = randInt(next, 2, 3);
      if (budget - spent < 2 || n < w) continue;
      const i = randInt(next, 0, n - w);
      const window = words.slice(i, i + w);
      if (!range(i, i + w).every(free)) continue;
      // Distinct words, so the shuffle really costs 2 edits; never across a paragraph break.
      if (new Set(window.map(normal)).size < w) continue;
      if (seps.slice(i + 1, i + w).some((s) => /\n\s*\n/.test(s))) continue;
      const shuffled =
        w === 2
          ? [window[1]!, window[0]!]
          : next() < 0.5
            ? [window[1]!, window[2]!, window[0]!]
            : [window[2]!, window[0]!, window[1]!];
      for (let k = 0; k < w; k++) {
        words[i + k] = shuffled[k]!;
        touched[i + k] = true;
      }
      spent += 2;
    }
  }
  return fromWordSeq(seq);
}

/** `reorder`: the passage's sentences in a shuffled order, run together as one paragraph. */
export function reorderSentences(sentences: readonly string[], next: Rand): string {
  const order = derangedOrder(next, sentences.length);
  return order.map((i) => sentences[i]!.replace(/\s+/g, ' ')).join(' ');
}

/** Host vocabulary for insertions and substitutions: the alphabetic words of the host text. */
function vocabularyOf(text: string): string[] {
  const t = tokenize(text);
  const out: string[] = [];
  for (let i = 0; i < t.length; i++) {
    const w = text.slice(t.starts[i]!, t.ends[i]!);
    if (/^\p{L}{2,}$/u.test(w)) out.push(w.toLowerCase());
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Documents

/** The A-side family weights: speeches and the novel mostly, the news seeds sometimes. */
const FAMILY_WEIGHTS: Readonly<Record<string, number>> = { sotu: 0.4, 'moby-dick': 0.4, news: 0.2 };

function pickWeighted<T>(next: Rand, items: readonly T[], weight: (x: T) => number): T {
  const total = items.reduce((s, x) => s + weight(x), 0);
  let r = next() * total;
  for (const x of items) {
    r -= weight(x);
    if (r < 0) return x;
  }
  return items[items.length - 1]!;
}

interface Window {
  title: string;
  paragraphs: string[];
}

/** Consecutive paragraphs of one document of `family`, about `target` words long. */
const wordCounts = new WeakMap<SourceDocument, number[]>();

function pickWindow(corpus: readonly SourceDocument[], family: string, target: number, next: Rand): Window {
  const docs = corpus.filter((d) => d.family === family);
  const doc = pickWeighted(next, docs, (d) => Math.sqrt(d.paragraphs.length));
  let counts = wordCounts.get(doc);
  if (!counts) {
    counts = doc.paragraphs.map(countWords);
    wordCounts.set(doc, counts);
  }
  let lo = randInt(next, 0, doc.paragraphs.length - 1);
  let hi = lo; // exclusive
  let words = 0;
  while (words < target && (hi < counts.length || lo > 0)) {
    if (hi < counts.length) words += counts[hi++]!;
    else words += counts[--lo]!;
  }
  return { title: `${family}: ${doc.title}`, paragraphs: doc.paragraphs.slice(lo, hi) };
}

/** A sentence of a document built from paragraphs: its range, paragraph and word count. */
interface Sentence extends Range {
  paragraph: number;
  words: number;
}

/** Joins paragraphs with blank lines; returns the text, each paragraph's offset and the sentences. */
function layOut(paragraphs: readonly string[]): { text: string; offsets: number[]; sentences: Sentence[] } {
  const offsets: number[] = [];
  const sentences: Sentence[] = [];
  let at = 0;
  paragraphs.forEach((p, i) => {
    offsets.push(at);
    for (const s of splitSentences(p))
      sentences.push({
        start: at + s.start,
        end: at + s.end,
        paragraph: i,
        words: countWords(p.slice(s.start, s.end)),
      });
    at += p.length + 2;
  });
  return { text: paragraphs.join('\n\n'), offsets, sentences };
}

/** First index i with values[i] ≥ x (values ascending). */
function lowerBound(values: Uint32Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A test of whether a range of `text` holds a word {@link UNRELATED_RUN}-gram that occurs more
 * than once in `text`. Passages must not: a phrase repeated in A (a refrain, a caption printed
 * twice) would pair with the copy in B outside the case, and the ground truth would be ambiguous.
 */
function repeatTest(text: string): (r: Range) => boolean {
  const t = tokenize(text);
  const m = UNRELATED_RUN;
  const keys: string[] = [];
  const counts = new Map<string, number>();
  for (let i = 0; i + m <= t.length; i++) {
    const key = t.words.slice(i, i + m).join(' ');
    keys.push(key);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const repeated = new Uint32Array(keys.length + 1); // prefix sums of repeated gram starts
  keys.forEach((k, i) => {
    repeated[i + 1] = repeated[i]! + (counts.get(k)! > 1 ? 1 : 0);
  });
  return (r) => {
    const first = lowerBound(t.starts, r.start);
    const end = lowerBound(t.ends, r.end + 1); // tokens ending at or before r.end
    const lastStart = end - m; // last gram start inside the range
    return lastStart >= first && repeated[lastStart + 1]! - repeated[first]! > 0;
  };
}

/**
 * Sentence spans [first, last) for `count` passages of PASSAGE_WORDS words each (at least
 * `minSentences` sentences), disjoint, at least one sentence apart, and without an 8-gram that
 * `repeats` elsewhere. May return fewer.
 */
function pickPassages(
  sentences: readonly Sentence[],
  count: number,
  minSentences: number,
  repeats: (r: Range) => boolean,
  next: Rand,
): [number, number][] {
  const chosen: [number, number][] = [];
  for (let tries = 0; chosen.length < count && tries < 40 * count; tries++) {
    const target = randInt(next, PASSAGE_WORDS[0], PASSAGE_WORDS[1]);
    const first = randInt(next, 0, sentences.length - 1);
    let last = first;
    let words = 0;
    while (last < sentences.length && (words < target || last - first < minSentences)) {
      if (words + sentences[last]!.words > PASSAGE_WORDS[1]) break;
      words += sentences[last++]!.words;
    }
    if (words < PASSAGE_WORDS[0] || last - first < minSentences) continue;
    if (chosen.some(([f, l]) => first <= l && f <= last)) continue; // overlapping or adjacent
    if (repeats({ start: sentences[first]!.start, end: sentences[last - 1]!.end })) continue;
    chosen.push([first, last]);
  }
  return chosen.sort((x, y) => x[0] - y[0]);
}

/** Text to plant in B and the range in A it came from. */
interface Plant {
  /** The edited passage; paragraphs separated by blank lines. */
  text: string;
  /** Where it came from in A (trimmed to words). */
  a: Range;
}

/** A place in the host: before paragraph `paragraph` (sentence 0) or before one of its later sentences. */
interface Slot {
  paragraph: number;
  sentence: number;
}

function slotKey(s: Slot): number {
  return s.paragraph * 1_000_000 + s.sentence;
}

/** Distinct insertion slots in the host; paragraph boundaries only when `paragraphsOnly`. */
function pickSlots(host: readonly string[], count: number, paragraphsOnly: boolean, next: Rand): Slot[] {
  const slots: Slot[] = [];
  const seen = new Set<number>();
  for (let tries = 0; slots.length < count && tries < 100 * count; tries++) {
    const paragraph = randInt(next, 0, host.length);
    let sentence = 0;
    if (!paragraphsOnly && paragraph < host.length && next() < 0.5) {
      const n = splitSentences(host[paragraph]!).length;
      if (n > 1) sentence = randInt(next, 1, n - 1);
    }
    const slot = { paragraph, sentence };
    if (seen.has(slotKey(slot))) continue;
    seen.add(slotKey(slot));
    slots.push(slot);
  }
  if (slots.length < count)
    throw new Error(`could not find ${count} insertion slots in a host of ${host.length} paragraphs`);
  return slots;
}

/**
 * Builds B from host paragraphs and plants: each plant goes in its slot, as paragraphs of its own
 * at a paragraph boundary, or spliced in at a sentence boundary. Returns B and each plant's
 * range in B, as planted (`raw`) and trimmed to words (`ranges`), in the order of `plants`.
 */
function plantInto(
  host: readonly string[],
  plants: readonly string[],
  slots: readonly Slot[],
): { text: string; raw: Range[]; ranges: Range[] } {
  const byParagraph = new Map<number, { plant: number; sentence: number }[]>();
  slots.forEach((s, plant) => {
    const list = byParagraph.get(s.paragraph) ?? [];
    list.push({ plant, sentence: s.sentence });
    byParagraph.set(s.paragraph, list);
  });
  // B as paragraphs, each a list of pieces: host text, or (part of) a plant.
  const pieces: { text: string; plant?: number }[][] = [];
  for (let p = 0; p <= host.length; p++) {
    const here = (byParagraph.get(p) ?? []).sort((x, y) => x.sentence - y.sentence);
    const hostText = host[p];
    let current: { text: string; plant?: number }[] = [];
    const closeParagraph = () => {
      if (current.length) pieces.push(current);
      current = [];
    };
    const sentences = hostText === undefined ? [] : splitSentences(hostText);
    let hostAt = 0;
    for (const { plant, sentence } of here) {
      const planted = plants[plant]!;
      if (sentence === 0) {
        for (const para of planted.split(/\n\s*\n/)) pieces.push([{ text: para, plant }]);
        continue;
      }
      const cut = sentences[sentence]!.start;
      current.push({ text: hostText!.slice(hostAt, cut).trimEnd() });
      hostAt = cut;
      const paras = planted.split(/\n\s*\n/);
      if (paras.length === 1) current.push({ text: planted, plant });
      else {
        // A multi-paragraph plant at a sentence boundary splits the host paragraph around it.
        closeParagraph();
        for (const para of paras) pieces.push([{ text: para, plant }]);
      }
    }
    if (hostText !== undefined) current.push({ text: hostText.slice(hostAt) });
    closeParagraph();
  }
  // Join: pieces within a paragraph with a space, paragraphs with a blank line.
  let text = '';
  const starts = new Map<number, number>();
  const ends = new Map<number, number>();
  pieces.forEach((paragraph, i) => {
    if (i > 0) text += '\n\n';
    paragraph.forEach((piece, j) => {
      if (j > 0) text += ' ';
      if (piece.plant !== undefined && !starts.has(piece.plant)) starts.set(piece.plant, text.length);
      text += piece.text;
      if (piece.plant !== undefined) ends.set(piece.plant, text.length);
    });
  });
  const raw = plants.map((_, i) => ({ start: starts.get(i)!, end: ends.get(i)! }));
  return { text, raw, ranges: raw.map((r) => trimToWords(text, r)) };
}

/** Host text for B: a window of another family sharing no 8-word run with A. */
function pickHost(corpus: readonly SourceDocument[], a: string, family: string, next: Rand): Window {
  for (let tries = 0; tries < 50; tries++) {
    const host = pickWindow(corpus, family, randInt(next, DOCUMENT_WORDS[0], DOCUMENT_WORDS[1]), next);
    if (!shareRun(a, host.paragraphs.join('\n\n'))) return host;
  }
  throw new Error(`no host text of family "${family}" is unrelated to A`);
}

/**
 * Whether every run of {@link UNRELATED_RUN}+ words that A and B share lies inside one case on
 * both sides. A run can stick out of a case when the words after the planted text in B happen to
 * continue it as in A ("… the"); such a pair is drawn again, so the ground truth is exact.
 */
function runsInsideCases(a: string, b: string, cases: readonly EvalCase[]): boolean {
  const ta = tokenize(a);
  const tb = tokenize(b);
  const [ia, ib] = sharedWordIds(ta.words, tb.words);
  const inside = (start: number, end: number, r: Range) => r.start <= start && end <= r.end;
  return findSharedRuns(ia, ib, UNRELATED_RUN).runs.every((run) =>
    cases.some(
      (c) =>
        inside(ta.starts[run.a]!, ta.ends[run.a + run.length - 1]!, c.a) &&
        inside(tb.starts[run.b]!, tb.ends[run.b + run.length - 1]!, c.b),
    ),
  );
}

const families = (corpus: readonly SourceDocument[]): string[] =>
  [...new Set(corpus.map((d) => d.family))].sort();

/**
 * Generates evaluation pair number `index` of edit kind `kind`, deterministically for `seed`.
 * A and B's host text come from different families of `corpus` and share no run of
 * {@link UNRELATED_RUN} words; passages are planted at paragraph or sentence boundaries.
 */
export function generatePair(
  corpus: readonly SourceDocument[],
  kind: EditKind,
  index: number,
  seed: number,
): EvalPair {
  const kindIndex = EDIT_KINDS.indexOf(kind);
  if (kindIndex < 0) throw new Error(`unknown edit kind ${JSON.stringify(kind)}`);
  const fams = families(corpus);
  if (fams.length < 2) throw new Error('the corpus needs documents of at least two families');
  const next = mulberry32(mixSeed(seed, kindIndex, index));
  const id = `${kind}-${String(index).padStart(3, '0')}`;

  for (let attempt = 0; attempt < 20; attempt++) {
    const familyA = pickWeighted(next, fams, (f) => FAMILY_WEIGHTS[f] ?? 0.2);
    const familyB = pick(
      next,
      fams.filter((f) => f !== familyA),
    );
    const windowA = pickWindow(corpus, familyA, randInt(next, DOCUMENT_WORDS[0], DOCUMENT_WORDS[1]), next);
    const laidA = layOut(windowA.paragraphs);
    const a = laidA.text;
    const host = pickHost(corpus, a, familyB, next);
    const sources = { a: windowA.title, b: host.title };

    if (kind === 'negative') return { id, kind, a, b: host.paragraphs.join('\n\n'), cases: [], sources };

    if (kind === 'move') {
      const block = pickMoveBlock(windowA.paragraphs, next);
      if (!block) continue;
      const [first, count] = block;
      const blockEnd = laidA.offsets[first + count - 1]! + windowA.paragraphs[first + count - 1]!.length;
      if (repeatTest(a)({ start: laidA.offsets[first]!, end: blockEnd })) continue;
      const moved = first + randInt(next, 0, count - 1);
      // Contiguous pieces of the block, each contiguous in A and in B: before and after the
      // moved paragraph (when not empty), then the moved paragraph alone.
      const groups: number[][] = [];
      const before = range(first, moved);
      const after = range(moved + 1, first + count);
      if (before.length) groups.push(before);
      if (after.length) groups.push(after);
      groups.push([moved]);
      const aRange = (ps: number[]) =>
        trimToWords(a, {
          start: laidA.offsets[ps[0]!]!,
          end: laidA.offsets[ps[ps.length - 1]!]! + windowA.paragraphs[ps[ps.length - 1]!]!.length,
        });
      // The block without the moved paragraph goes in one slot, the moved one in another.
      const stay = groups.slice(0, -1).flat();
      const plants = [stay.map((p) => windowA.paragraphs[p]!).join('\n\n'), windowA.paragraphs[moved]!];
      // The moved paragraph must break A's order: the first one goes after the rest, the last
      // one before, a middle one either way.
      const [early, late] = pickSlots(host.paragraphs, 2, true, next).sort(
        (x, y) => x.paragraph - y.paragraph,
      );
      const movedFirst = moved === first + count - 1 || (moved !== first && next() < 0.5);
      const slots = movedFirst ? [late!, early!] : [early!, late!];
      const planted = plantInto(host.paragraphs, plants, slots);
      // Split the staying block's B range into its pieces (they sit back to back, in order).
      const cases: EvalCase[] = [];
      let bAt = planted.raw[0]!.start;
      for (const g of groups.slice(0, -1)) {
        const text = g.map((p) => windowA.paragraphs[p]!).join('\n\n');
        cases.push({ a: aRange(g), b: trimToWords(planted.text, { start: bAt, end: bAt + text.length }) });
        bAt += text.length + 2;
      }
      cases.push({ a: aRange([moved]), b: planted.ranges[1]! });
      if (!runsInsideCases(a, planted.text, cases)) continue;
      return { id, kind, a, b: planted.text, cases, sources };
    }

    // One passage in most pairs, sometimes two or three.
    const count = pickWeighted(next, [1, 2, 3], (n) => [0.6, 0.3, 0.1][n - 1]!);
    const spans = pickPassages(laidA.sentences, count, kind === 'reorder' ? 3 : 1, repeatTest(a), next);
    if (spans.length === 0) continue;
    const vocabulary = vocabularyOf(host.paragraphs.join('\n\n'));
    const plants: Plant[] = spans.map(([first, last]) => {
      const range: Range = { start: laidA.sentences[first]!.start, end: laidA.sentences[last - 1]!.end };
      const source = a.slice(range.start, range.end);
      let text: string;
      if (kind === 'none') text = respace(source, next);
      else if (kind === 'low' || kind === 'high')
        text = obfuscate(source, OBFUSCATION_RATES[kind], vocabulary, next);
      else
        text = reorderSentences(
          laidA.sentences.slice(first, last).map((s) => a.slice(s.start, s.end)),
          next,
        );
      return { text: text.trim(), a: trimToWords(a, range) };
    });
    // Plant in random order so B's order of cases need not follow A's.
    const order = shuffleInPlace(
      next,
      plants.map((_, i) => i),
    );
    const slots = pickSlots(host.paragraphs, plants.length, false, next);
    const planted = plantInto(
      host.paragraphs,
      order.map((i) => plants[i]!.text),
      slots,
    );
    const cases = order.map((i, k) => ({ a: plants[i]!.a, b: planted.ranges[k]! }));
    cases.sort((x, y) => x.a.start - y.a.start);
    if (!runsInsideCases(a, planted.text, cases)) continue;
    return { id, kind, a, b: planted.text, cases, sources };
  }
  throw new Error(`could not generate pair ${id}: no suitable source text found in 20 attempts`);
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/** A block of MOVE_PARAGRAPHS consecutive paragraphs of substance, as [first, count], or undefined. */
function pickMoveBlock(paragraphs: readonly string[], next: Rand): [number, number] | undefined {
  const words = paragraphs.map(countWords);
  for (let tries = 0; tries < 40; tries++) {
    const count = randInt(next, MOVE_PARAGRAPHS[0], MOVE_PARAGRAPHS[1]);
    if (paragraphs.length < count) return undefined;
    const first = randInt(next, 0, paragraphs.length - count);
    const block = words.slice(first, first + count);
    if (
      block.every((w) => w >= MOVE_MIN_PARAGRAPH_WORDS) &&
      block.reduce((s, w) => s + w, 0) <= MOVE_MAX_BLOCK_WORDS
    )
      return [first, count];
  }
  return undefined;
}

/** Options of {@link generateSet}. */
export interface GenerateOptions {
  /** Seed of the whole set. */
  seed: number;
  /** Pairs per edit kind. */
  pairsPerKind: number;
  /** Kinds to generate (default: all, in {@link EDIT_KINDS} order). */
  kinds?: readonly EditKind[];
}

/** The evaluation set: `pairsPerKind` pairs of every kind, deterministic for the seed. */
export function generateSet(corpus: readonly SourceDocument[], options: GenerateOptions): EvalPair[] {
  const out: EvalPair[] = [];
  for (const kind of options.kinds ?? EDIT_KINDS)
    for (let i = 0; i < options.pairsPerKind; i++) out.push(generatePair(corpus, kind, i, options.seed));
  return out;
}

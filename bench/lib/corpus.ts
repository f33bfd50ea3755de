// Seeded generator of news-like English text for the benchmarks: a Zipf-distributed vocabulary
// (real function words on top, made-up content words below), proper names, numbers, commas,
// curly quotes and dashes, sentences and paragraphs. The same seed gives the same text on every
// machine, so benchmark inputs are reproducible without shipping megabytes of fixtures.

import { rng } from '../../test/text-generators.js';

/** mulberry32, the seeded PRNG of the test generators: floats in [0, 1). */
export { rng };

// The most frequent English words, in rough frequency order: they take the top Zipf ranks, so
// generated text repeats short words the way news text does.
const FUNCTION_WORDS = (
  'the of and to a in that is was he for it with as his on be at by i this had not are but from or ' +
  'have an they which one you were her all she there would their we him been has when who will more ' +
  'no if out so said what up its about into than them can only other new some could time these two ' +
  'may then do first any my now such like our over man me even most made after also did many before ' +
  'must through back years where much your way well down should because each just those people mr how ' +
  'too little state good very make world still own see men work long get here between both life being ' +
  'under never day same another know while last might us great old year off come since against go came ' +
  'right used take three president government minister said told officials country week city leader'
).split(' ');

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'sa',
  'ti',
  'vo',
  'ze',
  'pa',
  'do',
  'gi',
  'hu',
  'be',
  'fy',
  'ter',
  'con',
  'pro',
  'ment',
  'tion',
  'al',
  'ing',
  'er',
  'st',
  'ar',
  'en',
  'or',
  'ic',
  'ous',
  'ly',
];

const NAMES = [
  'Kim',
  'Putin',
  'Moscow',
  'Seoul',
  'Vladivostok',
  'Korea',
  'Russia',
  'Beijing',
  'Washington',
  'Trump',
  'Lavrov',
  'Pyongyang',
  'Tokyo',
  'Abe',
  'Xi',
  'Europe',
  'London',
  'Paris',
  'Merkel',
  'Macron',
];

/** A vocabulary with cumulative Zipf weights (exponent ~1, like word frequencies in news text). */
export interface Vocabulary {
  /** Words by rank, most frequent first. */
  readonly words: readonly string[];
  /** `cumulative[r]` is the total weight of ranks 0..r; the last entry is 1. */
  readonly cumulative: Float64Array;
}

/** A Zipf vocabulary: {@link FUNCTION_WORDS} first, then `size` made-up words (seeded). */
export function vocabulary(size = 30_000, seed = 7): Vocabulary {
  const next = rng(seed);
  const seen = new Set<string>(FUNCTION_WORDS);
  const words = [...FUNCTION_WORDS];
  while (words.length < FUNCTION_WORDS.length + size) {
    const n = 1 + Math.floor(next() * 4);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
    if (w.length > 1 && !seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  const cumulative = new Float64Array(words.length);
  let total = 0;
  for (let r = 0; r < words.length; r++) cumulative[r] = total += 1 / (r + 2.7) ** 1.05;
  for (let r = 0; r < words.length; r++) cumulative[r]! /= total;
  return { words, cumulative };
}

function pick(vocab: Vocabulary, next: () => number): string {
  const u = next();
  let lo = 0;
  let hi = vocab.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (vocab.cumulative[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return vocab.words[lo]!;
}

/** One sentence of 6–32 words: capitalised, with commas, names, numbers and now and then a curly quote. */
export function sentence(vocab: Vocabulary, next: () => number): string {
  const n = 6 + Math.floor(next() * 27);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = next();
    let w: string;
    if (r < 0.05) w = NAMES[Math.floor(next() * NAMES.length)]!;
    else if (r < 0.065) w = next() < 0.5 ? String(Math.floor(next() * 2030)) : `${Math.floor(next() * 100)}%`;
    else if (r < 0.075) w = `${NAMES[Math.floor(next() * NAMES.length)]}\u2019s`;
    else w = pick(vocab, next);
    if (i > 0 && i < n - 1 && next() < 0.07) w += ',';
    out.push(w);
  }
  out[0] = out[0]![0]!.toUpperCase() + out[0]!.slice(1);
  let s = `${out.join(' ')}${next() < 0.05 ? '?' : '.'}`;
  const q = next();
  if (q < 0.08) s = `\u201C${s}\u201D`;
  else if (q < 0.1) s = s.replace(' ', ' \u2014 ');
  return s;
}

/** One paragraph of 1–6 sentences. */
export function paragraph(vocab: Vocabulary, next: () => number): string {
  const n = 1 + Math.floor(next() * 6);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(sentence(vocab, next));
  return out.join(' ');
}

/** Paragraphs of news-like text until their total length (joined by blank lines) reaches `chars`. */
export function paragraphs(vocab: Vocabulary, chars: number, next: () => number): string[] {
  const out: string[] = [];
  let length = 0;
  while (length < chars) {
    const p = paragraph(vocab, next);
    out.push(p);
    length += p.length + 2;
  }
  return out;
}

/**
 * An edited copy of a paragraph: each word replaced, dropped or followed by a new word with
 * probability `rate` in total (a rewrite by a sub-editor, not a random character flip).
 */
export function editParagraph(text: string, rate: number, vocab: Vocabulary, next: () => number): string {
  const out: string[] = [];
  for (const w of text.split(' ')) {
    const r = next();
    if (r < rate / 3) out.push(pick(vocab, next));
    else if (r < (2 * rate) / 3) continue;
    else if (r < rate) out.push(w, pick(vocab, next));
    else out.push(w);
  }
  return out.join(' ');
}

/** Options for {@link textPair}. */
export interface TextPairOptions {
  /** Share of B's paragraphs taken from A. @default 0.4 */
  shared?: number;
  /** Share of the taken paragraphs that are edited rather than verbatim. @default 0.5 */
  edited?: number;
  /** Edit rate of an edited paragraph (see {@link editParagraph}). @default 0.1 */
  editRate?: number;
  /** Chance that a taken paragraph comes from elsewhere in A rather than next in order. @default 0.05 */
  moved?: number;
}

/**
 * Two news-like texts of at least `chars` UTF-16 code units each that share passages: B takes
 * paragraphs of A in order (some verbatim, some edited, a few moved) among paragraphs of its own.
 */
export function textPair(chars: number, seed: number, options: TextPairOptions = {}): [string, string] {
  const { shared = 0.4, edited = 0.5, editRate = 0.1, moved = 0.05 } = options;
  const vocab = vocabulary();
  const next = rng(seed);
  const a = paragraphs(vocab, chars, next);
  const b: string[] = [];
  let length = 0;
  let cursor = 0;
  while (length < chars) {
    let p: string;
    if (next() < shared) {
      const from = next() < moved ? Math.floor(next() * a.length) : cursor++ % a.length;
      p = a[from]!;
      if (next() < edited) p = editParagraph(p, editRate, vocab, next);
    } else p = paragraph(vocab, next);
    b.push(p);
    length += p.length + 2;
  }
  return [a.join('\n\n'), b.join('\n\n')];
}

/** The line {@link boilerplatePair} puts under every paragraph of both texts. */
export const READ_MORE_LINE = 'Read more: Putin and Kim to meet in the Russian city of Vladivostok';

/**
 * {@link textPair} dressed in web-page boilerplate, the input that once made paragraph alignment
 * quadratic: every paragraph of both texts carries the same "Read more: …" line under it and is
 * followed by an "Advertisement" paragraph. Each text is at least `chars` code units.
 */
export function boilerplatePair(chars: number, seed: number): [string, string] {
  const dress = (text: string) =>
    text
      .split('\n\n')
      .flatMap((p) => [`${p}\n${READ_MORE_LINE}`, 'Advertisement'])
      .join('\n\n');
  // The boilerplate adds ~80 code units to a ~440-unit paragraph: start from a shorter pair.
  const [a, b] = textPair(Math.round(chars * 0.84), seed);
  return [dress(a), dress(b)];
}

/** `count` documents of about `chars` code units each (news length by default), one seed for all. */
export function documents(count: number, seed: number, chars = 3500): string[] {
  const vocab = vocabulary();
  const next = rng(seed);
  return Array.from({ length: count }, () => paragraphs(vocab, chars, next).join('\n\n'));
}

/** A document of {@link plantedCorpus}. */
export interface PlantedDocument {
  /** `doc-<n>`, n its position in the stream from 0. */
  readonly id: string;
  /** Its text, news-like, about `chars` code units. */
  readonly text: string;
  /** For a planted near-duplicate: the document it is an edited copy of, and how much was edited. */
  readonly copyOf?: { readonly id: string; readonly text: string; readonly editRate: number };
}

/** Options of {@link plantedCorpus}. */
export interface PlantedOptions {
  /** Length of an original document in UTF-16 code units. @default 3500 (a news article) */
  chars?: number;
  /** Every `every`-th document (positions every−1, 2·every−1, …) is a planted copy. @default 10 */
  every?: number;
  /**
   * Edit rates of the copies, taken in turn (see {@link editParagraph}, applied to every
   * paragraph). With 5-word shingles the median Jaccard with the original is about 0.97, 0.92,
   * 0.83 and 0.76 for the defaults: around a threshold of 0.8 on both sides.
   * @default [0.005, 0.01, 0.02, 0.03]
   */
  editRates?: readonly number[];
  /** Originals a copy is drawn from: a random earlier one among this many kept at random. @default 2000 */
  pool?: number;
}

/**
 * A stream of news-like documents with planted near-duplicates, for the LSH benchmarks: every
 * tenth document is an edited copy of a random earlier original (never of a copy), so the
 * planted pairs are known. Streamed, so a large corpus never sits in memory; the same seed gives
 * the same documents. Pass `count` = Infinity for an endless stream.
 */
export function* plantedCorpus(
  count: number,
  seed: number,
  options: PlantedOptions = {},
): Generator<PlantedDocument> {
  const { chars = 3500, every = 10, editRates = [0.005, 0.01, 0.02, 0.03], pool = 2000 } = options;
  const vocab = vocabulary();
  const next = rng(seed);
  const kept: { id: string; paragraphs: string[] }[] = [];
  let copies = 0;
  for (let i = 0; i < count; i++) {
    const id = `doc-${i}`;
    if (i % every === every - 1 && kept.length > 0) {
      const original = kept[Math.floor(next() * kept.length)]!;
      const editRate = editRates[copies++ % editRates.length]!;
      const text = original.paragraphs.map((p) => editParagraph(p, editRate, vocab, next)).join('\n\n');
      yield { id, text, copyOf: { id: original.id, text: original.paragraphs.join('\n\n'), editRate } };
      continue;
    }
    const own = paragraphs(vocab, chars, next);
    if (kept.length < pool) kept.push({ id, paragraphs: own });
    else kept[Math.floor(next() * pool)] = { id, paragraphs: own };
    yield { id, text: own.join('\n\n') };
  }
}

// Stage 6: compare() runs the pipeline on two texts and assembles a plain, JSON-ready report.

import { alignParagraphs, MOST_CANDIDATES, type PairKind } from '../align.js';
import { NeardupError } from '../errors.js';
import { estimateJaccard, exactJaccard, minhash, standardError } from '../minhash.js';
import { type DiffOp, type DiffStep, findNearPassages, type NearMatch } from '../near.js';
import { type CompareOptions, type ResolvedCompareOptions, resolveCompareOptions } from '../options.js';
import { findSharedRuns, type WordRun } from '../passages.js';
import { pairBudget } from '../sequence.js';
import { shingle } from '../shingle.js';
import { ENGLISH_STOP_WORDS } from '../stopwords.js';
import {
  normalizeText,
  type Paragraph,
  type Range,
  segmentParagraphs,
  type Tokens,
  tokenize,
} from '../text.js';

/**
 * The schema tag of reports this version writes.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 *
 * const report = JSON.parse(readFileSync('report.json', 'utf8')) as Report;
 * if (report.schema !== REPORT_SCHEMA) throw new Error(`expected a ${REPORT_SCHEMA} report`);
 * ```
 */
export const REPORT_SCHEMA = 'neardup.report/1';

/**
 * A passage both texts have word for word (the same normalised words on both sides).
 *
 * @example
 * ```ts
 * const verbatim: VerbatimPassage[] = compare(a, b, { mode: 'verbatim' }).passages.filter(
 *   (p) => p.kind === 'verbatim',
 * );
 * for (const p of verbatim) console.log(`${p.words} words at ${p.a.start} in A, ${p.b.start} in B: ${p.text}`);
 * ```
 */
export interface VerbatimPassage {
  /** `verbatim`: both sides have the same normalised words. */
  kind: 'verbatim';
  /** Range in A, from the first word's first character to the last word's last. */
  a: Range;
  /** Range in B, likewise. */
  b: Range;
  /** Number of words in the passage. */
  words: number;
  /** The passage as it stands in A: `A.slice(a.start, a.end)`. */
  text: string;
}

/**
 * One step of a near passage's word diff. `a` and `b` hold the step's words in each text (from
 * the first word's start to the last word's end); the side without words gets an empty range
 * at the point where the other side's words go.
 *
 * @example
 * ```ts
 * const show = ({ op, a: inA, b: inB }: WordDiffStep) => {
 *   const [x, y] = [a.slice(inA.start, inA.end), b.slice(inB.start, inB.end)];
 *   return op === 'equal' ? x : `${x && `[-${x}-]`}${y && `{+${y}+}`}`;
 * };
 * for (const p of compare(a, b).passages) if (p.kind === 'near') console.log(p.diff.map(show).join(' '));
 * ```
 */
export interface WordDiffStep {
  /** `equal` (same words), `delete` (words only in A), `insert` (only in B), `replace` (A's words replaced by B's). */
  op: DiffOp;
  /** The step's words in A (empty for `insert`). */
  a: Range;
  /** The step's words in B (empty for `delete`). */
  b: Range;
}

/**
 * A passage both texts share with edits (words cut, added, swapped or reordered), found by
 * {@link findNearPassages}. The verbatim runs inside it stay in the report as their own
 * passages; `verbatim` lists them.
 *
 * @example
 * ```ts
 * const report = compare(a, b); // mode "near", the default
 * const near: NearPassage[] = report.passages.filter((p) => p.kind === 'near');
 * for (const p of near) console.log(`${p.similarity.toFixed(2)}: ${p.text} → ${p.textB}`);
 * ```
 */
export interface NearPassage {
  /** `near`: the two sides are edited versions of one passage. */
  kind: 'near';
  /** Range in A, from the first word's first character to the last word's last. */
  a: Range;
  /** Range in B, likewise. */
  b: Range;
  /** Number of words in A's range. */
  words: number;
  /** Number of words in B's range. */
  wordsB: number;
  /** The passage as it stands in A: `A.slice(a.start, a.end)`. */
  text: string;
  /** The passage as it stands in B: `B.slice(b.start, b.end)`. */
  textB: string;
  /** 2 · (words the diff finds equal) / (words + wordsB), 0..1. */
  similarity: number;
  /** The word diff from A's side to B's, in order; every range slices its text's words. */
  diff: WordDiffStep[];
  /** Indices into {@link Report.passages} of the verbatim passages inside this one (in both texts). */
  verbatim: number[];
}

/**
 * A passage the two texts share: word for word, or with edits.
 *
 * @example
 * ```ts
 * const label = (p: Passage) =>
 *   p.kind === 'verbatim' ? `${p.words} words verbatim` : `${p.words}/${p.wordsB} words, edited`;
 * compare(a, b).passages.map(label); // e.g. ['22/19 words, edited', '8 words verbatim']
 * ```
 */
export type Passage = VerbatimPassage | NearPassage;

/**
 * A paragraph of A paired with a paragraph of B.
 *
 * @example
 * ```ts
 * const moved: ParagraphPair[] = compare(a, b).paragraphs.filter((p) => p.moved);
 * for (const p of moved) console.log(`moved: ${a.slice(p.a.start, p.a.end)}`);
 * ```
 */
export interface ParagraphPair {
  /** The paragraph's range in A. */
  a: Range;
  /** The paragraph's range in B. */
  b: Range;
  /** `identical` (same normalised words) or `near` (edited). */
  kind: PairKind;
  /** Jaccard similarity of the paragraphs' shingle sets (1 when identical). */
  similarity: number;
  /**
   * 1 − word edit distance / longer length (1 when identical); `null` when the paragraphs were too
   * long to compare by edit distance (see {@link wordEditSimilarity}) and Jaccard alone decided.
   */
  editSimilarity: number | null;
  /** True when the pair is out of order relative to the other pairs (the paragraph moved). */
  moved: boolean;
}

/**
 * One value for each of the two texts compared.
 *
 * @example
 * ```ts
 * const coverage: PerText<number> = compare(a, b).coverage;
 * console.log(`${(coverage.b * 100).toFixed(1)}% of B lies in passages shared with A`);
 * ```
 */
export interface PerText<T> {
  /** The value for text A. */
  a: T;
  /** The value for text B. */
  b: T;
}

/**
 * The result of {@link compare}: plain data, ready for `JSON.stringify`.
 *
 * @example
 * ```ts
 * const report: Report = compare(a, b);
 * report.similarity.exact; // Jaccard of the two shingle sets, e.g. 0.22
 * report.passages.length; // shared passages, in A's order
 * ```
 */
export interface Report {
  /** Schema tag, `"neardup.report/1"`. */
  schema: typeof REPORT_SCHEMA;
  /** The options used, defaults filled in. */
  options: ResolvedCompareOptions;
  /** Number of words in each text. */
  words: PerText<number>;
  /** Jaccard similarity of the two texts' shingle sets. */
  similarity: {
    /** MinHash estimate from the signatures. */
    estimated: number;
    /** Exact value from the shingle sets. */
    exact: number;
    /** Standard error of the estimate, √(J(1−J)/numPerm) at the estimated J. */
    standardError: number;
  };
  /** Share of each text's words that lie inside a shared passage (verbatim or near), 0..1. */
  coverage: PerText<number>;
  /** Paired paragraphs, in A's order. */
  paragraphs: ParagraphPair[];
  /** Paragraphs of each text left unpaired. */
  unmatched: PerText<Range[]>;
  /** Shared passages, ordered by their start in A, then in B (a verbatim passage before a near one at the same place). */
  passages: Passage[];
  /** Notes on limits that applied to this comparison (empty when none did). */
  warnings: string[];
}

/** Word ids in one vocabulary for both texts, so equal words get equal small integers. */
export function internWords(
  a: Tokens,
  b: Tokens,
): { ids: [Uint32Array, Uint32Array]; vocabulary: Map<string, number> } {
  const vocabulary = new Map<string, number>();
  const ids = (t: Tokens) => {
    const out = new Uint32Array(t.length);
    for (let i = 0; i < t.length; i++) {
      const w = t.words[i]!;
      let id = vocabulary.get(w);
      if (id === undefined) {
        id = vocabulary.size;
        vocabulary.set(w, id);
      }
      out[i] = id;
    }
    return out;
  };
  return { ids: [ids(a), ids(b)], vocabulary };
}

/** A passage as token ranges `[a, aEnd)` in A and `[b, bEnd)` in B. */
interface TokenSpan {
  a: number;
  aEnd: number;
  b: number;
  bEnd: number;
}

const spanOfRun = (r: WordRun): TokenSpan => ({ a: r.a, aEnd: r.a + r.length, b: r.b, bEnd: r.b + r.length });

/** Share of a text's words inside at least one span (spans overlap when a text repeats itself). */
function coverage(wordCount: number, spans: readonly TokenSpan[], side: 'a' | 'b'): number {
  if (wordCount === 0) return 0;
  const covered = new Uint8Array(wordCount);
  for (const s of spans) covered.fill(1, s[side], side === 'a' ? s.aEnd : s.bEnd);
  let n = 0;
  for (const c of covered) n += c;
  return n / wordCount;
}

/** 1234567 → "1,234,567", the same in every locale. */
const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

/** "1 paragraph", "3 paragraphs": a count for the report's warnings. */
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

const rangeOf = (p: Paragraph): Range => ({ start: p.start, end: p.end });

/** The text's range from token `from` to token `to` (exclusive), or an empty range at `at` when from = to. */
function tokenRange(t: Tokens, from: number, to: number, at = 0): Range {
  return from < to ? { start: t.starts[from]!, end: t.ends[to - 1]! } : { start: at, end: at };
}

/** A near passage's diff steps as character ranges; a side without words sits where the previous step ended. */
function diffRanges(
  steps: readonly DiffStep[],
  ta: Tokens,
  tb: Tokens,
  atA: number,
  atB: number,
): WordDiffStep[] {
  return steps.map((s) => {
    const a = tokenRange(ta, s.a, s.aEnd, atA);
    const b = tokenRange(tb, s.b, s.bEnd, atB);
    atA = a.end;
    atB = b.end;
    return { op: s.op, a, b };
  });
}

const englishStopWords = new Set(ENGLISH_STOP_WORDS);

/** Stop-word flags for each word of both texts, looked up once per distinct word. */
function stopFlags(
  vocabulary: Map<string, number>,
  ids: readonly Uint32Array[],
  stopWords: ResolvedCompareOptions['stopWords'],
): Uint8Array[] {
  const stop =
    stopWords === 'en' ? englishStopWords : new Set(stopWords === 'none' ? [] : stopWords.map(normalizeText));
  const byId = new Uint8Array(vocabulary.size);
  for (const [word, id] of vocabulary) if (stop.has(word)) byId[id] = 1;
  return ids.map((side) => side.map((id) => byId[id]!) as unknown as Uint8Array);
}

/** For each token, the first token and one past the last token of its line (a paragraph can hold several lines). */
function lineBounds(tokens: Tokens) {
  const start = new Int32Array(tokens.length);
  const end = new Int32Array(tokens.length);
  const { source, starts, ends } = tokens;
  let first = 0;
  for (let i = 1; i <= tokens.length; i++) {
    let breaks = i === tokens.length;
    for (let k = ends[i - 1]!; !breaks && k < starts[i]!; k++) {
      const c = source.charCodeAt(k);
      breaks = c === 10 || c === 13;
    }
    if (!breaks) continue;
    start.fill(first, first, i);
    end.fill(i, first, i);
    first = i;
  }
  return { start, end };
}

/**
 * For each token, what separates it from the token before (`NearSide.breaks`): 3 for a blank
 * line (a paragraph break), 2 for a line break or a sentence end (`.`, `!`, `?`, `…`), 1 for any
 * other punctuation, 0 for spaces only. The first token gets 3.
 */
function wordBreaks(tokens: Tokens): Uint8Array {
  const breaks = new Uint8Array(tokens.length);
  const { source, starts, ends } = tokens;
  if (tokens.length) breaks[0] = 3;
  for (let i = 1; i < tokens.length; i++) {
    let level = 0;
    let lineEnds = 0;
    for (let k = ends[i - 1]!; k < starts[i]!; k++) {
      const c = source.charCodeAt(k);
      // LF, CR and CRLF each end one line.
      if (c === 10 || (c === 13 && source.charCodeAt(k + 1) !== 10)) lineEnds++;
      if (c === 10 || c === 13 || c === 0x2e || c === 0x21 || c === 0x3f || c === 0x2026)
        level = Math.max(level, 2);
      else if (c > 32 && c !== 0xa0 && (c < 0x80 || !/\s/.test(source[k]!))) level = Math.max(level, 1);
    }
    breaks[i] = lineEnds >= 2 ? 3 : level;
  }
  return breaks;
}

/**
 * A test for near passages whose two sides have the same words and lie inside one verbatim run
 * (on its diagonal): a run itself, or a piece cut from a run that crosses into unrelated lines.
 * Such a passage adds nothing to the verbatim one. Runs are maximal, so the runs on one
 * diagonal never overlap: a binary search finds the one that could hold the passage.
 */
function insideVerbatim(runs: readonly WordRun[]): (m: NearMatch) => boolean {
  const byDiagonal = new Map<number, WordRun[]>(); // runs in A order, from findSharedRuns
  for (const r of runs) {
    const list = byDiagonal.get(r.b - r.a);
    if (list) list.push(r);
    else byDiagonal.set(r.b - r.a, [r]);
  }
  return (m) => {
    if (m.diff.length !== 1 || m.diff[0]!.op !== 'equal') return false;
    const list = byDiagonal.get(m.b - m.a) ?? [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.a <= m.a) lo = mid + 1;
      else hi = mid;
    }
    const r = list[lo - 1];
    return r !== undefined && m.aEnd <= r.a + r.length;
  };
}

/** Index of the paragraph holding token `i` (paragraphs are in order and hold disjoint token ranges). */
function paragraphOf(paragraphs: readonly Paragraph[], i: number): number {
  let lo = 0;
  let hi = paragraphs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (paragraphs[mid]!.firstToken <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Paragraph pairs that a near passage's equal words connect: evidence for the paragraph alignment. */
function* nearEvidence(
  matches: readonly NearMatch[],
  paragraphsA: readonly Paragraph[],
  paragraphsB: readonly Paragraph[],
): Generator<[number, number]> {
  for (const m of matches)
    for (const step of m.diff)
      if (step.op === 'equal') yield [paragraphOf(paragraphsA, step.a), paragraphOf(paragraphsB, step.b)];
}

/**
 * Compares two texts: their similarity, every passage they share verbatim (at least `minWords`
 * words, with offsets into both), the passages they share with edits (`mode: "near"`, the
 * default) and how their paragraphs align.
 *
 * Offsets are UTF-16 code unit indices into the strings as given (a leading byte-order mark
 * counts), so `a.slice(p.a.start, p.a.end)` is always the passage's text in A.
 * Deterministic: the same texts and options give the same report in any process.
 *
 * @param a - the first text (A).
 * @param b - the second text (B).
 * @param options - see {@link CompareOptions}; defaults in {@link defaultCompareOptions}.
 * @throws {@link NeardupError} if a text is not a string or an option is unknown or out of range.
 * @example
 * ```ts
 * import { compare } from 'neardup';
 *
 * const report = compare(a, b);
 * for (const p of report.passages) console.log(p.kind, p.words, p.text);
 * console.log(report.similarity.estimated, report.coverage.b);
 * ```
 */
export function compare(a: string, b: string, options?: CompareOptions): Report {
  if (typeof a !== 'string' || typeof b !== 'string')
    throw new NeardupError(`compare() takes two strings, got ${typeof a} and ${typeof b}`);
  const opts = resolveCompareOptions(options);
  const tokensA = tokenize(a);
  const tokensB = tokenize(b);
  const {
    ids: [idsA, idsB],
    vocabulary,
  } = internWords(tokensA, tokensB);

  const shinglesA = shingle(tokensA.hashes, opts.shingleSize);
  const shinglesB = shingle(tokensB.hashes, opts.shingleSize);
  const minhashOptions = { numPerm: opts.numPerm, seed: opts.seed };
  const estimated = estimateJaccard(minhash(shinglesA, minhashOptions), minhash(shinglesB, minhashOptions));

  const { runs, skippedSeeds, repeatLimit } = findSharedRuns(idsA, idsB, opts.minWords, opts.maxRepeats);
  const verbatimSpans = runs.map(spanOfRun);
  const paragraphsA = segmentParagraphs(tokensA);
  const paragraphsB = segmentParagraphs(tokensB);
  const [stopA, stopB] = opts.mode === 'near' ? stopFlags(vocabulary, [idsA, idsB], opts.stopWords) : [];
  const inVerbatim = insideVerbatim(runs); // a near passage that is (part of) a verbatim run adds nothing
  const nearMatches =
    opts.mode === 'near'
      ? findNearPassages(
          { ids: idsA, stop: stopA!, lines: lineBounds(tokensA), breaks: wordBreaks(tokensA) },
          { ids: idsB, stop: stopB!, lines: lineBounds(tokensB), breaks: wordBreaks(tokensB) },
          {
            seedWords: opts.nearSeedWords,
            looseWords: opts.nearLooseWords,
            maxGap: opts.nearMaxGap,
            minWords: opts.nearMinWords,
            minDensity: opts.nearMinDensity,
            maxRepeats: opts.maxRepeats,
            looseSpan: opts.nearLooseSpan,
            snapWords: opts.nearSnapWords,
            minSimilarity: opts.nearMinSimilarity,
          },
        ).filter((m) => !inVerbatim(m))
      : [];

  const alignment = alignParagraphs(
    { paragraphs: paragraphsA, ids: idsA, hashes: tokensA.hashes },
    { paragraphs: paragraphsB, ids: idsB, hashes: tokensB.hashes },
    opts,
    nearEvidence(nearMatches, paragraphsA, paragraphsB),
  );

  const passages = assemblePassages(a, b, tokensA, tokensB, verbatimSpans, nearMatches);
  const warnings: string[] = [];
  if (skippedSeeds > 0) {
    const skipped = `${count(skippedSeeds, 'position')} of A begin ${opts.minWords}-word sequences that repeat`;
    warnings.push(
      repeatLimit < opts.maxRepeats
        ? `${skipped} more than ${repeatLimit} times, and no passage was started there: maxRepeats ` +
            `(${opts.maxRepeats}) was lowered to ${repeatLimit} because pairing every repeat would have taken ` +
            `more than ${thousands(pairBudget(idsA.length + idsB.length))} occurrence pairs; set maxRepeats to 0 ` +
            'to search them all'
        : `${skipped} more than maxRepeats (${opts.maxRepeats}) times, and no passage was started there; ` +
            'set maxRepeats higher (or 0 for no limit) to search them',
    );
  }
  if (alignment.boilerplateShingles > 0)
    warnings.push(
      `${count(alignment.boilerplateShingles, `${opts.shingleSize}-word shingle`)} found in more than ` +
        `maxRepeats (${opts.maxRepeats}) of B's paragraphs ${alignment.boilerplateShingles === 1 ? 'was' : 'were'} ` +
        'ignored as boilerplate when pairing paragraphs as near; set maxRepeats higher (or 0 for no limit) to use them',
    );
  if (alignment.cappedParagraphs > 0)
    warnings.push(
      `${count(alignment.cappedParagraphs, 'paragraph')} of A had more than ${MOST_CANDIDATES} candidate near partners and ` +
        `only the ${MOST_CANDIDATES} most alike by shingle Jaccard were edit-compared; set maxRepeats to 0 to compare them all`,
    );

  const allSpans = [...verbatimSpans, ...nearMatches];
  return {
    schema: REPORT_SCHEMA,
    options: opts,
    words: { a: tokensA.length, b: tokensB.length },
    similarity: {
      estimated,
      exact: exactJaccard(shinglesA.hashes, shinglesB.hashes),
      standardError: standardError(estimated, opts.numPerm),
    },
    coverage: {
      a: coverage(tokensA.length, allSpans, 'a'),
      b: coverage(tokensB.length, allSpans, 'b'),
    },
    paragraphs: alignment.pairs.map((p) => ({
      a: rangeOf(paragraphsA[p.a]!),
      b: rangeOf(paragraphsB[p.b]!),
      kind: p.kind,
      similarity: p.similarity,
      editSimilarity: p.editSimilarity,
      moved: p.moved,
    })),
    unmatched: {
      a: alignment.unmatchedA.map((i) => rangeOf(paragraphsA[i]!)),
      b: alignment.unmatchedB.map((i) => rangeOf(paragraphsB[i]!)),
    },
    passages,
    warnings,
  };
}

/** Verbatim and near passages in report order, each near passage listing the verbatim ones inside it. */
function assemblePassages(
  a: string,
  b: string,
  tokensA: Tokens,
  tokensB: Tokens,
  verbatim: readonly TokenSpan[],
  near: readonly NearMatch[],
): Passage[] {
  type Entry = { span: TokenSpan; near?: NearMatch };
  const entries: Entry[] = [
    ...verbatim.map((span) => ({ span })),
    ...near.map((m) => ({ span: m, near: m })),
  ];
  entries.sort(
    (x, y) =>
      x.span.a - y.span.a ||
      x.span.b - y.span.b ||
      Number(x.near !== undefined) - Number(y.near !== undefined) ||
      x.span.aEnd - y.span.aEnd ||
      x.span.bEnd - y.span.bEnd,
  );
  // Verbatim passages by start in A, for the containment lookup.
  const verbatimAt = entries.flatMap((e, index) => (e.near ? [] : [{ span: e.span, index }]));
  return entries.map(({ span, near: m }): Passage => {
    const ra = tokenRange(tokensA, span.a, span.aEnd);
    const rb = tokenRange(tokensB, span.b, span.bEnd);
    const text = a.slice(ra.start, ra.end);
    if (!m) return { kind: 'verbatim', a: ra, b: rb, words: span.aEnd - span.a, text };
    let lo = 0;
    let hi = verbatimAt.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (verbatimAt[mid]!.span.a < m.a) lo = mid + 1;
      else hi = mid;
    }
    const inside: number[] = [];
    for (let k = lo; k < verbatimAt.length && verbatimAt[k]!.span.a < m.aEnd; k++) {
      const v = verbatimAt[k]!.span;
      if (v.aEnd <= m.aEnd && v.b >= m.b && v.bEnd <= m.bEnd) inside.push(verbatimAt[k]!.index);
    }
    return {
      kind: 'near',
      a: ra,
      b: rb,
      words: m.aEnd - m.a,
      wordsB: m.bEnd - m.b,
      text,
      textB: b.slice(rb.start, rb.end),
      similarity: m.similarity,
      diff: diffRanges(m.diff, tokensA, tokensB, ra.start, rb.start),
      verbatim: inside,
    };
  });
}

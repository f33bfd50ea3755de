// Stage 6: compare() runs the pipeline on two texts and assembles a plain, JSON-ready report.

import { alignParagraphs, type PairKind } from '../align.js';
import { NeardupError } from '../errors.js';
import { estimateJaccard, exactJaccard, minhash, standardError } from '../minhash.js';
import { type CompareOptions, type ResolvedCompareOptions, resolveCompareOptions } from '../options.js';
import { findSharedRuns, type WordRun } from '../passages.js';
import { shingle } from '../shingle.js';
import { type Paragraph, type Range, segmentParagraphs, type Tokens, tokenize } from '../text.js';

/** The schema tag of reports this version writes. */
export const REPORT_SCHEMA = 'neardup.report/1';

/** A passage the two texts share. */
export interface Passage {
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

/** A paragraph of A paired with a paragraph of B. */
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

/** One value for each of the two texts compared. */
export interface PerText<T> {
  /** The value for text A. */
  a: T;
  /** The value for text B. */
  b: T;
}

/** The result of {@link compare}: plain data, ready for `JSON.stringify`. */
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
  /** Share of each text's words that lie inside a shared passage, 0..1. */
  coverage: PerText<number>;
  /** Paired paragraphs, in A's order. */
  paragraphs: ParagraphPair[];
  /** Paragraphs of each text left unpaired. */
  unmatched: PerText<Range[]>;
  /** Shared passages, ordered by their start in A, then in B. */
  passages: Passage[];
  /** Notes on limits that applied to this comparison (empty when none did). */
  warnings: string[];
}

/** Word ids in one vocabulary for both texts, so equal words get equal small integers. */
function internWords(a: Tokens, b: Tokens): [Uint32Array, Uint32Array] {
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
  return [ids(a), ids(b)];
}

/** Share of a text's words inside at least one run (runs overlap when a text repeats itself). */
function coverage(wordCount: number, runs: readonly WordRun[], side: 'a' | 'b'): number {
  if (wordCount === 0) return 0;
  const covered = new Uint8Array(wordCount);
  for (const r of runs) covered.fill(1, r[side], r[side] + r.length);
  let n = 0;
  for (const c of covered) n += c;
  return n / wordCount;
}

const rangeOf = (p: Paragraph): Range => ({ start: p.start, end: p.end });

/**
 * Compares two texts: their similarity, every passage they share verbatim (at least `minWords`
 * words, with offsets into both) and how their paragraphs align.
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
 * const report = compare(articleA, articleB);
 * for (const p of report.passages) console.log(p.words, p.text);
 * console.log(report.similarity.estimated, report.coverage.b);
 * ```
 */
export function compare(a: string, b: string, options?: CompareOptions): Report {
  if (typeof a !== 'string' || typeof b !== 'string')
    throw new NeardupError(`compare() takes two strings, got ${typeof a} and ${typeof b}`);
  const opts = resolveCompareOptions(options);
  const tokensA = tokenize(a);
  const tokensB = tokenize(b);
  const [idsA, idsB] = internWords(tokensA, tokensB);

  const shinglesA = shingle(tokensA.hashes, opts.shingleSize);
  const shinglesB = shingle(tokensB.hashes, opts.shingleSize);
  const minhashOptions = { numPerm: opts.numPerm, seed: opts.seed };
  const estimated = estimateJaccard(minhash(shinglesA, minhashOptions), minhash(shinglesB, minhashOptions));

  const paragraphsA = segmentParagraphs(tokensA);
  const paragraphsB = segmentParagraphs(tokensB);
  const alignment = alignParagraphs(
    { paragraphs: paragraphsA, ids: idsA, hashes: tokensA.hashes },
    { paragraphs: paragraphsB, ids: idsB, hashes: tokensB.hashes },
    opts,
  );

  const { runs, skippedSeeds } = findSharedRuns(idsA, idsB, opts.minWords, opts.maxRepeats);
  const passages = runs.map((r): Passage => {
    const start = tokensA.starts[r.a]!;
    const end = tokensA.ends[r.a + r.length - 1]!;
    return {
      kind: 'verbatim',
      a: { start, end },
      b: { start: tokensB.starts[r.b]!, end: tokensB.ends[r.b + r.length - 1]! },
      words: r.length,
      text: a.slice(start, end),
    };
  });

  const warnings: string[] = [];
  if (skippedSeeds > 0)
    warnings.push(
      `${skippedSeeds} word ${opts.minWords}-grams of A repeat more than maxRepeats (${opts.maxRepeats}) times ` +
        'and did not start passages; set maxRepeats higher (or 0 for no limit) to search them',
    );

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
      a: coverage(tokensA.length, runs, 'a'),
      b: coverage(tokensB.length, runs, 'b'),
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

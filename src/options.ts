// Every option of compare() with its default, in one place.

import { NeardupError } from './errors.js';

/**
 * Options for {@link compare}. Every field is optional; {@link defaultCompareOptions} holds the defaults.
 *
 * @example
 * ```ts
 * const options: CompareOptions = { mode: 'verbatim', minWords: 12 }; // long exact runs only
 * const report = compare(a, b, options);
 * ```
 */
export interface CompareOptions {
  /** Words per shingle for signatures and paragraph similarity, an integer in 1..1000. @default 5 */
  shingleSize?: number;
  /** MinHash permutations (signature length), an integer in 1..65535. @default 128 */
  numPerm?: number;
  /** Seed of the MinHash permutations, an integer in 0..2³²−1. @default 1 */
  seed?: number;
  /** Shortest shared run, in words, reported as a passage, an integer ≥ 1. @default 8 */
  minWords?: number;
  /**
   * A word n-gram that occurs more than this many times in either text is not used to start a
   * passage (a guard against quadratic work on degenerate, highly repetitive input; the report's
   * `warnings` say when it applied). It is lowered when pairing every repeat under it would cost
   * more occurrence pairs than 8 per word of the two texts for verbatim runs, 2 for near seeds
   * (at least 100,000): a page that repeats one article fifty times would otherwise pair every
   * copy with every copy. The paragraph map uses it too: a shingle found in more than
   * this many of B's paragraphs left after identical pairing is boilerplate (a "Read more" line
   * under every paragraph) and neither proposes nor scores `near` pairs, and each A paragraph is
   * edit-compared with its 16 best candidates only (see {@link alignParagraphs}).
   * An integer ≥ 0; 0 means no limit (nor these paragraph limits). @default 100
   */
  maxRepeats?: number;
  /** Least shingle Jaccard for two paragraphs to pair as `near`, in 0..1. @default 0.1 */
  paragraphJaccard?: number;
  /** Least word edit similarity that confirms a `near` paragraph pair, in 0..1. @default 0.45 */
  paragraphEditSimilarity?: number;
  /**
   * Which passages to report: `"verbatim"`, exact shared runs only; `"near"`, those and the
   * passages shared with edits (`kind: "near"`, found by {@link findNearPassages}). Only in
   * `"near"` mode does the paragraph map use near passages as evidence, so that an edited
   * paragraph that moved, sharing few exact shingles, is still paired. @default "near"
   */
  mode?: 'verbatim' | 'near';
  /** Near passages: words in an exact seed, an integer ≥ 2. @default 3 */
  nearSeedWords?: number;
  /** Near passages: content words in a loose (order-free) seed, an integer ≥ 2. @default 3 */
  nearLooseWords?: number;
  /** Near passages: most words between two seeds of one passage, an integer ≥ 0. @default 20 */
  nearMaxGap?: number;
  /** Near passages: fewest words on each side covered by seeds, an integer ≥ 1. @default 12 */
  nearMinWords?: number;
  /** Near passages: least share of words covered by seeds (on the sparser side), in 0..1. @default 0.4 */
  nearMinDensity?: number;
  /**
   * Near passages: most words a loose seed spans, from its first content word to its last (an
   * integer ≥ 2; below `nearLooseWords` there are no loose seeds). @default 12
   */
  nearLooseSpan?: number;
  /**
   * Near passages: most words an edge moves out by, on each side, to take in the edited rest of
   * the clause it cuts (never past punctuation into another clause when both sides continue);
   * an integer ≥ 0, 0 keeps passages to their seed evidence. @default 12
   */
  nearSnapWords?: number;
  /** Near passages: least similarity (2 · equal words / all words of both sides), in 0..1. @default 0 */
  nearMinSimilarity?: number;
  /**
   * Stop words for the near passages' seeds: `"en"` ({@link ENGLISH_STOP_WORDS}), `"none"`, or
   * your own list (normalised like the texts). Exact seeds made only of stop words are ignored and
   * loose seeds skip them. @default "en"
   */
  stopWords?: 'en' | 'none' | readonly string[];
}

/**
 * {@link CompareOptions} with every default filled in.
 *
 * @example
 * ```ts
 * const used: ResolvedCompareOptions = compare(a, b, { minWords: 12 }).options;
 * used.minWords; // => 12
 * used.shingleSize; // => 5, the default
 * ```
 */
export type ResolvedCompareOptions = Required<CompareOptions>;

/**
 * The defaults of {@link CompareOptions}.
 *
 * @example
 * ```ts
 * compare(a, b, { minWords: defaultCompareOptions.minWords * 2 });
 * ```
 */
export const defaultCompareOptions: Readonly<ResolvedCompareOptions> = Object.freeze({
  shingleSize: 5,
  numPerm: 128,
  seed: 1,
  minWords: 8,
  maxRepeats: 100,
  paragraphJaccard: 0.1,
  paragraphEditSimilarity: 0.45,
  mode: 'near',
  nearSeedWords: 3,
  nearLooseWords: 3,
  nearMaxGap: 20,
  nearMinWords: 12,
  nearMinDensity: 0.4,
  nearLooseSpan: 12,
  nearSnapWords: 12,
  nearMinSimilarity: 0,
  stopWords: 'en',
});

type Check = (v: unknown) => boolean;
const integerIn =
  (lo: number, hi: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
const fraction: Check = (v) => typeof v === 'number' && v >= 0 && v <= 1;
const rules: Record<keyof ResolvedCompareOptions, [Check, string]> = {
  shingleSize: [integerIn(1, 1000), 'an integer in 1..1000'],
  numPerm: [integerIn(1, 0xffff), 'an integer in 1..65535'],
  seed: [integerIn(0, 0xffffffff), 'an integer in 0..4294967295'],
  minWords: [integerIn(1, Number.MAX_SAFE_INTEGER), 'an integer ≥ 1'],
  maxRepeats: [integerIn(0, Number.MAX_SAFE_INTEGER), 'an integer ≥ 0 (0: no limit)'],
  paragraphJaccard: [fraction, 'a number in 0..1'],
  paragraphEditSimilarity: [fraction, 'a number in 0..1'],
  mode: [(v) => v === 'verbatim' || v === 'near', '"verbatim" or "near"'],
  nearSeedWords: [integerIn(2, 1000), 'an integer in 2..1000'],
  nearLooseWords: [integerIn(2, 1000), 'an integer in 2..1000'],
  nearMaxGap: [integerIn(0, Number.MAX_SAFE_INTEGER), 'an integer ≥ 0'],
  nearMinWords: [integerIn(1, Number.MAX_SAFE_INTEGER), 'an integer ≥ 1'],
  nearMinDensity: [fraction, 'a number in 0..1'],
  nearLooseSpan: [integerIn(2, Number.MAX_SAFE_INTEGER), 'an integer ≥ 2'],
  nearSnapWords: [integerIn(0, Number.MAX_SAFE_INTEGER), 'an integer ≥ 0'],
  nearMinSimilarity: [fraction, 'a number in 0..1'],
  stopWords: [
    (v) => v === 'en' || v === 'none' || (Array.isArray(v) && v.every((w) => typeof w === 'string')),
    '"en", "none" or an array of strings',
  ],
};

/**
 * Merges options over {@link defaultCompareOptions} and checks every value.
 *
 * @throws {@link NeardupError} naming the option and value, for an unknown option or a value out of
 * range, or if `options` is not an object.
 * @example
 * ```ts
 * resolveCompareOptions({ minWords: 12 }).shingleSize; // => 5
 * resolveCompareOptions({ minWord: 12 } as never);     // throws: unknown option "minWord"
 * ```
 */
export function resolveCompareOptions(options: CompareOptions = {}): ResolvedCompareOptions {
  if (options === null || typeof options !== 'object')
    throw new NeardupError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  for (const [name, value] of Object.entries(options)) {
    if (!(name in rules)) throw new NeardupError(`unknown option "${name}"`);
    const [ok, expected] = rules[name as keyof ResolvedCompareOptions];
    if (value !== undefined && !ok(value))
      throw new NeardupError(
        `option "${name}" must be ${expected}, got ${JSON.stringify(value) ?? String(value)}`,
      );
  }
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...defaultCompareOptions, ...defined };
}

// Every option of compare() with its default, in one place.

import { NeardupError } from './errors.js';

/** Options for {@link compare}. Every field is optional; {@link defaultCompareOptions} holds the defaults. */
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
   * `warnings` say when it applied). An integer ≥ 0; 0 means no limit. @default 100
   */
  maxRepeats?: number;
  /** Least shingle Jaccard for two paragraphs to pair as `near`, in 0..1. @default 0.1 */
  paragraphJaccard?: number;
  /** Least word edit similarity that confirms a `near` paragraph pair, in 0..1. @default 0.45 */
  paragraphEditSimilarity?: number;
}

/** {@link CompareOptions} with every default filled in. */
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
});

type Check = (v: number) => boolean;
const integerIn =
  (lo: number, hi: number): Check =>
  (v) =>
    Number.isInteger(v) && v >= lo && v <= hi;
const rules: Record<keyof ResolvedCompareOptions, [Check, string]> = {
  shingleSize: [integerIn(1, 1000), 'an integer in 1..1000'],
  numPerm: [integerIn(1, 0xffff), 'an integer in 1..65535'],
  seed: [integerIn(0, 0xffffffff), 'an integer in 0..4294967295'],
  minWords: [integerIn(1, Number.MAX_SAFE_INTEGER), 'an integer ≥ 1'],
  maxRepeats: [integerIn(0, Number.MAX_SAFE_INTEGER), 'an integer ≥ 0 (0: no limit)'],
  paragraphJaccard: [(v) => v >= 0 && v <= 1, 'a number in 0..1'],
  paragraphEditSimilarity: [(v) => v >= 0 && v <= 1, 'a number in 0..1'],
};

/**
 * Merges options over {@link defaultCompareOptions} and checks every value.
 *
 * @throws {@link NeardupError} naming the option and value, for an unknown option or a value out of range.
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
    if (value !== undefined && (typeof value !== 'number' || !ok(value)))
      throw new NeardupError(
        `option "${name}" must be ${expected}, got ${JSON.stringify(value) ?? String(value)}`,
      );
  }
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...defaultCompareOptions, ...defined };
}

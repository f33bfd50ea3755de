// Stage 2: word k-shingles, each hashed to 32 bits. Shingle i covers tokens [i, i + k), so its
// token span is implicit in its index and no object is made per shingle.

import { NeardupError } from './errors.js';
import { hashRange } from './hash.js';
import type { Range } from './text.js';

/** The hashed word k-shingles of a text. */
export interface Shingles {
  /** Words per shingle. */
  readonly k: number;
  /**
   * `hashes[i]` is the hash of words `[i, i + k)`. A text with fewer than `k` words (but at
   * least one) has a single shingle covering all of its words; a text without words has none.
   */
  readonly hashes: Uint32Array;
}

/** Default number of words per shingle. */
export const DEFAULT_SHINGLE_SIZE = 5;

/**
 * Hashes every run of `k` consecutive words (word k-shingles) of a token sequence.
 *
 * @param wordHashes - one hash per word, such as {@link Tokens.hashes}.
 * @param k - words per shingle, an integer ≥ 1 (default 5).
 * @throws if `k` is not a positive integer.
 * @example
 * ```ts
 * const s = shingle(tokenize('the quick brown fox jumps over').hashes, 3);
 * s.hashes.length; // 4: "the quick brown", "quick brown fox", …
 * ```
 */
export function shingle(wordHashes: Uint32Array, k: number = DEFAULT_SHINGLE_SIZE): Shingles {
  if (!Number.isInteger(k) || k < 1) throw new NeardupError(`shingle size must be an integer ≥ 1, got ${k}`);
  const n = wordHashes.length;
  if (n === 0) return { k, hashes: new Uint32Array(0) };
  if (n < k) return { k, hashes: Uint32Array.of(hashRange(wordHashes, 0, n)) };
  const hashes = new Uint32Array(n - k + 1);
  for (let i = 0; i < hashes.length; i++) hashes[i] = hashRange(wordHashes, i, i + k);
  return { k, hashes };
}

/**
 * The token span `[start, end)` covered by shingle `index` of a text with `wordCount` words.
 *
 * @example
 * ```ts
 * shingleSpan(2, 5, 100); // => { start: 2, end: 7 }
 * ```
 */
export function shingleSpan(index: number, k: number, wordCount: number): Range {
  return { start: index, end: Math.min(index + k, wordCount) };
}

/**
 * The distinct values of a hash array, sorted ascending (a shingle set).
 *
 * @example
 * ```ts
 * uniqueSorted(Uint32Array.of(5, 1, 5)); // => Uint32Array [1, 5]
 * ```
 */
export function uniqueSorted(hashes: Uint32Array): Uint32Array {
  const sorted = hashes.slice().sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i]!;
  return sorted.subarray(0, n);
}

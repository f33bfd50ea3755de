// Stage 2: word k-shingles, each hashed to 32 bits. Shingle i covers tokens [i, i + k), so its
// token span is implicit in its index and no object is made per shingle.

import { NeardupError } from './errors.js';
import { hashRange } from './hash.js';
import type { Range } from './text.js';

/**
 * The hashed word k-shingles of a text.
 *
 * @example
 * ```ts
 * const s: Shingles = shingle(tokenize('the quick brown fox jumps over').hashes, 3);
 * s.k; // => 3
 * s.hashes.length; // => 4: words 0–2, 1–3, 2–4 and 3–5
 * ```
 */
export interface Shingles {
  /** Words per shingle. */
  readonly k: number;
  /**
   * `hashes[i]` is the hash of words `[i, i + k)`. A text with fewer than `k` words (but at
   * least one) has a single shingle covering all of its words; a text without words has none.
   */
  readonly hashes: Uint32Array;
}

/**
 * Default number of words per shingle.
 *
 * @example
 * ```ts
 * shingle(tokenize(text).hashes).k === DEFAULT_SHINGLE_SIZE; // => true
 * signature(text).shingleSize; // => 5
 * ```
 */
export const DEFAULT_SHINGLE_SIZE = 5;

/**
 * Hashes every run of `k` consecutive words (word k-shingles) of a token sequence.
 *
 * @param wordHashes - one hash per word, such as {@link Tokens.hashes}.
 * @param k - words per shingle, an integer ≥ 1 (default 5).
 * @throws {@link NeardupError} if `k` is not a positive integer.
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
  const sorted = hashes.length >= RADIX_MIN ? radixSorted(hashes) : hashes.slice().sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i]!;
  return sorted.subarray(0, n);
}

// From this many values on, a two-pass radix sort (16 bits a pass, linear time) beats the
// built-in typed-array sort (3x at 158k values, a 1 MB text's shingles); below it, the fixed cost
// of its 2 × 65,536 counters does not pay.
const RADIX_MIN = 16384;

/** A sorted copy of `values`: least significant 16 bits first, then the most significant 16. */
function radixSorted(values: Uint32Array): Uint32Array {
  const n = values.length;
  const low = new Uint32Array(65536);
  const high = new Uint32Array(65536);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    low[v & 0xffff]!++;
    high[v >>> 16]!++;
  }
  let lowSum = 0;
  let highSum = 0;
  for (let k = 0; k < 65536; k++) {
    const l = low[k]!;
    low[k] = lowSum;
    lowSum += l;
    const h = high[k]!;
    high[k] = highSum;
    highSum += h;
  }
  const byLow = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    byLow[low[v & 0xffff]!++] = v;
  }
  const sorted = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = byLow[i]!;
    sorted[high[v >>> 16]!++] = v;
  }
  return sorted;
}

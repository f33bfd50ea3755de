import { type MinHashOptions, minhash, type Signature } from './minhash.js';
import { DEFAULT_SHINGLE_SIZE, shingle } from './shingle.js';
import { tokenize } from './text.js';

/**
 * Options for {@link signature}: the MinHash options plus the shingle size.
 *
 * @example
 * ```ts
 * const options: SignatureOptions = { shingleSize: 3, numPerm: 256 }; // short texts, finer estimates
 * estimateJaccard(signature(a, options), signature(b, options));
 * ```
 */
export interface SignatureOptions extends MinHashOptions {
  /** Words per shingle. @default 5 */
  shingleSize?: number;
}

/**
 * The MinHash signature of a text: {@link tokenize}, {@link shingle}, then {@link minhash}.
 * Deterministic: the same text and options give the same signature in any process.
 *
 * @throws {@link NeardupError} if `numPerm` is not an integer in 1..65535, `seed` not one in
 * 0..4294967295, or `shingleSize` not one ≥ 1.
 * @throws `TypeError` if `text` is not a string.
 * @example
 * ```ts
 * const j = estimateJaccard(signature(a), signature(b));
 * ```
 */
export function signature(text: string, options: SignatureOptions = {}): Signature {
  return minhash(shingle(tokenize(text).hashes, options.shingleSize ?? DEFAULT_SHINGLE_SIZE), options);
}

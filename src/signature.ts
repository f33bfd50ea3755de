import { type MinHashOptions, minhash, type Signature } from './minhash.js';
import { DEFAULT_SHINGLE_SIZE, shingle } from './shingle.js';
import { tokenize } from './text.js';

/** Options for {@link signature}: the MinHash options plus the shingle size. */
export interface SignatureOptions extends MinHashOptions {
  /** Words per shingle. @default 5 */
  shingleSize?: number;
}

/**
 * The MinHash signature of a text: {@link tokenize}, {@link shingle}, then {@link minhash}.
 * Deterministic: the same text and options give the same signature in any process.
 *
 * @example
 * ```ts
 * const j = estimateJaccard(signature(articleA), signature(articleB));
 * ```
 */
export function signature(text: string, options: SignatureOptions = {}): Signature {
  return minhash(shingle(tokenize(text).hashes, options.shingleSize ?? DEFAULT_SHINGLE_SIZE), options);
}

// minhash() against a line-by-line reference of its definition: for permutation p, the minimum
// over the shingles of fmix32(x ⊕ salt_p), salts drawn in order from splitmix32(seed). The fast
// loop (blocks of eight permutations, pre-mixed inputs, sign-flipped comparisons) must give the
// same values for every numPerm, including those that are not multiples of eight.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fmix32, splitmix32 } from '../src/hash.js';
import { minhash } from '../src/index.js';
import { fcParams } from './generators.js';

function reference(hashes: Uint32Array, numPerm: number, seed: number): Uint32Array {
  const next = splitmix32(seed);
  const salts = Array.from({ length: numPerm }, () => next());
  return Uint32Array.from(salts, (salt) => {
    let min = 0xffffffff;
    for (const x of hashes) min = Math.min(min, fmix32((x ^ salt) >>> 0));
    return min;
  });
}

describe('minhash() equals its definition', () => {
  it('for any shingle hashes, numPerm and seed', () => {
    fc.assert(
      fc.property(
        fc.uint32Array({ maxLength: 60 }),
        fc.integer({ min: 1, max: 70 }),
        fc.nat({ max: 0xffffffff }),
        (values, numPerm, seed) => {
          const hashes = Uint32Array.from(values);
          expect(minhash({ k: 5, hashes }, { numPerm, seed }).values).toEqual(
            reference(hashes, numPerm, seed),
          );
        },
      ),
      fcParams(300),
    );
  });

  it('at the extremes of the 32-bit range, where signed and unsigned order differ', () => {
    const hashes = Uint32Array.of(0, 1, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff);
    for (const numPerm of [1, 7, 8, 9, 16, 128, 131])
      expect(minhash({ k: 5, hashes }, { numPerm, seed: 3 }).values).toEqual(reference(hashes, numPerm, 3));
  });
});

// uniqueSorted() sorts small arrays with the built-in sort and large ones (≥ 16,384 values) with a
// radix sort: both must give the distinct values in ascending unsigned order.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uniqueSorted } from '../src/index.js';
import { fcParams } from './generators.js';
import { rng } from './text-generators.js';

const reference = (values: Uint32Array) => Uint32Array.from(new Set(values)).sort();

/** `length` values from `seed`: a share of repeats, and values at the ends of the 32-bit range. */
function values(length: number, seed: number, distinct: number): Uint32Array {
  const next = rng(seed);
  const pool = Uint32Array.from({ length: distinct }, () => Math.floor(next() * 2 ** 32));
  pool.set([0, 1, 0x7fffffff, 0x80000000, 0xffff, 0x10000, 0xffffffff].slice(0, distinct));
  return Uint32Array.from({ length }, () => pool[Math.floor(next() * distinct)]!);
}

describe('uniqueSorted', () => {
  it('small and large arrays, few or many distinct values, against Set + sort', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 100, 16383, 16384, 16385, 50_000),
        fc.integer({ min: 1, max: 60_000 }),
        fc.nat(),
        (length, distinct, seed) => {
          const input = values(length, seed, distinct);
          const copy = input.slice();
          expect(uniqueSorted(input)).toEqual(reference(input));
          expect(input).toEqual(copy); // the input is left as it was
        },
      ),
      fcParams(40),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  collisionProbability,
  falseNegativeArea,
  falsePositiveArea,
  NeardupError,
  optimalBandsRows,
  resolveBandsRows,
} from '../src/index.js';
import { fcParams } from './generators.js';

// Exact error areas for rational t = p/q, by expanding (1 − sʳ)ᵇ with the binomial theorem:
//   S(t) = ∫₀ᵗ (1 − sʳ)ᵇ ds = Σₖ C(b,k) (−1)ᵏ t^(rk+1) / (rk+1)
// so ∫₀ᵗ P = t − S(t) and ∫ₜ¹ (1 − P) = S(1) − S(t). The alternating sum cancels badly in floating
// point, so it is computed in BigInt fixed point with 90 decimals (the binomials reach 10³⁸).
const SCALE = 10n ** 90n;

function binomials(b: number): bigint[] {
  const c = [1n];
  for (let k = 1; k <= b; k++) c.push((c[k - 1]! * BigInt(b - k + 1)) / BigInt(k));
  return c;
}

function exactAreas(p: number, q: number, b: number, r: number): { fp: number; fn: number } {
  const c = binomials(b);
  let sT = 0n;
  let s1 = 0n;
  const P = BigInt(p);
  const Q = BigInt(q);
  for (let k = 0; k <= b; k++) {
    const n = r * k + 1;
    const sign = k % 2 === 0 ? 1n : -1n;
    sT += (sign * c[k]! * SCALE * P ** BigInt(n)) / (Q ** BigInt(n) * BigInt(n));
    s1 += (sign * c[k]! * SCALE) / BigInt(n);
  }
  const t = (SCALE * P) / Q;
  return { fp: Number(t - sT) / 1e90, fn: Number(s1 - sT) / 1e90 };
}

const THRESHOLDS: [number, number, number][] = [
  [0.5, 1, 2],
  [0.8, 4, 5],
  [0.9, 9, 10],
];

describe('error areas of the S-curve', () => {
  it('match the closed form for one row per band: ∫ₜ¹ (1 − s)ᵇ ds = (1 − t)^(b+1) / (b + 1)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 128 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (b, t) => {
          const fn = (1 - t) ** (b + 1) / (b + 1);
          const fp = t - (1 - (1 - t) ** (b + 1)) / (b + 1);
          expect(Math.abs(falseNegativeArea(t, b, 1) - fn)).toBeLessThan(1e-13);
          expect(Math.abs(falsePositiveArea(t, b, 1) - fp)).toBeLessThan(1e-13);
        },
      ),
      fcParams(200),
    );
  });

  it('match the closed form for one band: ∫₀ᵗ sʳ ds = t^(r+1) / (r + 1)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 128 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (r, t) => {
          const fp = t ** (r + 1) / (r + 1);
          const fn = 1 - t - (1 - t ** (r + 1)) / (r + 1);
          expect(Math.abs(falsePositiveArea(t, 1, r) - fp)).toBeLessThan(1e-13);
          expect(Math.abs(falseNegativeArea(t, 1, r) - fn)).toBeLessThan(1e-13);
        },
      ),
      fcParams(200),
    );
  });

  it.each(THRESHOLDS)(
    'match the exact binomial expansion for every banding of 128 permutations at t = %s',
    (t, p, q) => {
      let worst = 0;
      for (let b = 1; b <= 128; b++)
        for (let r = 1; b * r <= 128; r++) {
          const exact = exactAreas(p, q, b, r);
          worst = Math.max(
            worst,
            Math.abs(falsePositiveArea(t, b, r) - exact.fp),
            Math.abs(falseNegativeArea(t, b, r) - exact.fn),
          );
        }
      expect(worst).toBeLessThan(1e-12);
    },
  );

  it('add up: ∫₀ᵗ P + (1 − t) − ∫ₜ¹ (1 − P) = ∫₀¹ P, whatever t', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (b, r, t1, t2) => {
          const whole = (t: number) => falsePositiveArea(t, b, r) + (1 - t) - falseNegativeArea(t, b, r);
          expect(Math.abs(whole(t1) - whole(t2))).toBeLessThan(1e-12);
        },
      ),
      fcParams(100),
    );
  });

  it('S-curve: a probability, rising with similarity, 0 at 0 and 1 at 1', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 64 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (b, r, x, y) => {
          const [lo, hi] = x < y ? [x, y] : [y, x];
          const pl = collisionProbability(lo, b, r);
          const ph = collisionProbability(hi, b, r);
          expect(pl).toBeGreaterThanOrEqual(0);
          expect(ph).toBeLessThanOrEqual(1);
          expect(pl).toBeLessThanOrEqual(ph);
        },
      ),
      fcParams(200),
    );
    expect(collisionProbability(0, 9, 13)).toBe(0);
    expect(collisionProbability(1, 9, 13)).toBe(1);
    // Two sets at J = 0.8 agree on a 13-row band with probability 0.8¹³; 9 bands give them 9 tries.
    expect(collisionProbability(0.8, 9, 13)).toBeCloseTo(1 - (1 - 0.8 ** 13) ** 9, 15);
  });
});

describe('optimalBandsRows', () => {
  // datasketch's choices, from running its MinHashLSH._optimal_param (scipy quad integration)
  // at these settings; its docs quote the first: MinHashLSH(threshold=0.9, num_perm=128) → 5, 25.
  it.each([
    [0.9, 128, 0.5, 5, 25],
    [0.8, 128, 0.5, 9, 13],
    [0.5, 128, 0.5, 25, 5],
    [0.7, 128, 0.5, 14, 9],
    [0.3, 128, 0.5, 37, 3],
    [0.8, 256, 0.5, 17, 15],
    [0.9, 256, 0.5, 9, 28],
    [0.8, 64, 0.5, 5, 11],
    [0.8, 128, 0.3, 11, 11],
  ])(
    'threshold %s, %s permutations, false-positive weight %s: %s bands × %s rows, as datasketch',
    (t, n, w, b, r) => {
      const best = optimalBandsRows(t, n, { falsePositive: w, falseNegative: 1 - w });
      expect([best.bands, best.rows]).toEqual([b, r]);
    },
  );

  it.each(THRESHOLDS)(
    'is the minimum of the exact 0.5/0.5 error over every banding of 128 (t = %s)',
    (t, p, q) => {
      let best = { error: Number.POSITIVE_INFINITY, b: 0, r: 0 };
      for (let b = 1; b <= 128; b++)
        for (let r = 1; b * r <= 128; r++) {
          const { fp, fn } = exactAreas(p, q, b, r);
          const error = 0.5 * fp + 0.5 * fn;
          if (error < best.error) best = { error, b, r };
        }
      const chosen = optimalBandsRows(t, 128, { falsePositive: 0.5, falseNegative: 0.5 });
      expect([chosen.bands, chosen.rows]).toEqual([best.b, best.r]);
    },
  );

  it('never loses to another banding, and bands × rows ≤ numPerm', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 96 }),
        fc.double({ min: 0.05, max: 0.99, noNaN: true }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.integer({ min: 1, max: 96 }),
        fc.integer({ min: 1, max: 96 }),
        (numPerm, t, w, b, r) => {
          fc.pre(b * r <= numPerm);
          const weights = { falsePositive: w, falseNegative: 1 - w };
          const best = optimalBandsRows(t, numPerm, weights);
          expect(best.bands * best.rows).toBeLessThanOrEqual(numPerm);
          const cost = (fp: number, fn: number) => w * fp + (1 - w) * fn;
          const other = cost(falsePositiveArea(t, b, r), falseNegativeArea(t, b, r));
          expect(cost(best.falsePositive, best.falseNegative)).toBeLessThanOrEqual(other + 1e-12);
        },
      ),
      fcParams(60),
    );
  });

  it('trades false positives for false negatives as their weight moves (FP − FN falls as the FP weight rises)', () => {
    // For minimisers x₁, x₂ of weights w₁ < w₂, adding their two optimality inequalities gives
    // (FP − FN)(x₁) ≥ (FP − FN)(x₂).
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 96 }),
        fc.double({ min: 0.1, max: 0.95, noNaN: true }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        (numPerm, t, x, y) => {
          const [w1, w2] = x < y ? [x, y] : [y, x];
          const a = optimalBandsRows(t, numPerm, { falsePositive: w1, falseNegative: 1 - w1 });
          const b = optimalBandsRows(t, numPerm, { falsePositive: w2, falseNegative: 1 - w2 });
          expect(a.falsePositive - a.falseNegative).toBeGreaterThanOrEqual(
            b.falsePositive - b.falseNegative - 1e-12,
          );
        },
      ),
      fcParams(40),
    );
  });

  it('rejects bad thresholds, numPerm and weights, naming the value', () => {
    expect(() => optimalBandsRows(0, 128)).toThrow('threshold must be a number in (0, 1], got 0');
    expect(() => optimalBandsRows(1.5, 128)).toThrow('got 1.5');
    expect(() => optimalBandsRows(Number.NaN, 128)).toThrow('got NaN');
    expect(() => optimalBandsRows(0.8, 0)).toThrow('numPerm must be an integer in 1..65535, got 0');
    expect(() => optimalBandsRows(0.8, 128, { falsePositive: -1, falseNegative: 1 })).toThrow(
      'falsePositive -1, falseNegative 1',
    );
    expect(() => optimalBandsRows(0.8, 128, { falsePositive: 0, falseNegative: 0 })).toThrow(NeardupError);
  });

  it('takes only the ratio of the weights', () => {
    const a = optimalBandsRows(0.75, 128, { falsePositive: 1, falseNegative: 3 });
    const b = optimalBandsRows(0.75, 128, { falsePositive: 0.25, falseNegative: 0.75 });
    expect([a.bands, a.rows]).toEqual([b.bands, b.rows]);
  });
});

describe('resolveBandsRows', () => {
  it('chooses from the threshold by default, or takes explicit bands and rows', () => {
    // The default weights favour recall (0.1/0.9); datasketch's 0.5/0.5 gives 5 × 25 and 9 × 13.
    expect(resolveBandsRows({ threshold: 0.9 })).toEqual({ bands: 8, rows: 16 });
    expect(resolveBandsRows()).toEqual({ bands: 14, rows: 9 }); // threshold 0.8, 128 permutations
    expect(resolveBandsRows({ threshold: 0.9, weights: { falsePositive: 0.5, falseNegative: 0.5 } })).toEqual(
      {
        bands: 5,
        rows: 25,
      },
    );
    expect(resolveBandsRows({ numPerm: 128, bands: 16, rows: 8 })).toEqual({ bands: 16, rows: 8 });
    expect(resolveBandsRows({ numPerm: 128, bands: 128, rows: 1 })).toEqual({ bands: 128, rows: 1 });
  });

  it('explains a banding that does not fit, with the numbers', () => {
    expect(() => resolveBandsRows({ numPerm: 128, bands: 20, rows: 8 })).toThrow(
      'neardup: bands × rows = 20 × 8 = 160 must be ≤ numPerm 128',
    );
    expect(() => resolveBandsRows({ numPerm: 128, bands: 20, rows: 8 })).toThrow(
      'did you mean numPerm 160 or more?',
    );
    expect(() => resolveBandsRows({ bands: 16 })).toThrow(
      'give both bands and rows or neither (got bands 16, rows undefined)',
    );
    expect(() => resolveBandsRows({ bands: 0, rows: 8 })).toThrow('bands must be an integer ≥ 1, got 0');
    expect(() => resolveBandsRows({ bands: 4, rows: 2.5 })).toThrow('rows must be an integer ≥ 1, got 2.5');
    expect(() => resolveBandsRows({ bands: 4, rows: 4, threshold: 2 })).toThrow('threshold must be');
  });
});

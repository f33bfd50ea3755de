// Choosing LSH bands and rows for a Jaccard threshold.
//
// Banding splits a signature into b bands of r rows; two sets become candidates when all r rows
// of at least one band agree. For Jaccard s that happens with probability P(s) = 1 − (1 − sʳ)ᵇ,
// an S-curve whose steep part sits near (1/b)^(1/r). Like datasketch's `_optimal_param`, we pick
// the (b, r) with b·r ≤ numPerm that minimises the weighted area of the two error regions:
// false positives ∫₀ᵗ P(s) ds and false negatives ∫ₜ¹ (1 − P(s)) ds. Unlike datasketch, the
// default weights favour recall (see DEFAULT_WEIGHTS).

import { NeardupError } from '../errors.js';

/**
 * Default Jaccard threshold of an LSH index (also the CLI's `--threshold`).
 *
 * @example
 * ```ts
 * new MinHashLSH().threshold === DEFAULT_THRESHOLD; // => true
 * optimalBandsRows(DEFAULT_THRESHOLD, 128); // => 14 bands × 9 rows, what such an index uses
 * ```
 */
export const DEFAULT_THRESHOLD = 0.8;

/**
 * Relative weights of the two error kinds when {@link optimalBandsRows} chooses bands and rows.
 * Only their ratio matters. Favour `falseNegative` to miss fewer near-duplicates (at the cost
 * of more candidates to verify), `falsePositive` for fewer candidates.
 *
 * @example
 * ```ts
 * const datasketch: LSHWeights = { falsePositive: 0.5, falseNegative: 0.5 };
 * const lsh = new MinHashLSH({ threshold: 0.8, weights: datasketch }); // 9 bands × 13 rows
 * ```
 */
export interface LSHWeights {
  /** Weight of the false-positive area ∫₀ᵗ P(s) ds, ≥ 0. @default 0.1 */
  readonly falsePositive: number;
  /** Weight of the false-negative area ∫ₜ¹ (1 − P(s)) ds, ≥ 0. @default 0.9 */
  readonly falseNegative: number;
}

/**
 * The default {@link LSHWeights}: a missed pair counts nine times a spurious candidate.
 *
 * datasketch weighs both 0.5 (pass `{ falsePositive: 0.5, falseNegative: 0.5 }` to get its
 * choices). neardup favours recall because every candidate is verified against the whole
 * signature: a false positive costs one comparison, a false negative is a duplicate never found.
 * At threshold 0.8 and 128 permutations, 0.5/0.5 gives 9 bands × 13 rows, which finds only 69%
 * of pairs at Jaccard 0.85; 0.1/0.9 gives 14 × 9, which finds 97.5% of them (and 44% of pairs
 * at 0.7, 13% at 0.6, as candidates that the check then drops).
 *
 * @example
 * ```ts
 * optimalBandsRows(0.8, 128, DEFAULT_WEIGHTS); // the same as optimalBandsRows(0.8, 128): 14 × 9
 * const recallFirst = { ...DEFAULT_WEIGHTS, falsePositive: 0.05 }; // miss even fewer pairs
 * ```
 */
export const DEFAULT_WEIGHTS: Readonly<LSHWeights> = Object.freeze({
  falsePositive: 0.1,
  falseNegative: 0.9,
});

/**
 * A banding of MinHash signatures: `bands` bands of `rows` values each (`bands × rows ≤ numPerm`).
 *
 * @example
 * ```ts
 * const { bands, rows }: BandsRows = resolveBandsRows({ threshold: 0.9 }); // 8 × 16
 * collisionProbability(0.9, bands, rows); // chance that a pair at Jaccard 0.9 becomes a candidate
 * ```
 */
export interface BandsRows {
  /** Number of bands (hash tables), an integer ≥ 1. */
  readonly bands: number;
  /** Signature values per band, an integer ≥ 1. */
  readonly rows: number;
}

/**
 * A banding chosen by {@link optimalBandsRows}, with its error areas at the threshold.
 *
 * @example
 * ```ts
 * const best: OptimalBandsRows = optimalBandsRows(0.8, 256);
 * // => { bands: 23, rows: 11, falsePositive: 0.0865, falseNegative: 0.0031 }
 * ```
 */
export interface OptimalBandsRows extends BandsRows {
  /** ∫₀ᵗ P(s) ds: the false-positive area below the threshold t. */
  readonly falsePositive: number;
  /** ∫ₜ¹ (1 − P(s)) ds: the false-negative area above the threshold t. */
  readonly falseNegative: number;
}

/**
 * The LSH S-curve: the probability that two sets with Jaccard similarity `s` share at least one
 * band, P(s) = 1 − (1 − sʳ)ᵇ, i.e. that they become candidates of each other.
 *
 * @example
 * ```ts
 * collisionProbability(0.7, 14, 9); // => 0.44: pairs at J = 0.7 become candidates 44% of the time,
 * collisionProbability(0.85, 14, 9); // => 0.975: at J = 0.85, 97.5%
 * ```
 */
export function collisionProbability(s: number, bands: number, rows: number): number {
  return 1 - (1 - s ** rows) ** bands;
}

// Gauss–Kronrod 7/15 nodes and weights on [−1, 1] (QUADPACK's qk15): the 15-point Kronrod
// rule integrates polynomials up to degree 22 exactly, and its gap to the embedded 7-point Gauss
// rule estimates the error, so smooth panels finish in one step and steep ones get split.
const XK = [
  0.9914553711208126, 0.9491079123427585, 0.8648644233597691, 0.7415311855993945, 0.5860872354676911,
  0.4058451513773972, 0.20778495500789848, 0,
];
const WK = [
  0.022935322010529224, 0.06309209262997856, 0.10479001032225019, 0.14065325971552592, 0.1690047266392679,
  0.19035057806478542, 0.20443294007529889, 0.20948214108472782,
];
const WG = [0.1294849661688697, 0.27970539148927664, 0.3818300505051189, 0.4179591836734694];

/**
 * Integral of `f` over [a, b] by adaptive Gauss–Kronrod (7/15), started on `panels` equal
 * panels so a steep step of the S-curve cannot hide between the first samples. `eps` is the
 * absolute error target for the whole interval.
 */
function integrate(f: (x: number) => number, a: number, b: number, eps: number, panels: number): number {
  if (b <= a) return 0;
  const h = (b - a) / panels;
  let sum = 0;
  for (let i = 0; i < panels; i++)
    sum += kronrod(f, a + i * h, i === panels - 1 ? b : a + (i + 1) * h, eps / panels, 30);
  return sum;
}

function kronrod(f: (x: number) => number, a: number, b: number, eps: number, depth: number): number {
  const half = (b - a) / 2;
  const mid = (a + b) / 2;
  const fc = f(mid);
  let k = WK[7]! * fc;
  let g = WG[3]! * fc;
  for (let i = 0; i < 7; i++) {
    const dx = half * XK[i]!;
    const pair = f(mid - dx) + f(mid + dx);
    k += WK[i]! * pair;
    if (i % 2 === 1) g += WG[(i - 1) / 2]! * pair;
  }
  k *= half;
  g *= half;
  if (depth <= 0 || Math.abs(k - g) <= eps) return k;
  return kronrod(f, a, mid, eps / 2, depth - 1) + kronrod(f, mid, b, eps / 2, depth - 1);
}

// Absolute accuracy of the error areas: far below the gaps between competing (b, r) choices
// (the closest at 128 permutations, threshold 0.9, differ by 2·10⁻⁷).
const EPS = 1e-13;
const PANELS = 8;

/**
 * The false-positive area ∫₀ᵗ P(s) ds of a banding at threshold `t`: how much of the S-curve
 * lies below the threshold, where a candidate is unwanted. Numerical (adaptive Gauss–Kronrod,
 * absolute error below 10⁻¹²).
 *
 * @example
 * ```ts
 * falsePositiveArea(0.8, 14, 9); // => 0.1007
 * ```
 */
export function falsePositiveArea(threshold: number, bands: number, rows: number): number {
  return integrate((s) => 1 - (1 - s ** rows) ** bands, 0, threshold, EPS, PANELS);
}

/**
 * The false-negative area ∫ₜ¹ (1 − P(s)) ds of a banding at threshold `t`: how much of the
 * S-curve's complement lies above the threshold, where a missed pair is unwanted.
 *
 * @example
 * ```ts
 * falseNegativeArea(0.8, 14, 9); // => 0.0039
 * ```
 */
export function falseNegativeArea(threshold: number, bands: number, rows: number): number {
  return integrate((s) => (1 - s ** rows) ** bands, threshold, 1, EPS, PANELS);
}

function checkThreshold(threshold: number): void {
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1))
    throw new NeardupError(`threshold must be a number in (0, 1], got ${threshold}`);
}

function checkNumPerm(numPerm: number): void {
  if (!Number.isInteger(numPerm) || numPerm < 1 || numPerm > 0xffff)
    throw new NeardupError(`numPerm must be an integer in 1..65535, got ${numPerm}`);
}

function checkWeights(weights: LSHWeights): void {
  const { falsePositive: fp, falseNegative: fn } = weights;
  if (!(Number.isFinite(fp) && fp >= 0 && Number.isFinite(fn) && fn >= 0) || fp + fn === 0)
    throw new NeardupError(
      `weights must be finite numbers ≥ 0, not both 0, got falsePositive ${fp}, falseNegative ${fn}`,
    );
}

const optimalCache = new Map<string, OptimalBandsRows>();

/**
 * Chooses bands and rows for a Jaccard `threshold` and `numPerm` permutations: of every (b, r)
 * with b·r ≤ numPerm, the one minimising `weights.falsePositive × ∫₀ᵗ P + weights.falseNegative
 * × ∫ₜ¹ (1 − P)` (see {@link collisionProbability}), scanning b then r upwards and keeping the
 * first minimum, exactly as datasketch's `MinHashLSH` does (its weights are 0.5/0.5; neardup's
 * default, {@link DEFAULT_WEIGHTS}, favours recall). The result is cached; at 128 permutations
 * the search takes about 20 ms.
 *
 * @throws {@link NeardupError} if the threshold is not in (0, 1], numPerm not in 1..65535, or
 * the weights are negative or both 0.
 * @example
 * ```ts
 * optimalBandsRows(0.8, 128); // => { bands: 14, rows: 9, falsePositive: …, falseNegative: … }
 * optimalBandsRows(0.8, 128, { falsePositive: 0.5, falseNegative: 0.5 }); // => bands 9, rows 13 (datasketch's)
 * ```
 */
export function optimalBandsRows(
  threshold: number,
  numPerm: number,
  weights: LSHWeights = DEFAULT_WEIGHTS,
): OptimalBandsRows {
  checkThreshold(threshold);
  checkNumPerm(numPerm);
  checkWeights(weights);
  const cacheKey = `${threshold}:${numPerm}:${weights.falsePositive}:${weights.falseNegative}`;
  const cached = optimalCache.get(cacheKey);
  if (cached) return cached;
  let best: OptimalBandsRows = { bands: 1, rows: 1, falsePositive: 0, falseNegative: 0 };
  let bestError = Number.POSITIVE_INFINITY;
  for (let b = 1; b <= numPerm; b++) {
    const maxRows = Math.floor(numPerm / b);
    for (let r = 1; r <= maxRows; r++) {
      const fp = falsePositiveArea(threshold, b, r);
      const fn = falseNegativeArea(threshold, b, r);
      const error = fp * weights.falsePositive + fn * weights.falseNegative;
      if (error < bestError) {
        bestError = error;
        best = { bands: b, rows: r, falsePositive: fp, falseNegative: fn };
      }
    }
  }
  optimalCache.set(cacheKey, best);
  return best;
}

/**
 * Options of {@link resolveBandsRows}.
 *
 * @example
 * ```ts
 * const options: BandsRowsOptions = { numPerm: 256, threshold: 0.7 };
 * resolveBandsRows(options); // the optimal banding for them
 * resolveBandsRows({ ...options, bands: 32, rows: 8 }); // => { bands: 32, rows: 8 }, checked
 * ```
 */
export interface BandsRowsOptions {
  /** Jaccard threshold in (0, 1]. @default 0.8 */
  threshold?: number;
  /** Signature length. @default 128 */
  numPerm?: number;
  /** Weights of the error kinds for the automatic choice. @default {@link DEFAULT_WEIGHTS} (0.1, 0.9) */
  weights?: LSHWeights;
  /**
   * Number of bands; give it with `rows` to skip the automatic choice.
   * @default chosen with `rows` by {@link optimalBandsRows} for the threshold, numPerm and weights
   */
  bands?: number;
  /**
   * Rows per band; give it with `bands` to skip the automatic choice.
   * @default chosen with `bands` by {@link optimalBandsRows} for the threshold, numPerm and weights
   */
  rows?: number;
}

/**
 * The banding an index will use: the explicit `bands` and `rows` when given (validated), else
 * {@link optimalBandsRows} for the threshold, numPerm and weights.
 *
 * @throws {@link NeardupError} with the numbers when only one of bands/rows is given, either is
 * not a positive integer, or bands × rows exceeds numPerm; also for a threshold, numPerm or
 * weights that {@link optimalBandsRows} rejects.
 * @example
 * ```ts
 * resolveBandsRows({ threshold: 0.9 }); // => { bands: 8, rows: 16 }
 * resolveBandsRows({ numPerm: 128, bands: 16, rows: 8 }); // => { bands: 16, rows: 8 }
 * resolveBandsRows({ numPerm: 128, bands: 20, rows: 8 }); // throws: bands × rows = 160 must be ≤ numPerm 128 …
 * ```
 */
export function resolveBandsRows(options: BandsRowsOptions = {}): BandsRows {
  const numPerm = options.numPerm ?? 128;
  checkNumPerm(numPerm);
  const { bands, rows } = options;
  if (bands === undefined && rows === undefined) {
    const best = optimalBandsRows(options.threshold ?? DEFAULT_THRESHOLD, numPerm, options.weights);
    return { bands: best.bands, rows: best.rows };
  }
  if (options.threshold !== undefined) checkThreshold(options.threshold);
  if (bands === undefined || rows === undefined)
    throw new NeardupError(
      `give both bands and rows or neither (got bands ${bands}, rows ${rows}); ` +
        `without them they are chosen from the threshold`,
    );
  if (!Number.isInteger(bands) || bands < 1)
    throw new NeardupError(`bands must be an integer ≥ 1, got ${bands}`);
  if (!Number.isInteger(rows) || rows < 1) throw new NeardupError(`rows must be an integer ≥ 1, got ${rows}`);
  if (bands * rows > numPerm)
    throw new NeardupError(
      `bands × rows = ${bands} × ${rows} = ${bands * rows} must be ≤ numPerm ${numPerm} ` +
        `(each band takes its own rows of the signature); lower bands or rows, ` +
        `or did you mean numPerm ${bands * rows} or more?`,
    );
  return { bands, rows };
}

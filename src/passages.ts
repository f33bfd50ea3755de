// Stage 5: every maximal run of ≥ minWords identical words shared by two texts.
//
// A run (i, j, len) is maximal when it cannot grow: a[i-1] ≠ b[j-1] and a[i+len] ≠ b[j+len].
// We hash every minWords-gram of B into a chained table (typed arrays), look up each gram of A,
// and start a run only at a left-maximal match, extending it right. Each maximal run is thus
// found exactly once, from its first gram: expected time O(|A| + |B| + output), no |A|×|B| table.

import { KeyTable, pairBudget, repeatLimit } from './sequence.js';

/**
 * A shared run of words: `length` words from token `a` in A equal those from token `b` in B.
 *
 * @example
 * ```ts
 * const [run]: WordRun[] = findSharedRuns(Uint32Array.of(1, 2, 3, 4), Uint32Array.of(9, 2, 3, 4), 3).runs;
 * // => { a: 1, b: 1, length: 3 }: words 1–3 of A are words 1–3 of B
 * ```
 */
export interface WordRun {
  /** Index of the run's first token in A. */
  a: number;
  /** Index of the run's first token in B. */
  b: number;
  /** Number of words in the run. */
  length: number;
}

/**
 * What {@link findSharedRuns} found.
 *
 * @example
 * ```ts
 * const na = Uint32Array.from({ length: 50 }, (_, i) => i % 2); // 50 words: "na ba na ba …"
 * const found: SharedRuns = findSharedRuns(na, na, 3, 10);
 * found.runs.length; // => 0
 * found.skippedSeeds; // => 48: every 3-gram repeats more than 10 times
 * ```
 */
export interface SharedRuns {
  /** Maximal runs, ordered by their position in A, then in B. */
  runs: WordRun[];
  /** Word n-grams shared by both texts (counted per position in A) not used as seeds because they repeat more than `repeatLimit` times in either. */
  skippedSeeds: number;
  /**
   * The repeat limit applied: `maxRepeats`, or lower when pairing every repeat up to `maxRepeats`
   * would have taken more than the budget of occurrence pairs (0: no limit).
   */
  repeatLimit: number;
}

const BASE = 0x2f0b3a49; // odd multiplier of the rolling polynomial hash

/** Rolling hash of every `m`-gram of `ids`: out[i] hashes ids[i..i+m). */
function gramHashes(ids: Uint32Array, m: number): Uint32Array {
  const out = new Uint32Array(Math.max(0, ids.length - m + 1));
  if (out.length === 0) return out;
  let top = 1; // BASE^(m-1)
  for (let k = 1; k < m; k++) top = Math.imul(top, BASE);
  let h = 0;
  for (let k = 0; k < m; k++) h = (Math.imul(h, BASE) + ids[k]!) | 0;
  out[0] = h;
  for (let i = 1; i < out.length; i++) {
    h = (Math.imul((h - Math.imul(ids[i - 1]!, top)) | 0, BASE) + ids[i + m - 1]!) | 0;
    out[i] = h;
  }
  return out;
}

function sameWords(a: Uint32Array, i: number, b: Uint32Array, j: number, m: number): boolean {
  for (let k = 0; k < m; k++) if (a[i + k] !== b[j + k]) return false;
  return true;
}

/**
 * Finds every maximal run of at least `minWords` equal words between two word-id sequences.
 * A run that repeats (a caption printed twice) gives one run per pair of occurrences.
 *
 * Word ids must come from one shared vocabulary (equal words, equal ids). Unless `maxRepeats`
 * is 0 (the default here: no limit), grams occurring more than `maxRepeats` times in either text
 * are not used as seeds: a guard against quadratic work on degenerate input ("na na na …");
 * their count is returned as `skippedSeeds`. The limit is lowered (see `repeatLimit` in the
 * result) when pairing every repeat up to `maxRepeats` would take more than `budget` occurrence
 * pairs: the runs of a text that repeats one article fifty times against an edited copy would
 * otherwise cost the time and output of 50 × 50 copies of the article.
 *
 * @param a - word ids of A.
 * @param b - word ids of B, from the same vocabulary.
 * @param minWords - shortest run, in words (the n of the n-grams that seed runs).
 * @param maxRepeats - n-grams repeated more often than this in either text seed no run; 0: no limit.
 * @param budget - most occurrence pairs the repeated n-grams may cost before the limit is lowered
 * (default: 8 per word of the two texts, at least 100,000; only with a `maxRepeats` limit).
 *
 * @example
 * ```ts
 * findSharedRuns(Uint32Array.of(1, 2, 3, 4), Uint32Array.of(9, 2, 3, 4), 3).runs;
 * // => [{ a: 1, b: 1, length: 3 }]
 * ```
 */
export function findSharedRuns(
  a: Uint32Array,
  b: Uint32Array,
  minWords: number,
  maxRepeats = 0,
  budget = pairBudget(a.length + b.length),
): SharedRuns {
  const runs: WordRun[] = [];
  const m = minWords;
  if (a.length < m || b.length < m) return { runs, skippedSeeds: 0, repeatLimit: maxRepeats };
  const gramsA = gramHashes(a, m);
  const gramsB = gramHashes(b, m);
  // Chained hash tables over the grams (typed arrays); chains list positions in ascending order.
  const tableB = new KeyTable(gramsB);
  const tableA = maxRepeats > 0 ? new KeyTable(gramsA) : undefined;
  const limit = tableA ? repeatLimit(gramsA, tableA, tableB, maxRepeats, budget) : 0;

  let skippedSeeds = 0;
  for (let i = 0; i < gramsA.length; i++) {
    const g = gramsA[i]!;
    let counted = tableA === undefined; // repeats are counted once a gram is seen in B
    for (let j = tableB.first(g); j !== -1; j = tableB.next[j]!) {
      if (gramsB[j] !== g) continue;
      if (!counted) {
        counted = true;
        if (tableB.count(g, limit) > limit || tableA!.count(g, limit) > limit) {
          skippedSeeds++;
          break;
        }
      }
      if (i > 0 && j > 0 && a[i - 1] === b[j - 1]) continue; // inside a run that starts earlier
      if (!sameWords(a, i, b, j, m)) continue; // hash collision
      let length = m;
      while (i + length < a.length && j + length < b.length && a[i + length] === b[j + length]) length++;
      runs.push({ a: i, b: j, length });
    }
  }
  return { runs, skippedSeeds, repeatLimit: limit };
}

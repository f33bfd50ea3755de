// Sequence helpers shared by the alignment stages: order-keeping chains over matches, and a
// typed-array hash table over 32-bit keys.

import { fmix32 } from './hash.js';

/** Indices (into `values`) of one longest strictly increasing subsequence, O(n log n). */
export function longestIncreasing(values: readonly number[]): Set<number> {
  const tails: number[] = []; // tails[k]: index of the smallest tail of an increasing run of length k+1
  const prev = new Array<number>(values.length).fill(-1);
  for (let i = 0; i < values.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]!]! < values[i]!) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const keep = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1]! : -1; i !== -1; i = prev[i]!) keep.add(i);
  return keep;
}

/** Boxes `[a0, a1) × [b0, b1)` in two sequences, as parallel arrays; `weight` of each box. */
export interface Boxes {
  a0: Int32Array;
  a1: Int32Array;
  b0: Int32Array;
  b1: Int32Array;
  weight: Float64Array;
}

/**
 * The heaviest chain of boxes that do not overlap and keep their order in both sequences
 * (each starts at or after the previous one's end, in A and in B): an approximate longest common
 * subsequence from exact matches, in O(n log n) with a Fenwick tree of best weights over B's ends.
 * Returns the chosen box indices in order.
 */
export function heaviestChain(boxes: Boxes, indices: readonly number[]): number[] {
  const n = indices.length;
  if (n === 0) return [];
  const byStart = [...indices].sort((x, y) => boxes.a0[x]! - boxes.a0[y]! || boxes.b0[x]! - boxes.b0[y]!);
  const byEnd = [...indices].sort((x, y) => boxes.a1[x]! - boxes.a1[y]!);
  // Fenwick tree over the distinct B ends (compressed), holding (best weight, box) prefix maxima.
  const ends = [...new Set(indices.map((i) => boxes.b1[i]!))].sort((x, y) => x - y);
  const rank = (v: number) => {
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo; // number of ends ≤ v
  };
  const treeWeight = new Float64Array(ends.length + 1);
  const treeBox = new Int32Array(ends.length + 1).fill(-1);
  const best = new Map<number, number>();
  const prev = new Map<number, number>();
  let e = 0;
  for (const i of byStart) {
    // Boxes ending in A at or before this start may precede it: publish them by their B end.
    while (e < byEnd.length && boxes.a1[byEnd[e]!]! <= boxes.a0[i]!) {
      const j = byEnd[e++]!;
      const w = best.get(j)!; // scored already: it starts before its end, so before i
      for (let k = rank(boxes.b1[j]!); k <= ends.length; k += k & -k)
        if (w > treeWeight[k]!) {
          treeWeight[k] = w;
          treeBox[k] = j;
        }
    }
    let w = 0;
    let from = -1;
    for (let k = rank(boxes.b0[i]!); k > 0; k -= k & -k)
      if (treeWeight[k]! > w) {
        w = treeWeight[k]!;
        from = treeBox[k]!;
      }
    best.set(i, w + boxes.weight[i]!);
    prev.set(i, from);
  }
  let last = -1;
  let top = -1;
  for (const [i, w] of best)
    if (w > top || (w === top && i < last)) {
      top = w;
      last = i;
    }
  const chain: number[] = [];
  for (let i = last; i !== -1; i = prev.get(i)!) chain.push(i);
  return chain.reverse();
}

/**
 * A chained hash table over an array of 32-bit keys, in typed arrays (no Map, no object per key):
 * `first(key)` then `next[j]` walk the positions whose keys share the key's slot, in ascending
 * order, until -1; callers compare `keys[j]` with the key. Built in O(n), linear memory.
 */
export class KeyTable {
  /** The next position in the same slot, or -1. */
  readonly next: Int32Array;
  readonly #head: Int32Array;
  readonly #mask: number;

  constructor(readonly keys: Uint32Array) {
    let size = 1;
    while (size < keys.length * 2) size <<= 1;
    this.#mask = size - 1;
    this.#head = new Int32Array(size).fill(-1);
    this.next = new Int32Array(keys.length);
    for (let j = keys.length - 1; j >= 0; j--) {
      const slot = fmix32(keys[j]!) & this.#mask;
      this.next[j] = this.#head[slot]!;
      this.#head[slot] = j;
    }
  }

  /** The first position in `key`'s slot, or -1. */
  first(key: number): number {
    return this.#head[fmix32(key) & this.#mask]!;
  }

  /** How often `key` occurs, counting no further than `limit + 1`. */
  count(key: number, limit = Number.POSITIVE_INFINITY): number {
    let n = 0;
    for (let j = this.first(key); j !== -1 && n <= limit; j = this.next[j]!) if (this.keys[j] === key) n++;
    return n;
  }
}

/**
 * Occurrence pairs that repeated keys may cost, per word of the two texts, before the repeat
 * limit is lowered (see {@link repeatLimit}): for the verbatim runs of `minWords`-grams, and for
 * the seeds of near passages, whose clustering costs far more per pair. A text that holds the
 * same passage r times on both sides costs r/2 pairs per word: runs are kept for up to 16 copies,
 * near seeds for up to 4. Ordinary prose stays well under both (the benchmark pairs use
 * 0.13–0.25, a text against itself 0.5); repetitive input goes far over (one article repeated 50
 * times per megabyte 20–45, a server log 1–5), and there the pairs past these budgets were
 * measured to add minutes and gigabytes but no passage.
 */
export const PAIRS_PER_WORD = { runs: 8, nearSeeds: 2 } as const;

/**
 * The occurrence pairs repeated keys may cost in two texts of `words` words in all: `perWord` per
 * word (see {@link PAIRS_PER_WORD}), and never under 100,000 (work too small to matter, so short
 * texts keep every pairing of a repeated caption or line).
 */
export const pairBudget = (words: number, perWord: number = PAIRS_PER_WORD.runs): number =>
  Math.max(100_000, perWord * words);

/**
 * The repeat limit to use for keys shared by A and B: `maxRepeats`, or lower when pairing every
 * occurrence of the keys that repeat up to `maxRepeats` times would cost more than `budget`
 * occurrence pairs (count in A × count in B, summed over those keys). Each pair becomes a seed or a
 * run to extend, so repetitive input (a page scraped with the same article fifty times, a log)
 * would otherwise cost up to `maxRepeats` × the texts' length in time and report size. The limit
 * is the highest that fits, so the least repeated keys are kept. `maxRepeats` 0: no limit (0).
 */
export function repeatLimit(
  keysA: Uint32Array,
  tableA: KeyTable,
  tableB: KeyTable,
  maxRepeats: number,
  budget: number,
): number {
  if (maxRepeats === 0) return 0;
  // No key occurs more often than the longer side has keys: limits past that all cost the same,
  // and a count per limit up to a huge maxRepeats (2^32) would not fit in memory.
  const most = Math.min(maxRepeats, Math.max(keysA.length, tableB.keys.length));
  const pairsAt = new Float64Array(most + 1); // pairs of the keys whose larger count is m
  for (let i = 0; i < keysA.length; i++) {
    const key = keysA[i]!;
    let first = tableA.first(key);
    while (keysA[first] !== key) first = tableA.next[first]!;
    if (first !== i) continue; // each key once, at its first occurrence
    const inA = tableA.count(key, maxRepeats);
    const inB = inA > maxRepeats ? 0 : tableB.count(key, maxRepeats);
    if (inB === 0 || inB > maxRepeats) continue;
    pairsAt[Math.max(inA, inB)]! += inA * inB;
  }
  let total = 0;
  for (let m = 1; m <= most; m++) {
    total += pairsAt[m]!;
    if (total > budget) return Math.max(1, m - 1);
  }
  return maxRepeats;
}

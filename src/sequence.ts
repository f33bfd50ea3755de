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

// Sequence helpers shared by the alignment stages: order-keeping chains over matches, and counts.

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
 * A counter of how often each value occurs in `values`: a sorted copy and two binary searches
 * per question (typed-array sort, no Map of every n-gram).
 */
export function occurrenceCounter(values: Uint32Array): (value: number) => number {
  const sorted = values.slice().sort();
  const bound = (v: number, upper: boolean) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < v || (upper && sorted[mid] === v)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return (v) => bound(v, true) - bound(v, false);
}

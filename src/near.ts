// Stage 5b: near-verbatim passages, reused text that was edited on the way (seed, extend, filter).
//
// Seeds are word matches of two kinds: exact runs of ≥ seedWords words, and loose seeds, equal
// *sets* of looseWords consecutive content words (stop words skipped, order ignored), which still
// match when a clause was reworded, a word swapped or a function word dropped. Seeds that lie
// within maxGap words of each other in both texts are clustered (split by gaps in A, then in B,
// until stable: Sanchez-Perez et al. 2014). In each cluster the heaviest in-order chain of exact
// runs anchors a word diff; seeds whose words that chain already spends elsewhere are dropped, and
// the cluster is split again. What remains, long and dense enough, is a near passage.
// Every step sorts or hashes: near-linear in the texts' length, no table over all word pairs.

import { diffArrays } from 'diff';
import { fmix32 } from './hash.js';
import { findSharedRuns } from './passages.js';
import { type Boxes, heaviestChain, KeyTable } from './sequence.js';

/** Options of {@link findNearPassages}; {@link compare} takes them as `near*` options. */
export interface NearOptions {
  /** Words in an exact seed (a shared word n-gram that is not all stop words). @default 3 */
  seedWords: number;
  /** Content words in a loose seed (equal sets of consecutive content words, in any order). @default 3 */
  looseWords: number;
  /** Most words between two seeds of one passage, in either text. @default 20 */
  maxGap: number;
  /** Fewest words on each side of a near passage that seeds cover. @default 12 */
  minWords: number;
  /** Least share of a passage's words covered by seeds, on the sparser side, 0..1. @default 0.4 */
  minDensity: number;
  /** An n-gram or word set occurring more than this often in either text seeds nothing (0: no limit). @default 100 */
  maxRepeats: number;
}

/** Where each word's line starts and ends, as token indices (see {@link NearSide.lines}). */
export interface LineBounds {
  /** For each word, the index of the first word on its line. */
  start: Int32Array;
  /** For each word, the index one past the last word on its line. */
  end: Int32Array;
}

/** One side of a {@link findNearPassages} comparison. */
export interface NearSide {
  /** Word ids in a vocabulary shared with the other side (equal words, equal ids). */
  ids: Uint32Array;
  /** 1 for each word that is a stop word, else 0. */
  stop: Uint8Array;
  /**
   * For each word, the first word and one past the last word of its line. When given, a passage
   * that ends within `maxGap` words of its line's edge is widened to that edge.
   */
  lines?: LineBounds;
}

/** Kinds of step in a word diff: same words, words only in A, words only in B, A's words replaced by B's. */
export type DiffOp = 'equal' | 'delete' | 'insert' | 'replace';

/** One step of a word diff, as token ranges `[a, aEnd)` in A and `[b, bEnd)` in B (empty on the side without words). */
export interface DiffStep {
  /** What the step does. */
  op: DiffOp;
  /** First token in A. */
  a: number;
  /** One past the last token in A. */
  aEnd: number;
  /** First token in B. */
  b: number;
  /** One past the last token in B. */
  bEnd: number;
}

/** A near passage: tokens `[a, aEnd)` of A correspond to tokens `[b, bEnd)` of B, with their word diff. */
export interface NearMatch {
  /** First token in A. */
  a: number;
  /** One past the last token in A. */
  aEnd: number;
  /** First token in B. */
  b: number;
  /** One past the last token in B. */
  bEnd: number;
  /** Words the diff finds equal on both sides. */
  equal: number;
  /** 2 · equal / (words in A + words in B). */
  similarity: number;
  /** Share of the words covered by seeds, the lower of the two sides. */
  density: number;
  /** The word diff, A's range to B's, in order. */
  diff: DiffStep[];
}

// Gaps longer than this many edits are not diffed word by word: they become one `replace` step.
const MAX_EDIT_LENGTH = 2000;

/** Seeds as boxes [a0, a1) × [b0, b1); the first `exact` of them are exact runs (weight = length). */
interface Seeds extends Boxes {
  count: number;
  exact: number;
}

function allStop(stop: Uint8Array, from: number, length: number): boolean {
  for (let k = from; k < from + length; k++) if (!stop[k]) return false;
  return true;
}

/** Positions of content (non-stop) words, and an order-free hash of each window of `size` of them. */
function looseKeys(side: NearSide, size: number): { positions: Int32Array; keys: Uint32Array } {
  let n = 0;
  for (let i = 0; i < side.stop.length; i++) n += 1 - side.stop[i]!;
  const positions = new Int32Array(n);
  for (let i = 0, k = 0; i < side.stop.length; i++) if (!side.stop[i]) positions[k++] = i;
  const keys = new Uint32Array(Math.max(0, positions.length - size + 1));
  for (let w = 0; w < keys.length; w++) {
    // Sum and xor of mixed ids: symmetric in the window's words, so any order gives one key.
    let sum = 0;
    let xor = 0;
    for (let k = 0; k < size; k++) {
      const h = fmix32(side.ids[positions[w + k]!]! + 0x9e3779b9);
      sum = (sum + h) | 0;
      xor ^= h;
    }
    keys[w] = fmix32(sum ^ Math.imul(xor, 0x85ebca6b));
  }
  return { positions, keys };
}

// Scratch buffers for comparing two word sets without allocating per seed.
let scratchA = new Uint32Array(8);
let scratchB = new Uint32Array(8);

function sameWordSet(
  a: NearSide,
  pa: Int32Array,
  i: number,
  b: NearSide,
  pb: Int32Array,
  j: number,
  size: number,
) {
  if (scratchA.length < size) [scratchA, scratchB] = [new Uint32Array(size), new Uint32Array(size)];
  for (let k = 0; k < size; k++) {
    scratchA[k] = a.ids[pa[i + k]!]!;
    scratchB[k] = b.ids[pb[j + k]!]!;
  }
  const x = scratchA.subarray(0, size).sort();
  const y = scratchB.subarray(0, size).sort();
  for (let k = 0; k < size; k++) if (x[k] !== y[k]) return false;
  return true;
}

function collectSeeds(a: NearSide, b: NearSide, o: NearOptions): Seeds {
  const a0: number[] = [];
  const a1: number[] = [];
  const b0: number[] = [];
  const b1: number[] = [];
  const push = (i: number, iEnd: number, j: number, jEnd: number) => {
    a0.push(i);
    a1.push(iEnd);
    b0.push(j);
    b1.push(jEnd);
  };
  for (const r of findSharedRuns(a.ids, b.ids, o.seedWords, o.maxRepeats).runs)
    if (!allStop(a.stop, r.a, r.length)) push(r.a, r.a + r.length, r.b, r.b + r.length);
  const exact = a0.length;

  const la = looseKeys(a, o.looseWords);
  const lb = looseKeys(b, o.looseWords);
  const tableB = new KeyTable(lb.keys);
  const tableA = o.maxRepeats > 0 ? new KeyTable(la.keys) : undefined;
  const maxSpan = 4 * o.looseWords; // content words this far apart are not one phrase
  const last = o.looseWords - 1;
  for (let i = 0; i < la.keys.length; i++) {
    const key = la.keys[i]!;
    const i0 = la.positions[i]!;
    const i1 = la.positions[i + last]! + 1;
    if (i1 - i0 > maxSpan) continue;
    let counted = tableA === undefined;
    for (let j = tableB.first(key); j !== -1; j = tableB.next[j]!) {
      if (lb.keys[j] !== key) continue;
      if (!counted) {
        counted = true;
        if (tableB.count(key, o.maxRepeats) > o.maxRepeats || tableA!.count(key, o.maxRepeats) > o.maxRepeats)
          break;
      }
      const j0 = lb.positions[j]!;
      const j1 = lb.positions[j + last]! + 1;
      if (j1 - j0 > maxSpan || !sameWordSet(a, la.positions, i, b, lb.positions, j, o.looseWords)) continue;
      push(i0, i1, j0, j1);
    }
  }
  const weight = new Float64Array(a0.length);
  for (let s = 0; s < exact; s++) weight[s] = a1[s]! - a0[s]!;
  return {
    a0: Int32Array.from(a0),
    a1: Int32Array.from(a1),
    b0: Int32Array.from(b0),
    b1: Int32Array.from(b1),
    weight,
    count: a0.length,
    exact,
  };
}

/** Splits seeds into groups separated by more than `maxGap` words along one text. */
function splitByGaps(
  seeds: readonly number[],
  start: Int32Array,
  end: Int32Array,
  maxGap: number,
): number[][] {
  const sorted = [...seeds].sort((x, y) => start[x]! - start[y]! || end[x]! - end[y]!);
  const groups: number[][] = [];
  let group: number[] = [];
  let reach = -Infinity;
  for (const s of sorted) {
    if (start[s]! - reach > maxGap && group.length) {
      groups.push(group);
      group = [];
    }
    group.push(s);
    reach = Math.max(reach, end[s]!);
  }
  if (group.length) groups.push(group);
  return groups;
}

/** Clusters: split along A, then along B, again and again, until no gap splits any group. */
function clusterSeeds(seeds: Seeds, members: number[], maxGap: number): number[][] {
  const done: number[][] = [];
  const stack = [members];
  while (stack.length) {
    const group = stack.pop()!;
    const byA = splitByGaps(group, seeds.a0, seeds.a1, maxGap);
    if (byA.length > 1) {
      stack.push(...byA);
      continue;
    }
    const byB = splitByGaps(group, seeds.b0, seeds.b1, maxGap);
    if (byB.length > 1) stack.push(...byB);
    else done.push(group);
  }
  return done;
}

interface Extent {
  a: number;
  aEnd: number;
  b: number;
  bEnd: number;
}

function extentOf(seeds: Seeds, group: readonly number[]): Extent {
  const e = { a: Infinity, aEnd: -Infinity, b: Infinity, bEnd: -Infinity };
  for (const s of group) {
    e.a = Math.min(e.a, seeds.a0[s]!);
    e.aEnd = Math.max(e.aEnd, seeds.a1[s]!);
    e.b = Math.min(e.b, seeds.b0[s]!);
    e.bEnd = Math.max(e.bEnd, seeds.b1[s]!);
  }
  return e;
}

/** Marks, over `[from, to)`, the words inside the given intervals; returns the marks and their count. */
function cover(from: number, to: number, starts: Int32Array, ends: Int32Array, group: readonly number[]) {
  const marks = new Uint8Array(to - from);
  for (const s of group) marks.fill(1, starts[s]! - from, ends[s]! - from);
  let count = 0;
  for (const m of marks) count += m;
  return { marks, count };
}

const anyMarked = (marks: Uint8Array, from: number, to: number) => {
  for (let k = from; k < to; k++) if (marks[k]) return true;
  return false;
};

/**
 * The best-supported stretch of `[from, to)`: the maximum-sum run when each word covered by a seed
 * scores +1, each other content word −1 and each other stop word 0 (Kadane). Weak evidence at a
 * passage's edge, a shared name followed by a clause of new words, is trimmed off.
 */
function bestStretch(marks: Uint8Array, stop: Uint8Array, from: number): { start: number; end: number } {
  let best = -Infinity;
  let bestStart = 0;
  let bestEnd = 0;
  let sum = 0;
  let start = 0;
  for (let k = 0; k < marks.length; k++) {
    if (sum <= 0) {
      sum = 0;
      start = k;
    }
    sum += marks[k] ? 1 : stop[from + k] ? 0 : -1;
    if (sum > best) {
      best = sum;
      bestStart = start;
      bestEnd = k + 1;
    }
  }
  return { start: from + bestStart, end: from + bestEnd };
}

/** Word diff of one gap between anchors; Myers' algorithm (jsdiff), or one `replace` past MAX_EDIT_LENGTH. */
function diffGap(a: NearSide, b: NearSide, g: Extent, out: DiffStep[]): void {
  const lenA = g.aEnd - g.a;
  const lenB = g.bEnd - g.b;
  if (lenA === 0 && lenB === 0) return;
  if (lenA === 0 || lenB === 0) {
    out.push({ op: lenA ? 'delete' : 'insert', ...g });
    return;
  }
  const changes = diffArrays(
    Array.from(a.ids.subarray(g.a, g.aEnd)),
    Array.from(b.ids.subarray(g.b, g.bEnd)),
    {
      maxEditLength: MAX_EDIT_LENGTH,
    },
  );
  if (!changes) {
    out.push({ op: 'replace', ...g });
    return;
  }
  let i = g.a;
  let j = g.b;
  for (const c of changes) {
    const n = c.count ?? c.value.length;
    const [di, dj] = c.added ? [0, n] : c.removed ? [n, 0] : [n, n];
    out.push({
      op: c.added ? 'insert' : c.removed ? 'delete' : 'equal',
      a: i,
      aEnd: i + di,
      b: j,
      bEnd: j + dj,
    });
    i += di;
    j += dj;
  }
}

/** Merges neighbouring steps: delete + insert (either order) into replace, adjacent equals into one. */
function mergeSteps(steps: readonly DiffStep[]): DiffStep[] {
  const out: DiffStep[] = [];
  for (const s of steps) {
    const prev = out[out.length - 1];
    const edit = (x: DiffOp) => x !== 'equal';
    if (
      prev &&
      prev.aEnd === s.a &&
      prev.bEnd === s.b &&
      (prev.op === s.op || (edit(prev.op) && edit(s.op)))
    ) {
      prev.op = prev.op === s.op ? s.op : 'replace';
      prev.aEnd = s.aEnd;
      prev.bEnd = s.bEnd;
    } else out.push({ ...s });
  }
  return out;
}

/** The word diff of a passage's extent, anchored on a chain of exact runs. */
function diffExtent(a: NearSide, b: NearSide, seeds: Seeds, chain: readonly number[], e: Extent): DiffStep[] {
  const steps: DiffStep[] = [];
  let i = e.a;
  let j = e.b;
  for (const s of chain) {
    diffGap(a, b, { a: i, aEnd: seeds.a0[s]!, b: j, bEnd: seeds.b0[s]! }, steps);
    steps.push({ op: 'equal', a: seeds.a0[s]!, aEnd: seeds.a1[s]!, b: seeds.b0[s]!, bEnd: seeds.b1[s]! });
    i = seeds.a1[s]!;
    j = seeds.b1[s]!;
  }
  diffGap(a, b, { a: i, aEnd: e.aEnd, b: j, bEnd: e.bEnd }, steps);
  return mergeSteps(steps);
}

/**
 * Drops the seeds whose words, on one side only, the cluster's anchor chain spends elsewhere
 * (a phrase of A that B repeats matches twice; only the in-order match belongs to this passage).
 * Returns the chain and the kept seeds.
 */
function pruneCluster(seeds: Seeds, group: number[], e: Extent): { chain: number[]; kept: number[] } {
  const chain = heaviestChain(
    seeds,
    group.filter((s) => s < seeds.exact),
  );
  if (chain.length === 0) return { chain, kept: group };
  const inA = cover(e.a, e.aEnd, seeds.a0, seeds.a1, chain).marks;
  const inB = cover(e.b, e.bEnd, seeds.b0, seeds.b1, chain).marks;
  const onChain = new Set(chain);
  const kept = group.filter(
    (s) =>
      onChain.has(s) ||
      // Along the chain on both sides: redundant but consistent. On one side only: spent elsewhere.
      anyMarked(inA, seeds.a0[s]! - e.a, seeds.a1[s]! - e.a) ===
        anyMarked(inB, seeds.b0[s]! - e.b, seeds.b1[s]! - e.b),
  );
  return { chain, kept };
}

/** Widens `[from, to)` to its lines' edges when they are at most `reach` words away. */
function snapToLines(side: NearSide, from: number, to: number, reach: number): [number, number] {
  const p = side.lines;
  if (!p) return [from, to];
  const first = p.start[from]!;
  const end = p.end[to - 1]!;
  return [from - first <= reach ? first : from, end - to <= reach ? end : to];
}

/**
 * Finds passages that two texts share with edits: word deletions, insertions, substitutions,
 * local reorderings, reworded clauses. Each result gives token ranges in both texts, a word diff
 * and how much of it the seeds cover. Passages whose two sides have the same words are found too
 * (callers that also report exact runs can drop those). Near-linear in the texts' length.
 *
 * @param a - text A's word ids and stop-word flags.
 * @param b - text B's, with ids from the same vocabulary.
 * @param options - see {@link NearOptions}.
 * @returns near passages, ordered by their start in A, then in B.
 * @example
 * ```ts
 * // Word ids from one vocabulary; 0 marks a content word.
 * const ids = (s: string) => Uint32Array.from(s.split(' '), (w) => w.charCodeAt(0));
 * const a = ids('a b c d e f g h i j k l m n o');
 * const b = ids('a b c d x f g h i j k l m n o');
 * findNearPassages({ ids: a, stop: new Uint8Array(15) }, { ids: b, stop: new Uint8Array(15) }, {
 *   seedWords: 3, looseWords: 3, maxGap: 20, minWords: 12, minDensity: 0.4, maxRepeats: 100,
 * }); // => one passage, tokens 0..15 on both sides, diff equal 4 / replace 1 / equal 10
 * ```
 */
export function findNearPassages(a: NearSide, b: NearSide, options: NearOptions): NearMatch[] {
  const seeds = collectSeeds(a, b, options);
  const found: NearMatch[] = [];
  const { minWords, maxGap } = options;
  const pending = clusterSeeds(
    seeds,
    Array.from({ length: seeds.count }, (_, s) => s),
    maxGap,
  );
  while (pending.length) {
    const group = pending.pop()!;
    const e = extentOf(seeds, group);
    if (e.aEnd - e.a < minWords || e.bEnd - e.b < minWords) continue;
    const { chain, kept } = pruneCluster(seeds, group, e);
    if (chain.length === 0) continue; // loose evidence only: nothing anchors a diff
    if (kept.length < group.length) {
      pending.push(...clusterSeeds(seeds, kept, maxGap));
      continue;
    }
    const coverA = cover(e.a, e.aEnd, seeds.a0, seeds.a1, kept);
    const coverB = cover(e.b, e.bEnd, seeds.b0, seeds.b1, kept);
    const stretchA = bestStretch(coverA.marks, a.stop, e.a);
    const stretchB = bestStretch(coverB.marks, b.stop, e.b);
    if (stretchA.start > e.a || stretchA.end < e.aEnd || stretchB.start > e.b || stretchB.end < e.bEnd) {
      const inside = kept.filter(
        (s) =>
          seeds.a0[s]! >= stretchA.start &&
          seeds.a1[s]! <= stretchA.end &&
          seeds.b0[s]! >= stretchB.start &&
          seeds.b1[s]! <= stretchB.end,
      );
      pending.push(...clusterSeeds(seeds, inside, maxGap));
      continue;
    }
    const density = Math.min(coverA.count / (e.aEnd - e.a), coverB.count / (e.bEnd - e.b));
    if (coverA.count < minWords || coverB.count < minWords || density < options.minDensity) continue;
    [e.a, e.aEnd] = snapToLines(a, e.a, e.aEnd, maxGap);
    [e.b, e.bEnd] = snapToLines(b, e.b, e.bEnd, maxGap);
    const diff = diffExtent(a, b, seeds, chain, e);
    let equal = 0;
    for (const s of diff) if (s.op === 'equal') equal += s.aEnd - s.a;
    const similarity = (2 * equal) / (e.aEnd - e.a + e.bEnd - e.b);
    found.push({ ...e, equal, similarity, density, diff });
  }
  return found.sort((x, y) => x.a - y.a || x.b - y.b || x.aEnd - y.aEnd || x.bEnd - y.bEnd);
}

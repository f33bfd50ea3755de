// Stage 5b: near-verbatim passages, reused text that was edited on the way (seed, extend, filter).
//
// Seeds are word matches of two kinds: exact runs of ≥ seedWords words, and loose seeds, equal
// *sets* of looseWords consecutive content words (stop words skipped, order ignored), which still
// match when a clause was reworded, a word swapped or a function word dropped. Seeds that lie
// within maxGap words of each other in both texts are clustered (split by gaps in A, then in B,
// until stable: Sanchez-Perez et al. 2014). In each cluster the heaviest in-order chain of exact
// runs anchors a word diff; seeds whose words that chain already spends elsewhere are dropped, and
// the cluster is split again. Lines keep their order: a cluster whose seeds join lines that do
// not follow one another in both texts is split by runs of lines (lineGroups). What remains is
// trimmed to its evidence, its edges moved out over the rest of the clause they cut, and, long
// and dense enough, is a near passage.
// Every step sorts or hashes: near-linear in the texts' length, no table over all word pairs.

import { diffArrays } from 'diff';
import { fmix32 } from './hash.js';
import { findSharedRuns } from './passages.js';
import { type Boxes, heaviestChain, KeyTable, PAIRS_PER_WORD, pairBudget, repeatLimit } from './sequence.js';

/**
 * Options of {@link findNearPassages}; {@link compare} takes them as `near*` options.
 *
 * @example
 * ```ts
 * const d = defaultCompareOptions; // what compare() passes by default
 * const options: NearOptions = {
 *   seedWords: d.nearSeedWords, looseWords: d.nearLooseWords, maxGap: d.nearMaxGap,
 *   minWords: d.nearMinWords, minDensity: d.nearMinDensity, maxRepeats: d.maxRepeats,
 * };
 * ```
 */
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
  /** Most words a loose seed spans, from its first content word to its last. @default 12 */
  looseSpan?: number;
  /**
   * Most words an edge is moved out by to take in the rest of its clause or sentence (see
   * {@link NearSide.breaks}); 0 keeps passages to their seed evidence. @default 12
   */
  snapWords?: number;
  /** Least similarity (2 · equal words / all words) a passage must reach, 0..1. @default 0 */
  minSimilarity?: number;
}

/**
 * Where each word's line starts and ends, as token indices (see {@link NearSide.lines}).
 *
 * @example
 * ```ts
 * const start: number[] = [];
 * const end: number[] = [];
 * for (const line of text.split('\n')) {
 *   const first = start.length;
 *   const n = tokenize(line).length;
 *   for (let i = 0; i < n; i++) {
 *     start.push(first);
 *     end.push(first + n);
 *   }
 * }
 * const lines: LineBounds = { start: Int32Array.from(start), end: Int32Array.from(end) };
 * ```
 */
export interface LineBounds {
  /** For each word, the index of the first word on its line. */
  start: Int32Array;
  /** For each word, the index one past the last word on its line. */
  end: Int32Array;
}

/**
 * One side of a {@link findNearPassages} comparison.
 *
 * @example
 * ```ts
 * const vocabulary = new Map<string, number>(); // shared by both sides
 * const side = (text: string): NearSide => {
 *   const words = tokenize(text).words;
 *   const ids = Uint32Array.from(words, (w) => vocabulary.get(w) ?? vocabulary.set(w, vocabulary.size).size - 1);
 *   return { ids, stop: Uint8Array.from(words, (w) => (ENGLISH_STOP_WORDS.includes(w) ? 1 : 0)) };
 * };
 * ```
 */
export interface NearSide {
  /** Word ids in a vocabulary shared with the other side (equal words, equal ids). */
  ids: Uint32Array;
  /** 1 for each word that is a stop word, else 0. */
  stop: Uint8Array;
  /**
   * For each word, the first word and one past the last word of its line. When given, a passage
   * keeps the order of lines: it never joins two lines of one text whose counterparts are not
   * next to each other, in that order, in the other (a paragraph moved elsewhere splits it).
   */
  lines?: LineBounds;
  /**
   * For each word, what separates it from the word before: 0, only spaces; 1, a clause break
   * (a comma, colon, dash, bracket, quote…); 2, a sentence end (`.`, `!`, `?`) or a line break;
   * 3, a paragraph break (a blank line). When given, a passage's edges are moved out to take in
   * the rest of the clause they cut (see {@link NearOptions.snapWords}), and no seed crosses a
   * paragraph break; without it, passages end where their seeds do.
   */
  breaks?: Uint8Array;
}

/**
 * Kinds of step in a word diff: same words, words only in A, words only in B, A's words replaced by B's.
 *
 * @example
 * ```ts
 * const mark: Record<DiffOp, string> = { equal: '=', delete: '-', insert: '+', replace: '~' };
 * for (const p of compare(a, b).passages)
 *   if (p.kind === 'near') console.log(p.diff.map((step) => mark[step.op]).join('')); // e.g. "+=-=~=-"
 * ```
 */
export type DiffOp = 'equal' | 'delete' | 'insert' | 'replace';

/**
 * One step of a word diff, as token ranges `[a, aEnd)` in A and `[b, bEnd)` in B (empty on the side without words).
 *
 * @example
 * ```ts
 * const [wordsA, wordsB] = [tokenize(a).words, tokenize(b).words];
 * const show = (s: DiffStep) => {
 *   const x = wordsA.slice(s.a, s.aEnd).join(' ');
 *   const y = wordsB.slice(s.b, s.bEnd).join(' ');
 *   return s.op === 'equal' ? x : `${x && `[-${x}-]`}${y && `{+${y}+}`}`;
 * }; // near.diff.map(show).join(' ') => "… a new policy [-on monday-] to reduce …"
 * ```
 */
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

/**
 * A near passage: tokens `[a, aEnd)` of A correspond to tokens `[b, bEnd)` of B, with their word diff.
 *
 * @example
 * ```ts
 * // One word per letter, no stop words; B has one word replaced.
 * const side = (s: string) => ({ ids: Uint32Array.from(s, (c) => c.charCodeAt(0)), stop: new Uint8Array(s.length) });
 * const options = { seedWords: 3, looseWords: 3, maxGap: 20, minWords: 12, minDensity: 0.4, maxRepeats: 100 };
 * const [m]: NearMatch[] = findNearPassages(side('abcdefghijklmno'), side('abcdxfghijklmno'), options);
 * // => { a: 0, aEnd: 15, b: 0, bEnd: 15, equal: 14, similarity: 0.933, density: 0.933, diff: [3 steps] }
 * ```
 */
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

const PARAGRAPH = 3;

/**
 * True when words `i - 1` and `i` of A, matched with words `j - 1` and `j` of B, are split by a
 * paragraph break in either text or by a line break in both: the end of one paragraph and the
 * start of the next, not text wrapped anew on one side.
 */
function boundary(a: NearSide, i: number, b: NearSide, j: number): boolean {
  if (a.breaks?.[i] === PARAGRAPH || b.breaks?.[j] === PARAGRAPH) return true;
  return a.lines !== undefined && b.lines !== undefined && a.lines.start[i] === i && b.lines.start[j] === j;
}

/** Whether words `[from, to)` of a side cross a paragraph break (2), only line breaks (1), or neither (0). */
function crossing(side: NearSide, from: number, to: number): 0 | 1 | 2 {
  if (side.breaks) for (let k = from + 1; k < to; k++) if (side.breaks[k] === PARAGRAPH) return 2;
  return side.lines && side.lines.end[from]! < to ? 1 : 0;
}

function collectSeeds(a: NearSide, b: NearSide, o: Required<NearOptions>): Seeds {
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
  // Seeds cost far more per pair than verbatim runs (clustering): a budget of their own.
  const budget = pairBudget(a.ids.length + b.ids.length, PAIRS_PER_WORD.nearSeeds);
  for (const r of findSharedRuns(a.ids, b.ids, o.seedWords, o.maxRepeats, budget).runs) {
    if (allStop(a.stop, r.a, r.length)) continue;
    // A run is cut at a paragraph break in either text, and at a line break in both: each
    // piece joins one pair of lines (see lineGroups), and a run carried by a word into unrelated
    // next lines ("… Vladivostok ⏎ He added" against "… Vladivostok ⏎ He reportedly") leaves a
    // piece of its own, a stray. A line break in one text only (text wrapped anew) cuts nothing.
    let from = 0;
    for (let k = 1; k <= r.length; k++) {
      const cut = k === r.length || boundary(a, r.a + k, b, r.b + k);
      if (!cut) continue;
      push(r.a + from, r.a + k, r.b + from, r.b + k);
      from = k;
    }
  }
  const exact = a0.length;

  const la = looseKeys(a, o.looseWords);
  const lb = looseKeys(b, o.looseWords);
  const tableB = new KeyTable(lb.keys);
  const tableA = o.maxRepeats > 0 ? new KeyTable(la.keys) : undefined;
  // The repeat limit of loose keys, lowered like that of exact seeds (see repeatLimit).
  const limit = tableA ? repeatLimit(la.keys, tableA, tableB, o.maxRepeats, budget) : 0;
  const maxSpan = o.looseSpan;
  const last = o.looseWords - 1;
  for (let i = 0; i < la.keys.length; i++) {
    const key = la.keys[i]!;
    const i0 = la.positions[i]!;
    const i1 = la.positions[i + last]! + 1;
    // Content words this far apart are not one phrase; nor, below, words across a boundary
    // (see `boundary`) in either text.
    if (i1 - i0 > maxSpan) continue;
    const crossesA = crossing(a, i0, i1);
    let counted = tableA === undefined;
    for (let j = tableB.first(key); j !== -1; j = tableB.next[j]!) {
      if (lb.keys[j] !== key) continue;
      if (!counted) {
        counted = true;
        if (tableB.count(key, limit) > limit || tableA!.count(key, limit) > limit) break;
      }
      const j0 = lb.positions[j]!;
      const j1 = lb.positions[j + last]! + 1;
      if (j1 - j0 > maxSpan) continue;
      const crossesB = crossing(b, j0, j1);
      if (crossesA === 2 || crossesB === 2 || (crossesA && crossesB)) continue;
      if (!sameWordSet(a, la.positions, i, b, lb.positions, j, o.looseWords)) continue;
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

/**
 * Labels seeds by the order of lines (see {@link NearSide.lines}): seeds with one label belong to
 * one run of lines that the two texts have in the same order; -1 marks a stray match.
 *
 * A seed joins lines of A to lines of B; per pair of lines, the words of the seeds on it are its
 * weight (a seed on two lines of one text, wrapped anew, weighs on both pairs, which then go in
 * one group). A pair is _main_ when it is the heaviest of its line in A or of its line in B, or
 * its exact seeds cover at least `minWords` words. Main pairs join when their lines are next to
 * each other in both texts, in order: A's line is the other's or the next, and so is B's (lines
 * counted among those holding a main pair). Any other pair joins the group of the main pairs
 * around it (within one line on both sides) when they all lie in one group and one of its own
 * lines has a main pair there (the rest of an edited caption, say); otherwise it is a stray
 * match of a common phrase between lines whose counterparts lie elsewhere. So a paragraph moved
 * elsewhere gets a label of its own. Linear in the seeds' words, plus sorting the lines;
 * `undefined` without line bounds.
 */
function lineGroups(seeds: Seeds, a: NearSide, b: NearSide, minWords: number): Int32Array | undefined {
  if (!a.lines || !b.lines) return undefined;
  const lineA = a.lines.start;
  const lineB = b.lines.start;
  const width = b.ids.length + 1;
  // Pairs of lines, found by the key lineA · width + lineB.
  const pairOf = new Map<number, number>();
  const pairA: number[] = [];
  const pairB: number[] = [];
  const weight: number[] = [];
  const exactWords: number[] = [];
  const pairAt = (la: number, lb: number, words: number, exact: boolean) => {
    const key = la * width + lb;
    let p = pairOf.get(key);
    if (p === undefined) {
      p = weight.length;
      pairOf.set(key, p);
      pairA.push(la);
      pairB.push(lb);
      weight.push(0);
      exactWords.push(0);
    }
    weight[p]! += words;
    if (exact) exactWords[p]! += words;
    return p;
  };
  // A seed on several lines of one text (wrapped anew) weighs on each pair of lines it covers,
  // and its pairs go in one group: `links` holds [first pair, other pair] for each.
  const seedPair = new Int32Array(seeds.count);
  const links: number[] = [];
  for (let s = 0; s < seeds.count; s++) {
    const [a0, a1, b0, b1] = [seeds.a0[s]!, seeds.a1[s]!, seeds.b0[s]!, seeds.b1[s]!];
    if (s >= seeds.exact) {
      // Loose: its first and last words' lines (it crosses at most a few words).
      const first = pairAt(lineA[a0]!, lineB[b0]!, a1 - a0, false);
      const last = pairAt(lineA[a1 - 1]!, lineB[b1 - 1]!, 0, false);
      seedPair[s] = first;
      if (last !== first) links.push(first, last);
      continue;
    }
    // Exact: word by word along its diagonal, a piece per pair of lines.
    let from = 0;
    let first = -1;
    for (let k = 1; k <= a1 - a0; k++) {
      if (k < a1 - a0 && lineA[a0 + k] !== a0 + k && lineB[b0 + k] !== b0 + k) continue;
      const p = pairAt(lineA[a0 + from]!, lineB[b0 + from]!, k - from, true);
      if (first === -1) first = p;
      else if (p !== first) links.push(first, p);
      from = k;
    }
    seedPair[s] = first;
  }
  const heaviest = (line: number[]) => {
    const best = new Map<number, number>();
    for (let p = 0; p < weight.length; p++) best.set(line[p]!, Math.max(best.get(line[p]!) ?? 0, weight[p]!));
    return best;
  };
  const bestA = heaviest(pairA);
  const bestB = heaviest(pairB);
  const main: number[] = [];
  for (let p = 0; p < weight.length; p++)
    if (
      weight[p] === bestA.get(pairA[p]!) ||
      weight[p] === bestB.get(pairB[p]!) ||
      exactWords[p]! >= minWords
    )
      main.push(p);
  // Ranks of the lines holding a main pair, on each side, in text order.
  const ranks = (line: number[]) => {
    const lines = [...new Set(main.map((p) => line[p]!))].sort((x, y) => x - y);
    return { rank: new Map(lines.map((l, r) => [l, r])), lines };
  };
  const inA = ranks(pairA);
  const inB = ranks(pairB);
  const stride = inB.lines.length + 1;
  const at = new Map<number, number>();
  for (const p of main) at.set(inA.rank.get(pairA[p]!)! * stride + inB.rank.get(pairB[p]!)!, p);
  // Union-find over main pairs: join each with its neighbours one line on, in B (key + 1: no
  // B rank reaches stride − 1, so this never wraps to A's next line), in A, or in both.
  const parent = new Int32Array(weight.length).map((_, p) => p);
  const root = (p: number): number => {
    while (parent[p] !== p) p = parent[p] = parent[parent[p]!]!;
    return p;
  };
  for (const [key, p] of at)
    for (const step of [1, stride, stride + 1]) {
      const q = at.get(key + step);
      if (q !== undefined) parent[root(q)] = root(p);
    }
  const isMain = new Uint8Array(weight.length);
  for (const p of main) isMain[p] = 1;
  // A seed's pairs go together; a pair a seed links to a main pair's group is in that group.
  for (let k = 0; k < links.length; k += 2) {
    const [x, y] = [root(links[k]!), root(links[k + 1]!)];
    if (x === y) continue;
    if (isMain[x]) parent[y] = x;
    else parent[x] = y; // keeps a main pair as the root when either side has one
  }
  const group = new Int32Array(weight.length).fill(-1);
  // (line, group) for each main pair's line in A and in B, as line · pairs + group.
  const mainInA = new Set<number>();
  const mainInB = new Set<number>();
  const pairs = weight.length;
  for (const p of main) {
    group[p] = root(p);
    mainInA.add(pairA[p]! * pairs + group[p]!);
    mainInB.add(pairB[p]! * pairs + group[p]!);
  }
  // Ranks within one of a line: its own, else the ranks of the lines around it.
  const near = ({ rank, lines }: { rank: Map<number, number>; lines: number[] }, line: number) => {
    const r = rank.get(line);
    if (r !== undefined) return [r - 1, r, r + 1];
    let lo = 0;
    let hi = lines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lines[mid]! < line) lo = mid + 1;
      else hi = mid;
    }
    return [lo - 1, lo];
  };
  // Other pairs: in a main pair's group through a seed's link, or by the group around them.
  // Pairs linked together decide together: one group they all agree on, else none (-2).
  const around = new Map<number, number>(); // root of linked pairs → group, -1 none yet, -2 none
  for (let p = 0; p < weight.length; p++) {
    if (isMain[p]) continue;
    const r0 = root(p);
    if (isMain[r0]) {
      group[p] = r0;
      continue;
    }
    let found = -1;
    for (const ra of near(inA, pairA[p]!))
      for (const rb of near(inB, pairB[p]!)) {
        const q = rb < 0 || rb >= stride - 1 ? undefined : at.get(ra * stride + rb);
        if (q === undefined) continue;
        const r = root(q);
        found = found === -1 || found === r ? r : -2;
      }
    if (found >= 0 && !mainInA.has(pairA[p]! * pairs + found) && !mainInB.has(pairB[p]! * pairs + found))
      found = -1;
    const before = around.get(r0) ?? -1;
    around.set(r0, before === -1 ? found : found === -1 || found === before ? before : -2);
  }
  for (let p = 0; p < weight.length; p++)
    if (group[p] === -1) group[p] = Math.max(-1, around.get(root(p)) ?? -1);
  return Int32Array.from(seedPair, (p) => group[p]!);
}

/** Splits a group by line-group label (see {@link lineGroups}), leaving out strays; undefined when it is one already. */
function splitByLabel(group: readonly number[], label: Int32Array): number[][] | undefined {
  const parts = new Map<number, number[]>();
  for (const s of group) {
    const l = label[s]!;
    if (l < 0) continue;
    const part = parts.get(l);
    if (part) part.push(s);
    else parts.set(l, [s]);
  }
  if (parts.size === 1 && parts.values().next().value!.length === group.length) return undefined;
  return [...parts.values()];
}

/** Appends `items` to `list` one by one: `list.push(...items)` overflows the call stack past ~120,000 items. */
function pushAll<T>(list: T[], items: readonly T[]): void {
  for (const item of items) list.push(item);
}

/** Clusters: split along A, then along B, again and again, until no gap splits any group. */
function clusterSeeds(seeds: Seeds, members: number[], maxGap: number): number[][] {
  const done: number[][] = [];
  const stack = [members];
  while (stack.length) {
    const group = stack.pop()!;
    const byA = splitByGaps(group, seeds.a0, seeds.a1, maxGap);
    if (byA.length > 1) {
      pushAll(stack, byA);
      continue;
    }
    const byB = splitByGaps(group, seeds.b0, seeds.b1, maxGap);
    if (byB.length > 1) pushAll(stack, byB);
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
 * The chain is built from exact seeds that are not stray matches between lines (`label` −1,
 * see {@link lineGroups}). Returns the chain and the kept seeds.
 */
function pruneCluster(
  seeds: Seeds,
  group: number[],
  e: Extent,
  label: Int32Array | undefined,
): { chain: number[]; kept: number[] } {
  const chain = heaviestChain(
    seeds,
    group.filter((s) => s < seeds.exact && (!label || label[s]! >= 0)),
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

const CLAUSE = 1;
const SENTENCE = 2;

/**
 * Where a passage's first word (`head`) or its end moves to on one side: out to the nearest
 * break of at least `level` (see {@link NearSide.breaks}) when that is at most `reach` words
 * away, else nowhere.
 */
function reachOut(breaks: Uint8Array, edge: number, head: boolean, level: number, reach: number): number {
  if (head) {
    let k = edge;
    while (k > 0 && breaks[k]! < level && edge - k < reach) k--;
    return k === 0 || breaks[k]! >= level ? k : edge;
  }
  let k = edge;
  while (k < breaks.length && breaks[k]! < level && k - edge < reach) k++;
  return k === breaks.length || breaks[k]! >= level ? k : edge;
}

/** True when a sentence (or line, or the text) begins at `edge` (head) or ends at it (tail). */
function atSentenceEdge(breaks: Uint8Array, edge: number, head: boolean): boolean {
  return head ? edge === 0 || breaks[edge]! >= SENTENCE : edge === breaks.length || breaks[edge]! >= SENTENCE;
}

/**
 * Moves a passage's edges out over the edited words that trimming cut off ("Kremlin adviser
 * Yuri" before a shared "Ushakov said"), never past punctuation into a neighbouring clause:
 * when both sides' edges fall inside a sentence, each side takes in the rest of its clause;
 * when one side's edge is a sentence's (or line's) edge, the other side takes in the rest of its
 * sentence (a clause one text added to, or cut from, a sentence the other has whole). At most
 * `reach` words per edge and side; nothing without {@link NearSide.breaks}.
 */
function snapEdges(a: NearSide, b: NearSide, e: Extent, reach: number): void {
  if (!a.breaks || !b.breaks || reach === 0) return;
  const [ba, bb] = [a.breaks, b.breaks];
  for (const head of [true, false]) {
    const [ea, eb] = head ? [e.a, e.b] : [e.aEnd, e.bEnd];
    const edgeA = atSentenceEdge(ba, ea, head);
    const edgeB = atSentenceEdge(bb, eb, head);
    if (edgeA && edgeB) continue;
    const na = edgeA ? ea : reachOut(ba, ea, head, edgeB ? SENTENCE : CLAUSE, reach);
    const nb = edgeB ? eb : reachOut(bb, eb, head, edgeA ? SENTENCE : CLAUSE, reach);
    if (head) [e.a, e.b] = [na, nb];
    else [e.aEnd, e.bEnd] = [na, nb];
  }
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
  const o: Required<NearOptions> = { looseSpan: 12, snapWords: 12, minSimilarity: 0, ...options };
  const seeds = collectSeeds(a, b, o);
  const found: NearMatch[] = [];
  const { minWords, maxGap } = o;
  const label = lineGroups(seeds, a, b, minWords);
  const pending = clusterSeeds(
    seeds,
    Array.from({ length: seeds.count }, (_, s) => s),
    maxGap,
  );
  while (pending.length) {
    const group = pending.pop()!;
    const e = extentOf(seeds, group);
    if (e.aEnd - e.a < minWords || e.bEnd - e.b < minWords) continue;
    const { chain, kept } = pruneCluster(seeds, group, e, label);
    if (chain.length === 0) continue; // loose evidence only: nothing anchors a diff
    if (kept.length < group.length) {
      pushAll(pending, clusterSeeds(seeds, kept, maxGap));
      continue;
    }
    const parts = label && splitByLabel(kept, label);
    if (parts) {
      for (const part of parts) pushAll(pending, clusterSeeds(seeds, part, maxGap));
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
      pushAll(pending, clusterSeeds(seeds, inside, maxGap));
      continue;
    }
    const density = Math.min(coverA.count / (e.aEnd - e.a), coverB.count / (e.bEnd - e.b));
    if (coverA.count < minWords || coverB.count < minWords || density < o.minDensity) continue;
    snapEdges(a, b, e, o.snapWords);
    const diff = diffExtent(a, b, seeds, chain, e);
    let equal = 0;
    for (const s of diff) if (s.op === 'equal') equal += s.aEnd - s.a;
    const similarity = (2 * equal) / (e.aEnd - e.a + e.bEnd - e.b);
    if (similarity < o.minSimilarity) continue;
    found.push({ ...e, equal, similarity, density, diff });
  }
  return found.sort((x, y) => x.a - y.a || x.b - y.b || x.aEnd - y.aEnd || x.bEnd - y.bEnd);
}

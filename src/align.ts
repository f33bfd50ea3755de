// Stage 4: paragraph alignment of A against B.
//
// Identical paragraphs are paired first, by grouping paragraphs by their words. Candidates for
// `near` pairs then come from an inverted index of the unpaired B paragraphs' shingles, so only
// paragraphs that share a shingle are ever compared (no all-pairs loop); a shingle found in more
// than `maxRepeats` of those paragraphs is boilerplate and left out. Pairs are chosen greedily,
// best first, one-to-one and regardless of order; pairs that break A's order are flagged `moved`.

import levenshtein from 'fast-levenshtein';
import { hashRange } from './hash.js';
import { KeyTable, longestIncreasing } from './sequence.js';
import { shingle, uniqueSorted } from './shingle.js';
import type { Paragraph } from './text.js';

/**
 * One side's input to {@link alignParagraphs}.
 *
 * @example
 * ```ts
 * // Word hashes serve as ids shared by both sides (compare() interns words to small integers).
 * const side = (t: Tokens): AlignSide => ({ paragraphs: segmentParagraphs(t), ids: t.hashes, hashes: t.hashes });
 * const sideA = side(tokenize(a));
 * ```
 */
export interface AlignSide {
  /** The text's paragraphs (from {@link segmentParagraphs}). */
  paragraphs: readonly Paragraph[];
  /** Word ids in a vocabulary shared with the other side (equal words, equal ids). */
  ids: Uint32Array;
  /** Word hashes ({@link Tokens.hashes}). */
  hashes: Uint32Array;
}

/**
 * Options for {@link alignParagraphs}.
 *
 * @example
 * ```ts
 * const { shingleSize, paragraphJaccard, paragraphEditSimilarity } = defaultCompareOptions;
 * const options: AlignOptions = { shingleSize, paragraphJaccard, paragraphEditSimilarity }; // compare()'s
 * ```
 */
export interface AlignOptions {
  /** Words per shingle. @default 5 */
  shingleSize: number;
  /** Least shingle Jaccard for an edited (`near`) pair. @default 0.1 */
  paragraphJaccard: number;
  /** Least normalised word edit similarity (1 − distance / longer length) that confirms a `near` pair. @default 0.45 */
  paragraphEditSimilarity: number;
  /**
   * A shingle found in more than this many of B's paragraphs left after identical pairing is
   * boilerplate (a "Read more: …" line under every paragraph): it neither proposes `near` pairs
   * nor counts in their Jaccard, on either side. Keeps the work near-linear on such texts.
   * 0 means no limit. @default 100
   */
  maxRepeats?: number;
}

/**
 * Kinds of paragraph pair: the same normalised words, or an edited version.
 *
 * @example
 * ```ts
 * const count: Record<PairKind, number> = { identical: 0, near: 0 };
 * for (const pair of compare(a, b).paragraphs) count[pair.kind]++;
 * ```
 */
export type PairKind = 'identical' | 'near';

/**
 * Two paragraphs paired by {@link alignParagraphs}, by index into each side's paragraphs.
 *
 * @example
 * ```ts
 * const side = (t: Tokens): AlignSide => ({ paragraphs: segmentParagraphs(t), ids: t.hashes, hashes: t.hashes });
 * const options = { shingleSize: 5, paragraphJaccard: 0.1, paragraphEditSimilarity: 0.45 };
 * const [first]: ParagraphMatch[] = alignParagraphs(side(tokenize(a)), side(tokenize(b)), options).pairs;
 * // e.g. { a: 0, b: 1, kind: 'near', similarity: 0.3, editSimilarity: 0.71, moved: true }
 * ```
 */
export interface ParagraphMatch {
  /** Paragraph index in A. */
  a: number;
  /** Paragraph index in B. */
  b: number;
  /** `identical` (same normalised words) or `near` (edited). */
  kind: PairKind;
  /** Jaccard similarity of the two paragraphs' shingle sets (1 for identical). */
  similarity: number;
  /** 1 − word edit distance / longer length (1 for identical); `null` when too long to compute. */
  editSimilarity: number | null;
  /** True when the pair is out of order relative to the other pairs. */
  moved: boolean;
}

/**
 * The result of {@link alignParagraphs}.
 *
 * @example
 * ```ts
 * const side = (t: Tokens): AlignSide => ({ paragraphs: segmentParagraphs(t), ids: t.hashes, hashes: t.hashes });
 * const options = { shingleSize: 5, paragraphJaccard: 0.1, paragraphEditSimilarity: 0.45 };
 * const result: ParagraphAlignment = alignParagraphs(side(tokenize(a)), side(tokenize(b)), options);
 * console.log(`${result.pairs.length} pairs; A's paragraphs ${result.unmatchedA.join(', ')} unpaired`);
 * ```
 */
export interface ParagraphAlignment {
  /** Pairs, in A's paragraph order. */
  pairs: ParagraphMatch[];
  /** Indices of A's paragraphs left unpaired. */
  unmatchedA: number[];
  /** Indices of B's paragraphs left unpaired. */
  unmatchedB: number[];
  /**
   * Distinct shingles found in more than `maxRepeats` of B's paragraphs left after identical
   * pairing, and so ignored as boilerplate (0 when that limit did not apply).
   */
  boilerplateShingles: number;
  /**
   * A's paragraphs with more candidate partners than are edit-compared (16), of which only the
   * best by Jaccard were (0 when that limit did not apply).
   */
  cappedParagraphs: number;
}

// Word edit distance runs on strings: each distinct word id becomes one UTF-16 code unit.
function wordStrings(a: Uint32Array, b: Uint32Array): [string, string] | undefined {
  const codes = new Map<number, number>();
  const encode = (ids: Uint32Array) => {
    const units = new Array<number>(ids.length);
    for (let i = 0; i < ids.length; i++) {
      let c = codes.get(ids[i]!);
      if (c === undefined) {
        c = codes.size < 0xd800 ? codes.size : codes.size + 0x800; // skip the surrogate block
        codes.set(ids[i]!, c);
      }
      units[i] = c;
    }
    return units;
  };
  const ua = encode(a);
  const ub = encode(b);
  if (codes.size > 0xffff - 0x800) return undefined;
  const str = (u: number[]) => {
    let s = '';
    for (let i = 0; i < u.length; i += 4096) s += String.fromCharCode(...u.slice(i, i + 4096));
    return s;
  };
  return [str(ua), str(ub)];
}

/**
 * Normalised word edit similarity, 1 − Levenshtein distance over words / the longer length.
 * Returns `undefined` when the pair is too large to compare: over 2³⁰ word pairs, or over
 * 63,487 distinct words (the distance runs on strings, one UTF-16 code unit per word).
 *
 * @example
 * ```ts
 * wordEditSimilarity(Uint32Array.of(1, 2, 3, 4), Uint32Array.of(1, 2, 9, 4)); // => 0.75
 * ```
 */
export function wordEditSimilarity(a: Uint32Array, b: Uint32Array): number | undefined {
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  if (a.length * b.length > 2 ** 30) return undefined;
  const strings = wordStrings(a, b);
  if (!strings) return undefined;
  return 1 - levenshtein.get(strings[0], strings[1]) / longer;
}

function sameIds(x: Uint32Array, y: Uint32Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * Most `near` candidates of one A paragraph whose edit similarity is computed: those with the
 * highest shingle Jaccard (then least drift). Ordinary text has one to three a paragraph; this
 * bounds the O(n·m) edit work when many paragraphs look alike (a sentence shared by dozens).
 */
export const MOST_CANDIDATES = 16;

interface Candidate {
  a: number;
  b: number;
  kind: PairKind;
  similarity: number;
  editSimilarity: number | null;
  drift: number; // distance between relative positions: prefers pairs that keep their place
}

// Best first: higher shingle Jaccard, then higher edit similarity, then the pair that keeps its
// place best, then by index (a total order: the result never depends on the order of discovery).
const bestFirst = (x: Candidate, y: Candidate): number =>
  y.similarity - x.similarity ||
  (y.editSimilarity ?? 0) - (x.editSimilarity ?? 0) ||
  x.drift - y.drift ||
  x.a - y.a ||
  x.b - y.b;

/**
 * Pairs every paragraph with an identical one (same words) where it can, one-to-one: the pairs
 * that a best-first choice over all identical pairs makes, without listing them all. Paragraphs
 * are grouped by their words (a hash of the word ids, checked word by word); different groups
 * never compete for a paragraph, and within a group, where every pair has similarity 1, best
 * first means least drift (then lower A index, then lower B index). See {@link closestFirst}.
 */
function identicalPairs(a: AlignSide, b: AlignSide, drift: (p: number, q: number) => number): Candidate[] {
  interface Group {
    words: Uint32Array;
    as: number[];
    bs: number[];
  }
  const groups = new Map<number, Group[]>();
  const groupOf = (side: AlignSide, p: Paragraph, create: boolean): Group | undefined => {
    const words = side.ids.subarray(p.firstToken, p.endToken);
    const key = hashRange(side.ids, p.firstToken, p.endToken);
    const list = groups.get(key) ?? [];
    const found = list.find((g) => sameIds(g.words, words));
    if (found || !create) return found;
    const group = { words, as: [], bs: [] };
    if (list.length === 0) groups.set(key, list);
    list.push(group);
    return group;
  };
  a.paragraphs.forEach((p, i) => {
    if (p.endToken > p.firstToken) groupOf(a, p, true)!.as.push(i);
  });
  b.paragraphs.forEach((p, i) => {
    if (p.endToken > p.firstToken) groupOf(b, p, false)?.bs.push(i);
  });
  const pairs: Candidate[] = [];
  for (const list of groups.values())
    for (const { as, bs } of list)
      for (const [p, q] of closestFirst(as, bs, drift))
        pairs.push({ a: p, b: q, kind: 'identical', similarity: 1, editSimilarity: 1, drift: drift(p, q) });
  return pairs;
}

/**
 * Greedy one-to-one matching of A's paragraphs `as` with B's `bs` (both ascending), closest pair
 * first by `drift` (ties: lower A index, then lower B index), in O(g log g) for g paragraphs
 * instead of over all |as| × |bs| pairs. Drift is the distance between relative positions on one
 * line, so the closest remaining pair of an A and a B paragraph is always two neighbours in
 * position order (anything between them is closer to one of them, since positions on one side
 * are distinct): a heap holds the neighbouring A–B pairs, and taking a pair out makes its outer
 * neighbours adjacent. Thousands of identical "Advertisement" paragraphs on each side pair in
 * order this way, rather than as millions of candidates.
 */
function* closestFirst(
  as: readonly number[],
  bs: readonly number[],
  drift: (p: number, q: number) => number,
): Generator<[number, number]> {
  if (as.length === 0 || bs.length === 0) return;
  if (as.length === 1 && bs.length === 1) {
    yield [as[0]!, bs[0]!];
    return;
  }
  // Entries 0..as.length−1 are A's paragraphs, the rest B's, linked in order of relative position.
  const n = as.length + bs.length;
  const isA = (e: number) => e < as.length;
  const paragraph = (e: number) => (isA(e) ? as[e]! : bs[e - as.length]!);
  const prev = new Int32Array(n);
  const next = new Int32Array(n);
  const place = (e: number) => (isA(e) ? drift(paragraph(e), 0) : drift(0, paragraph(e)));
  let last = -1;
  for (let i = 0, j = 0; i < as.length || j < bs.length; ) {
    const e = j === bs.length || (i < as.length && place(i) <= place(as.length + j)) ? i++ : as.length + j++;
    prev[e] = last;
    if (last !== -1) next[last] = e;
    last = e;
  }
  next[last] = -1;

  // A binary min-heap of neighbouring A–B pairs [drift, A paragraph, B paragraph, left, right].
  type Entry = [number, number, number, number, number];
  const heap: Entry[] = [];
  const less = (x: Entry, y: Entry) =>
    x[0] < y[0] || (x[0] === y[0] && (x[1] < y[1] || (x[1] === y[1] && x[2] < y[2])));
  const push = (left: number, right: number) => {
    if (left === -1 || right === -1 || isA(left) === isA(right)) return;
    const [p, q] = isA(left) ? [paragraph(left), paragraph(right)] : [paragraph(right), paragraph(left)];
    let i = heap.push([drift(p, q), p, q, left, right]) - 1;
    while (i > 0 && less(heap[i]!, heap[(i - 1) >> 1]!)) {
      [heap[i], heap[(i - 1) >> 1]] = [heap[(i - 1) >> 1]!, heap[i]!];
      i = (i - 1) >> 1;
    }
  };
  const pop = (): Entry => {
    const top = heap[0]!;
    const end = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = end;
      for (let i = 0; ; ) {
        let m = i;
        for (const c of [2 * i + 1, 2 * i + 2]) if (c < heap.length && less(heap[c]!, heap[m]!)) m = c;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };
  for (let e = 0; e < n; e++) push(e, next[e]!);
  const removed = new Uint8Array(n);
  while (heap.length > 0) {
    const [, p, q, left, right] = pop();
    // Entries are only ever removed, so two live entries that were neighbours still are.
    if (removed[left] || removed[right]) continue;
    removed[left] = removed[right] = 1;
    const before = prev[left]!;
    const after = next[right]!;
    if (before !== -1) next[before] = after;
    if (after !== -1) prev[after] = before;
    push(before, after);
    yield [p, q];
  }
}

/**
 * The word edit similarity of a pair when it reaches `least`, `null` when the pair is too large
 * to compute (then Jaccard alone decides), `undefined` when it falls short. Two cheap bounds come
 * first, so most pairs that cannot reach `least` skip the O(n·m) distance: the distance is at
 * least the longer length less the shorter, and at least the longer length less the words the
 * two have in common (counted as multisets).
 */
function confirmedEdit(wa: Uint32Array, wb: Uint32Array, least: number): number | null | undefined {
  const longer = Math.max(wa.length, wb.length);
  const computable = wa.length * wb.length <= 2 ** 30 && wa.length + wb.length <= 0xffff - 0x800;
  if (computable && longer > 0) {
    if (1 - (longer - Math.min(wa.length, wb.length)) / longer < least) return undefined;
    const x = wa.slice().sort();
    const y = wb.slice().sort();
    let common = 0;
    for (let i = 0, j = 0; i < x.length && j < y.length; )
      if (x[i]! < y[j]!) i++;
      else if (x[i]! > y[j]!) j++;
      else {
        common++;
        i++;
        j++;
      }
    if (1 - (longer - common) / longer < least) return undefined;
  }
  const edit = wordEditSimilarity(wa, wb);
  if (edit === undefined) return null;
  return edit >= least ? edit : undefined;
}

/**
 * Pairs A's paragraphs with B's: `identical` when the normalised words are the same, `near` when
 * their shingle Jaccard reaches `paragraphJaccard` (or the pair is listed in `evidence`, e.g.
 * because a near passage matches words across it) and their word edit similarity reaches
 * `paragraphEditSimilarity` (for pairs too long to edit-compare, Jaccard alone decides).
 * Each paragraph is used at most once; identical pairs are taken first, then the best `near`
 * pairs. Paragraphs may move: pairs outside the longest in-order chain are flagged `moved`.
 * Paragraphs without words are never paired.
 *
 * Near-linear on boilerplate: identical paragraphs (an "Advertisement" line between paragraphs)
 * pair by their words, without candidate pairs, and a shingle in more than `maxRepeats` of B's
 * paragraphs left after that is boilerplate: it proposes no `near` pairs and is left out of their
 * Jaccard (so a shared "Read more: …" line neither costs quadratic work nor makes unrelated
 * paragraphs look alike).
 *
 * @example
 * ```ts
 * const side = (t: Tokens): AlignSide => ({ paragraphs: segmentParagraphs(t), ids: t.hashes, hashes: t.hashes });
 * const { pairs, unmatchedA, unmatchedB } = alignParagraphs(side(tokenize(a)), side(tokenize(b)), {
 *   shingleSize: 5, paragraphJaccard: 0.1, paragraphEditSimilarity: 0.45,
 * });
 * ```
 */
export function alignParagraphs(
  a: AlignSide,
  b: AlignSide,
  options: AlignOptions,
  evidence: Iterable<readonly [number, number]> = [],
): ParagraphAlignment {
  const nA = Math.max(1, a.paragraphs.length);
  const nB = Math.max(1, b.paragraphs.length);
  const drift = (p: number, q: number) => Math.abs(p / nA - q / nB);
  const wordsOf = (side: AlignSide, p: Paragraph) => side.ids.subarray(p.firstToken, p.endToken);
  const setOf = (side: AlignSide, p: Paragraph) =>
    uniqueSorted(shingle(side.hashes.subarray(p.firstToken, p.endToken), options.shingleSize).hashes);

  const usedA = new Uint8Array(a.paragraphs.length);
  const usedB = new Uint8Array(b.paragraphs.length);
  const chosen = identicalPairs(a, b, drift);
  for (const c of chosen) usedA[c.a] = usedB[c.b] = 1;

  // Inverted index, shingle → unpaired paragraphs of B: the distinct shingles behind a typed hash
  // table, each with its paragraphs (ascending) in one typed array.
  const none = new Uint32Array(0);
  const setsB = b.paragraphs.map((p, q) => (usedB[q] ? none : setOf(b, p)));
  const entries = new Uint32Array(setsB.reduce((n, set) => n + set.length, 0));
  let filled = 0;
  for (const set of setsB) {
    entries.set(set, filled);
    filled += set.length;
  }
  const keys = uniqueSorted(entries);
  const index = new KeyTable(keys);
  const find = (h: number) => {
    for (let j = index.first(h); j !== -1; j = index.next[j]!) if (keys[j] === h) return j;
    return -1;
  };
  const start = new Int32Array(keys.length + 1);
  const keyOf = new Int32Array(entries.length);
  for (let e = 0; e < entries.length; e++) {
    keyOf[e] = find(entries[e]!);
    start[keyOf[e]! + 1]!++;
  }
  for (let k = 0; k < keys.length; k++) start[k + 1]! += start[k]!;
  const owners = new Int32Array(entries.length);
  const cursor = start.slice(0, keys.length);
  filled = 0;
  setsB.forEach((set, q) => {
    for (let i = 0; i < set.length; i++) owners[cursor[keyOf[filled++]!]!++] = q;
  });
  // Boilerplate: shingles in more than `limit` of these paragraphs, and how many each holds.
  const limit = options.maxRepeats ? options.maxRepeats : options.maxRepeats === 0 ? Infinity : 100;
  const mostCandidates = limit === Infinity ? Infinity : MOST_CANDIDATES;
  const boilerplate = new Int32Array(b.paragraphs.length);
  let boilerplateShingles = 0;
  for (let k = 0; k < keys.length; k++)
    if (start[k + 1]! - start[k]! > limit) {
      boilerplateShingles++;
      for (let e = start[k]!; e < start[k + 1]!; e++) boilerplate[owners[e]!]!++;
    }
  let cappedParagraphs = 0;

  const evidenced = new Map<number, Set<number>>();
  for (const [p, q] of evidence) {
    if (usedA[p] || usedB[q]) continue; // such pairs could never be chosen
    if (!evidenced.has(p)) evidenced.set(p, new Set());
    evidenced.get(p)!.add(q);
  }
  const near: Candidate[] = [];
  const shared = new Int32Array(b.paragraphs.length); // shared shingles with the current A paragraph
  const seen = new Int32Array(b.paragraphs.length); // p + 1 once shared[q] counts for paragraph p
  const touched: number[] = [];
  a.paragraphs.forEach((para, p) => {
    if (usedA[p]) return;
    const set = setOf(a, para);
    const proposed = evidenced.get(p);
    touched.length = 0;
    let size = set.length; // shingles of p that are not boilerplate
    const touch = (q: number) => {
      if (seen[q] === p + 1) return;
      seen[q] = p + 1;
      shared[q] = 0;
      touched.push(q);
    };
    for (const q of proposed ?? []) touch(q);
    for (const h of set) {
      const k = find(h);
      if (k === -1) continue;
      if (start[k + 1]! - start[k]! > limit) {
        size--;
        continue;
      }
      for (let e = start[k]!; e < start[k + 1]!; e++) {
        touch(owners[e]!);
        shared[owners[e]!]!++;
      }
    }
    const ranked: Candidate[] = [];
    for (const q of touched) {
      const count = shared[q]!;
      const similarity = count / (size + setsB[q]!.length - boilerplate[q]! - count || 1);
      if (similarity < options.paragraphJaccard && !proposed?.has(q)) continue;
      // Never identical: a pair with the same words would be in one group, paired above.
      ranked.push({ a: p, b: q, kind: 'near', similarity, editSimilarity: null, drift: drift(p, q) });
    }
    // Edit similarity, O(n·m) a pair, for the best candidates by Jaccard only (then by drift).
    if (ranked.length > mostCandidates) {
      ranked.sort(bestFirst).length = mostCandidates;
      cappedParagraphs++;
    }
    for (const c of ranked) {
      const edit = confirmedEdit(
        wordsOf(a, para),
        wordsOf(b, b.paragraphs[c.b]!),
        options.paragraphEditSimilarity,
      );
      if (edit === undefined) continue;
      c.editSimilarity = edit;
      near.push(c);
    }
  });

  near.sort(bestFirst);
  for (const c of near) {
    if (usedA[c.a] || usedB[c.b]) continue;
    usedA[c.a] = 1;
    usedB[c.b] = 1;
    chosen.push(c);
  }
  chosen.sort((x, y) => x.a - y.a);
  const inOrder = longestIncreasing(chosen.map((c) => c.b));
  const pairs = chosen.map(({ a, b, kind, similarity, editSimilarity }, i) => ({
    a,
    b,
    kind,
    similarity,
    editSimilarity,
    moved: !inOrder.has(i),
  }));
  const unmatched = (used: Uint8Array) => [...used.keys()].filter((i) => !used[i]);
  return {
    pairs,
    unmatchedA: unmatched(usedA),
    unmatchedB: unmatched(usedB),
    boilerplateShingles,
    cappedParagraphs,
  };
}

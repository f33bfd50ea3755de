// Stage 4: paragraph alignment of A against B.
//
// Candidate pairs come from an inverted index of B's paragraph shingles, so only paragraphs that
// share a shingle are ever compared (no all-pairs loop). Pairs are chosen greedily, best first,
// one-to-one and regardless of order; pairs that break A's order are then flagged `moved`.

import levenshtein from 'fast-levenshtein';
import { KeyTable, longestIncreasing } from './sequence.js';
import { shingle, uniqueSorted } from './shingle.js';
import type { Paragraph } from './text.js';

/** One side's input to {@link alignParagraphs}. */
export interface AlignSide {
  /** The text's paragraphs (from {@link segmentParagraphs}). */
  paragraphs: readonly Paragraph[];
  /** Word ids in a vocabulary shared with the other side (equal words, equal ids). */
  ids: Uint32Array;
  /** Word hashes ({@link Tokens.hashes}). */
  hashes: Uint32Array;
}

/** Options for {@link alignParagraphs}. */
export interface AlignOptions {
  /** Words per shingle. @default 5 */
  shingleSize: number;
  /** Least shingle Jaccard for an edited (`near`) pair. @default 0.1 */
  paragraphJaccard: number;
  /** Least normalised word edit similarity (1 − distance / longer length) that confirms a `near` pair. @default 0.45 */
  paragraphEditSimilarity: number;
}

/** Kinds of paragraph pair: the same normalised words, or an edited version. */
export type PairKind = 'identical' | 'near';

/** Two paragraphs paired by {@link alignParagraphs}, by index into each side's paragraphs. */
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

/** The result of {@link alignParagraphs}. */
export interface ParagraphAlignment {
  /** Pairs, in A's paragraph order. */
  pairs: ParagraphMatch[];
  /** Indices of A's paragraphs left unpaired. */
  unmatchedA: number[];
  /** Indices of B's paragraphs left unpaired. */
  unmatchedB: number[];
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

interface Candidate {
  a: number;
  b: number;
  kind: PairKind;
  similarity: number;
  editSimilarity: number | null;
  drift: number; // distance between relative positions: prefers pairs that keep their place
}

/**
 * Pairs A's paragraphs with B's: `identical` when the normalised words are the same, `near` when
 * their shingle Jaccard reaches `paragraphJaccard` (or the pair is listed in `evidence`, e.g.
 * because a near passage matches words across it) and their word edit similarity reaches
 * `paragraphEditSimilarity` (for pairs too long to edit-compare, Jaccard alone decides).
 * Each paragraph is used at most once; the best pairs are taken first. Paragraphs may move:
 * pairs outside the longest in-order chain are flagged `moved`. Paragraphs without words are
 * never paired.
 *
 * @example
 * ```ts
 * const { pairs, unmatchedA, unmatchedB } = alignParagraphs(sideA, sideB, {
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
  const wordsOf = (side: AlignSide, p: Paragraph) => side.ids.subarray(p.firstToken, p.endToken);
  const setsOf = (side: AlignSide) =>
    side.paragraphs.map((p) =>
      uniqueSorted(shingle(side.hashes.subarray(p.firstToken, p.endToken), options.shingleSize).hashes),
    );
  const setsA = setsOf(a);
  const setsB = setsOf(b);

  // Inverted index, shingle → paragraphs of B: every B paragraph's shingles in one typed array
  // with their owners, behind a typed hash table.
  const ownerB = new Int32Array(setsB.reduce((n, set) => n + set.length, 0));
  const shinglesB = new Uint32Array(ownerB.length);
  let filled = 0;
  setsB.forEach((set, q) => {
    shinglesB.set(set, filled);
    ownerB.fill(q, filled, filled + set.length);
    filled += set.length;
  });
  const index = new KeyTable(shinglesB);

  const candidates: Candidate[] = [];
  const nA = Math.max(1, a.paragraphs.length);
  const nB = Math.max(1, b.paragraphs.length);
  const evidenced = new Map<number, Set<number>>();
  for (const [p, q] of evidence) {
    if (!evidenced.has(p)) evidenced.set(p, new Set());
    evidenced.get(p)!.add(q);
  }
  setsA.forEach((set, p) => {
    const shared = new Map<number, number>();
    for (const q of evidenced.get(p) ?? []) shared.set(q, 0);
    for (const h of set)
      for (let j = index.first(h); j !== -1; j = index.next[j]!)
        if (shinglesB[j] === h) shared.set(ownerB[j]!, (shared.get(ownerB[j]!) ?? 0) + 1);
    for (const [q, count] of shared) {
      const similarity = count / (set.length + setsB[q]!.length - count || 1);
      if (similarity < options.paragraphJaccard && !evidenced.get(p)?.has(q)) continue;
      const wa = wordsOf(a, a.paragraphs[p]!);
      const wb = wordsOf(b, b.paragraphs[q]!);
      const drift = Math.abs(p / nA - q / nB);
      if (similarity === 1 && sameIds(wa, wb)) {
        candidates.push({ a: p, b: q, kind: 'identical', similarity: 1, editSimilarity: 1, drift });
      } else {
        const edit = wordEditSimilarity(wa, wb);
        if (edit === undefined || edit >= options.paragraphEditSimilarity)
          candidates.push({
            a: p,
            b: q,
            kind: 'near',
            similarity,
            editSimilarity: edit ?? null,
            drift,
          });
      }
    }
  });

  candidates.sort(
    (x, y) =>
      Number(y.kind === 'identical') - Number(x.kind === 'identical') ||
      y.similarity - x.similarity ||
      (y.editSimilarity ?? 0) - (x.editSimilarity ?? 0) ||
      x.drift - y.drift ||
      x.a - y.a ||
      x.b - y.b,
  );
  const usedA = new Uint8Array(a.paragraphs.length);
  const usedB = new Uint8Array(b.paragraphs.length);
  const chosen: Candidate[] = [];
  for (const c of candidates) {
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
  return { pairs, unmatchedA: unmatched(usedA), unmatchedB: unmatched(usedB) };
}

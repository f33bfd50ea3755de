// The PAN text-alignment measures (Potthast, Stein, Barrón-Cedeño and Rosso, "An Evaluation
// Framework for Plagiarism Detection", COLING 2010), as scored in the PAN 2012–2015 text
// alignment tasks: character-level macro precision and recall over both documents, granularity,
// and plagdet = F1 / log2(1 + granularity).
//
// Conventions follow the official script, pan-webis-de/pan-code
// clef13/text-alignment/pan13-text-alignment-perfmeasures.py (version 1.3, the same code as
// sepln09/pan09-plagiarism-detection-performance-measures.py):
// - a detection r detects a case s iff their ranges overlap in A and in B (`is_overlapping`);
// - recall of s counts only the characters of s covered by detections that detect s, on both
//   sides, over |s.a| + |s.b| (`case_recall`, `overlapping_chars`); precision is the same with
//   the roles swapped (`macro_avg_precision` calls `macro_avg_recall(detections, cases)`);
// - macro averages run over all cases (all detections) of the collection; a case is only ever
//   matched with detections of its own document pair (`index_annotations`);
// - no cases and no detections: recall = precision = 1; exactly one of the two empty: both 0;
// - granularity is 1 when there are no detections or no case is detected;
// - plagdet is 0 when recall and precision are both 0.
// Character sets are unions of ranges, counted by sorting and merging: no per-character arrays.

import { NeardupError } from '../errors.js';
import type { Range } from '../text.js';

/**
 * A case or a detection: a range of document A (the source) aligned with a range of document B (the suspicious one).
 *
 * @example
 * ```ts
 * // neardup's detections for a pair: its passages' ranges.
 * const detections: PanAnnotation[] = compare(a, b).passages.map((p) => ({ a: p.a, b: p.b }));
 * ```
 */
export interface PanAnnotation {
  /** The range in document A, in UTF-16 code units, end exclusive, never empty. */
  a: Range;
  /** The range in document B, likewise. */
  b: Range;
}

/**
 * One document pair of an evaluation collection: its true reuse cases and a system's detections.
 *
 * @example
 * ```ts
 * const pair: PanDocumentPair = {
 *   cases: [{ a: { start: 0, end: a.length }, b: { start: 0, end: b.length } }], // B reuses all of A
 *   detections: compare(a, b).passages.filter((p) => p.kind === 'near').map((p) => ({ a: p.a, b: p.b })),
 * };
 * panMeasures([pair]).recall;
 * ```
 */
export interface PanDocumentPair {
  /** The ground truth: passages of A reused in B. */
  cases: readonly PanAnnotation[];
  /** What the system under test reported for this pair. */
  detections: readonly PanAnnotation[];
}

/**
 * The PAN measures of a collection, as computed by {@link panMeasures}.
 *
 * @example
 * ```ts
 * const half = { a: { start: 0, end: 50 }, b: { start: 0, end: 50 } };
 * const m: PanMeasures = panMeasures([
 *   { cases: [{ a: { start: 0, end: 100 }, b: { start: 0, end: 100 } }], detections: [half] },
 * ]);
 * [m.precision, m.recall, m.plagdet]; // => [1, 0.5, 0.667]
 * ```
 */
export interface PanMeasures {
  /** Macro precision: the mean, over all detections, of the share of a detection's characters that lie in cases it detects. */
  precision: number;
  /** Macro recall: the mean, over all cases, of the share of a case's characters covered by detections that detect it. */
  recall: number;
  /** Mean number of detections per detected case (1 is ideal; 1 when nothing is detected). */
  granularity: number;
  /** F1 of precision and recall divided by log2(1 + granularity), 0..1. */
  plagdet: number;
  /** Number of cases in the collection. */
  cases: number;
  /** Number of detections in the collection. */
  detections: number;
  /** Number of cases detected by at least one detection. */
  detectedCases: number;
}

const overlaps = (x: Range, y: Range): boolean => x.start < y.end && y.start < x.end;

/** PAN's `is_overlapping` for external plagiarism: overlap in A and in B. */
const detects = (r: PanAnnotation, s: PanAnnotation): boolean => overlaps(r.a, s.a) && overlaps(r.b, s.b);

const size = (r: Range): number => r.end - r.start;

/** Characters of `target` covered by the union of `others` (clipped to `target`, sorted, merged). */
function coveredChars(target: Range, others: readonly Range[]): number {
  const clipped: [number, number][] = [];
  for (const o of others) {
    const start = Math.max(target.start, o.start);
    const end = Math.min(target.end, o.end);
    if (start < end) clipped.push([start, end]);
  }
  clipped.sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let reach = target.start; // end of the union so far
  for (const [start, end] of clipped) {
    if (end <= reach) continue;
    covered += end - Math.max(start, reach);
    reach = end;
  }
  return covered;
}

/** Share of `x`'s characters, over both documents, covered by `hits` (PAN's `case_recall`). */
function coveredShare(x: PanAnnotation, hits: readonly PanAnnotation[]): number {
  if (hits.length === 0) return 0;
  const covered =
    coveredChars(
      x.a,
      hits.map((h) => h.a),
    ) +
    coveredChars(
      x.b,
      hits.map((h) => h.b),
    );
  return covered / (size(x.a) + size(x.b));
}

function checkRange(r: unknown, where: string): void {
  const range = r as Range | null | undefined;
  if (
    range === null ||
    typeof range !== 'object' ||
    !Number.isInteger(range.start) ||
    !Number.isInteger(range.end) ||
    range.start < 0 ||
    range.start >= range.end
  )
    throw new NeardupError(
      `${where} must be a range { start, end } with integers 0 ≤ start < end, got ${JSON.stringify(r) ?? String(r)}`,
    );
}

function checkAnnotations(list: unknown, where: string): void {
  if (!Array.isArray(list)) throw new NeardupError(`${where} must be an array, got ${typeof list}`);
  list.forEach((x: PanAnnotation | null | undefined, i) => {
    if (x === null || typeof x !== 'object')
      throw new NeardupError(
        `${where}[${i}] must be an object { a, b }, got ${x === null ? 'null' : typeof x}`,
      );
    checkRange(x.a, `${where}[${i}].a`);
    checkRange(x.b, `${where}[${i}].b`);
  });
}

/**
 * Scores detections against true reuse cases with the PAN text-alignment measures (Potthast et
 * al. 2010; PAN 2012–2015): character-level macro precision and recall over both documents,
 * granularity, and plagdet = F1 / log2(1 + granularity).
 *
 * A detection detects a case when their ranges overlap in A and in B; a detection that overlaps
 * a case on one side only detects nothing. Averages run over every case and every detection of
 * the whole collection; each is matched only within its own document pair. Edge cases follow the
 * official PAN script: with no cases and no detections precision and recall are 1; with cases but
 * no detections, or detections but no cases, both are 0; granularity is 1 when no case is
 * detected. Work is O(cases × detections) per document pair, plus sorting.
 *
 * @param pairs - the collection: for each document pair, its cases and the detections to score.
 * @throws {@link NeardupError} naming the bad entry if `pairs`, a pair's `cases` or its `detections`
 * is not an array, an entry is not an object, or a range is not `{ start, end }` with integers
 * `0 ≤ start < end`.
 * @example
 * ```ts
 * import { panMeasures } from 'neardup';
 *
 * const m = panMeasures([
 *   {
 *     cases: [{ a: { start: 0, end: 100 }, b: { start: 0, end: 100 } }],
 *     // The case found in two halves: full recall and precision, granularity 2.
 *     detections: [
 *       { a: { start: 0, end: 50 }, b: { start: 0, end: 50 } },
 *       { a: { start: 50, end: 100 }, b: { start: 50, end: 100 } },
 *     ],
 *   },
 * ]);
 * m.granularity; // => 2
 * m.plagdet;     // => 1 / Math.log2(3) ≈ 0.631
 * ```
 */
export function panMeasures(pairs: readonly PanDocumentPair[]): PanMeasures {
  if (!Array.isArray(pairs as unknown))
    throw new NeardupError(`panMeasures() takes an array of document pairs, got ${typeof pairs}`);
  let cases = 0;
  let detections = 0;
  let recallSum = 0;
  let precisionSum = 0;
  let detectedCases = 0;
  let detectionsOfDetectedCases = 0;
  pairs.forEach((pair, p) => {
    if (pair === null || typeof pair !== 'object')
      throw new NeardupError(
        `pairs[${p}] must be an object { cases, detections }, got ${pair === null ? 'null' : typeof pair}`,
      );
    checkAnnotations(pair.cases, `pairs[${p}].cases`);
    checkAnnotations(pair.detections, `pairs[${p}].detections`);
    cases += pair.cases.length;
    detections += pair.detections.length;
    for (const s of pair.cases) {
      const hits = pair.detections.filter((r) => detects(r, s));
      recallSum += coveredShare(s, hits);
      if (hits.length > 0) {
        detectedCases++;
        detectionsOfDetectedCases += hits.length;
      }
    }
    for (const r of pair.detections)
      precisionSum += coveredShare(
        r,
        pair.cases.filter((s) => detects(r, s)),
      );
  });

  let recall: number;
  let precision: number;
  if (cases === 0 && detections === 0) {
    recall = 1;
    precision = 1;
  } else if (cases === 0 || detections === 0) {
    recall = 0;
    precision = 0;
  } else {
    recall = recallSum / cases;
    precision = precisionSum / detections;
  }
  const granularity = detectedCases === 0 ? 1 : detectionsOfDetectedCases / detectedCases;
  const f1 = recall + precision === 0 ? 0 : (2 * recall * precision) / (recall + precision);
  return {
    precision,
    recall,
    granularity,
    plagdet: f1 / Math.log2(1 + granularity),
    cases,
    detections,
    detectedCases,
  };
}

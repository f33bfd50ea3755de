// Turning a compare() report into PAN detections.

import type { PanAnnotation, Report } from '../../src/index.js';
import type { Range } from '../../src/text.js';

const within = (x: Range, y: Range): boolean => y.start <= x.start && x.end <= y.end;

/**
 * The detections a report makes: every `near` passage, plus every `verbatim` passage that is not
 * part of a near passage (listed in its `verbatim` indices, or lying inside its ranges on both
 * sides). A verbatim run inside a near passage is the same reuse seen twice; counting it again
 * would only raise granularity.
 */
export function detectionsFromReport(report: Pick<Report, 'passages'>): PanAnnotation[] {
  const near = report.passages.filter((p) => p.kind === 'near');
  const inNear = new Set<number>();
  for (const p of near) for (const i of p.verbatim) inNear.add(i);
  const detections: PanAnnotation[] = [];
  report.passages.forEach((p, i) => {
    if (p.kind === 'verbatim' && (inNear.has(i) || near.some((n) => within(p.a, n.a) && within(p.b, n.b))))
      return;
    detections.push({ a: { start: p.a.start, end: p.a.end }, b: { start: p.b.start, end: p.b.end } });
  });
  return detections;
}

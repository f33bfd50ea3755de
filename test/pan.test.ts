import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NeardupError, type PanAnnotation, panMeasures } from '../src/index.js';

/** An annotation with the given ranges in A and B. */
const ann = (aStart: number, aEnd: number, bStart: number, bEnd: number): PanAnnotation => ({
  a: { start: aStart, end: aEnd },
  b: { start: bStart, end: bEnd },
});

// The case used throughout: 100 characters of A reused as 100 characters of B.
const CASE = ann(0, 100, 0, 100);

describe('panMeasures: hand-computed collections', () => {
  it('perfect detection scores 1 / 1 / 1 / 1', () => {
    expect(panMeasures([{ cases: [CASE], detections: [ann(0, 100, 0, 100)] }])).toEqual({
      precision: 1,
      recall: 1,
      granularity: 1,
      plagdet: 1,
      cases: 1,
      detections: 1,
      detectedCases: 1,
    });
  });

  it('a detection covering half the case: recall 1/2, precision 1, plagdet 2/3', () => {
    // recall = (50 + 50) / (100 + 100) = 0.5; precision = (50 + 50) / (50 + 50) = 1;
    // F1 = 2·0.5·1 / 1.5 = 2/3; granularity 1, so plagdet = F1 / log2(2) = 2/3.
    const m = panMeasures([{ cases: [CASE], detections: [ann(0, 50, 0, 50)] }]);
    expect(m.recall).toBe(0.5);
    expect(m.precision).toBe(1);
    expect(m.granularity).toBe(1);
    expect(m.plagdet).toBeCloseTo(2 / 3, 12);
  });

  it('a case found in two pieces: granularity 2, plagdet 1/log2(3)', () => {
    // Both halves together cover the case: recall 1; each half lies inside it: precision 1.
    // Two detections for one detected case: granularity 2; plagdet = 1 / log2(1 + 2) ≈ 0.631.
    const m = panMeasures([{ cases: [CASE], detections: [ann(0, 50, 0, 50), ann(50, 100, 50, 100)] }]);
    expect(m).toMatchObject({ precision: 1, recall: 1, granularity: 2, detectedCases: 1, detections: 2 });
    expect(m.plagdet).toBeCloseTo(1 / Math.log2(3), 12);
    expect(m.plagdet).toBeCloseTo(0.63093, 5);
  });

  it('overlapping detections count their shared characters once', () => {
    // [0,60) and [40,100) on both sides: their union is the whole case (recall 1, not 1.2);
    // each lies inside the case (precision 1); two detections of one case: granularity 2.
    const m = panMeasures([{ cases: [CASE], detections: [ann(0, 60, 0, 60), ann(40, 100, 40, 100)] }]);
    expect(m).toMatchObject({ precision: 1, recall: 1, granularity: 2 });
  });

  it('a false positive halves precision but leaves granularity alone', () => {
    // The exact detection has precision 1, the stray one (A [200,300), B [200,300)) precision 0:
    // macro precision (1 + 0) / 2 = 0.5. Recall 1. The stray one detects no case, so
    // granularity stays 1. F1 = 2·1·0.5 / 1.5 = 2/3 = plagdet.
    const m = panMeasures([{ cases: [CASE], detections: [ann(0, 100, 0, 100), ann(200, 300, 200, 300)] }]);
    expect(m).toMatchObject({ precision: 0.5, recall: 1, granularity: 1, detectedCases: 1 });
    expect(m.plagdet).toBeCloseTo(2 / 3, 12);
  });

  it('a detection overlapping the case on one side only detects nothing', () => {
    // Same A range, but B [500,600) misses the case's B [0,100): no detection, so recall 0 and
    // precision 0 (its A characters do not count either), granularity 1, plagdet 0.
    for (const detection of [ann(0, 100, 500, 600), ann(500, 600, 0, 100)])
      expect(panMeasures([{ cases: [CASE], detections: [detection] }])).toEqual({
        precision: 0,
        recall: 0,
        granularity: 1,
        plagdet: 0,
        cases: 1,
        detections: 1,
        detectedCases: 0,
      });
  });

  it('ranges that only touch do not overlap (ends are exclusive)', () => {
    const m = panMeasures([{ cases: [CASE], detections: [ann(100, 200, 0, 100)] }]);
    expect(m.detectedCases).toBe(0);
  });

  it('counts characters on both sides: a longer B side weighs more', () => {
    // Case: 100 characters of A, 300 of B. Detection: all of A's 100, the first 150 of B.
    // recall = (100 + 150) / (100 + 300) = 0.625; precision = (100 + 150) / (100 + 150) = 1;
    // F1 = 2·0.625 / 1.625 = 10/13.
    const m = panMeasures([{ cases: [ann(0, 100, 0, 300)], detections: [ann(0, 100, 0, 150)] }]);
    expect(m.recall).toBe(0.625);
    expect(m.precision).toBe(1);
    expect(m.plagdet).toBeCloseTo(10 / 13, 12);
  });

  it('one detection spanning two cases and the gap between them', () => {
    // Cases A/B [0,100) and [200,300); detection [0,300) on both sides. Each case is fully
    // covered: recall 1. The detection's 600 characters hold 400 case characters: precision 2/3.
    // Each case has one detection: granularity 1. F1 = 2·(2/3) / (5/3) = 0.8.
    const m = panMeasures([{ cases: [CASE, ann(200, 300, 200, 300)], detections: [ann(0, 300, 0, 300)] }]);
    expect(m.recall).toBe(1);
    expect(m.precision).toBeCloseTo(2 / 3, 12);
    expect(m.granularity).toBe(1);
    expect(m.plagdet).toBeCloseTo(0.8, 12);
  });

  it('a detection only covers characters of the cases it detects', () => {
    // Case 2 sits at A [200,300) but B [500,600); the detection A [0,300) B [0,300) overlaps it
    // in A only, so it detects case 1 alone. recall = (1 + 0) / 2; precision = 200 / 600.
    const m = panMeasures([{ cases: [CASE, ann(200, 300, 500, 600)], detections: [ann(0, 300, 0, 300)] }]);
    expect(m.recall).toBe(0.5);
    expect(m.precision).toBeCloseTo(1 / 3, 12);
    expect(m.detectedCases).toBe(1);
  });

  it('averages over the whole collection, matching only within each document pair', () => {
    // Pair 1: perfect. Pair 2: one case, undetected. Pair 3: one stray detection at the very
    // ranges of pair 1's case, which must not count for pair 1.
    // recall = (1 + 0) / 2 = 0.5; precision = (1 + 0) / 2 = 0.5; granularity 1; plagdet 0.5.
    const m = panMeasures([
      { cases: [CASE], detections: [ann(0, 100, 0, 100)] },
      { cases: [ann(10, 20, 30, 40)], detections: [] },
      { cases: [], detections: [ann(0, 100, 0, 100)] },
    ]);
    expect(m).toEqual({
      precision: 0.5,
      recall: 0.5,
      granularity: 1,
      plagdet: 0.5,
      cases: 2,
      detections: 2,
      detectedCases: 1,
    });
  });

  it('granularity averages over detected cases only', () => {
    // Case 1 found in 3 pieces, case 2 in 1, case 3 not at all: (3 + 1) / 2 = 2.
    const m = panMeasures([
      {
        cases: [CASE, ann(200, 300, 200, 300), ann(400, 500, 400, 500)],
        detections: [ann(0, 30, 0, 30), ann(30, 60, 30, 60), ann(60, 100, 60, 100), ann(200, 300, 200, 300)],
      },
    ]);
    expect(m.granularity).toBe(2);
    expect(m.detectedCases).toBe(2);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.precision).toBe(1);
  });
});

describe('panMeasures: empty inputs (the PAN script’s conventions)', () => {
  const perfect = {
    precision: 1,
    recall: 1,
    granularity: 1,
    plagdet: 1,
    cases: 0,
    detections: 0,
    detectedCases: 0,
  };

  it('no pairs, or pairs with no cases and no detections: everything is 1', () => {
    expect(panMeasures([])).toEqual(perfect);
    expect(
      panMeasures([
        { cases: [], detections: [] },
        { cases: [], detections: [] },
      ]),
    ).toEqual(perfect);
  });

  it('cases but no detections: recall 0, precision 0, granularity 1, plagdet 0', () => {
    expect(panMeasures([{ cases: [CASE], detections: [] }])).toEqual({
      ...perfect,
      precision: 0,
      recall: 0,
      plagdet: 0,
      cases: 1,
    });
  });

  it('detections but no cases (a negative pair with a false positive): all 0', () => {
    expect(panMeasures([{ cases: [], detections: [CASE] }])).toEqual({
      ...perfect,
      precision: 0,
      recall: 0,
      plagdet: 0,
      detections: 1,
    });
  });
});

describe('panMeasures: input checks', () => {
  it('rejects bad ranges, naming the entry and the value', () => {
    expect(() => panMeasures([{ cases: [ann(5, 5, 0, 10)], detections: [] }])).toThrow(
      'neardup: pairs[0].cases[0].a must be a range { start, end } with integers 0 ≤ start < end, got {"start":5,"end":5}',
    );
    expect(() => panMeasures([{ cases: [], detections: [ann(0, 10, -1, 3)] }])).toThrow(
      'pairs[0].detections[0].b must be a range',
    );
    expect(() => panMeasures([{ cases: [], detections: [ann(0, 1.5, 0, 3)] }])).toThrow(NeardupError);
    expect(() =>
      panMeasures([{ cases: [{ a: { start: 0, end: 3 } } as PanAnnotation], detections: [] }]),
    ).toThrow(
      'pairs[0].cases[0].b must be a range { start, end } with integers 0 ≤ start < end, got undefined',
    );
  });

  it('rejects a collection or a pair of the wrong shape', () => {
    expect(() => panMeasures('x' as never)).toThrow(
      'neardup: panMeasures() takes an array of document pairs, got string',
    );
    expect(() => panMeasures([null as never])).toThrow(
      'pairs[0] must be an object { cases, detections }, got null',
    );
    expect(() => panMeasures([{ cases: [] } as never])).toThrow(
      'pairs[0].detections must be an array, got undefined',
    );
    expect(() => panMeasures([{ cases: [7], detections: [] } as never])).toThrow(
      'pairs[0].cases[0] must be an object { a, b }, got number',
    );
  });
});

// Brute force over characters: the definition read literally, to check the interval arithmetic.
function bruteForce(pairs: { cases: PanAnnotation[]; detections: PanAnnotation[] }[]) {
  const inRange = (r: { start: number; end: number }, i: number) => i >= r.start && i < r.end;
  const detects = (r: PanAnnotation, s: PanAnnotation) =>
    r.a.start < s.a.end && s.a.start < r.a.end && r.b.start < s.b.end && s.b.start < r.b.end;
  const share = (x: PanAnnotation, hits: PanAnnotation[]) => {
    let covered = 0;
    for (let i = x.a.start; i < x.a.end; i++) if (hits.some((h) => inRange(h.a, i))) covered++;
    for (let i = x.b.start; i < x.b.end; i++) if (hits.some((h) => inRange(h.b, i))) covered++;
    return covered / (x.a.end - x.a.start + x.b.end - x.b.start);
  };
  let rec = 0;
  let prec = 0;
  let nS = 0;
  let nR = 0;
  let detected = 0;
  let perCase = 0;
  for (const { cases, detections } of pairs) {
    nS += cases.length;
    nR += detections.length;
    for (const s of cases) {
      const hits = detections.filter((r) => detects(r, s));
      rec += share(s, hits);
      if (hits.length) {
        detected++;
        perCase += hits.length;
      }
    }
    for (const r of detections)
      prec += share(
        r,
        cases.filter((s) => detects(r, s)),
      );
  }
  return {
    recall: nS === 0 ? (nR === 0 ? 1 : 0) : nR === 0 ? 0 : rec / nS,
    precision: nR === 0 ? (nS === 0 ? 1 : 0) : nS === 0 ? 0 : prec / nR,
    granularity: detected === 0 ? 1 : perCase / detected,
  };
}

describe('panMeasures: properties', () => {
  const range = fc
    .tuple(fc.nat({ max: 60 }), fc.integer({ min: 1, max: 40 }))
    .map(([start, length]) => ({ start, end: start + length }));
  const annotation = fc.record({ a: range, b: range });
  const collection = fc.array(
    fc.record({
      cases: fc.array(annotation, { maxLength: 4 }),
      detections: fc.array(annotation, { maxLength: 5 }),
    }),
    { maxLength: 4 },
  );

  it('agrees with a character-by-character count and stays in range', () => {
    fc.assert(
      fc.property(collection, (pairs) => {
        const m = panMeasures(pairs);
        const oracle = bruteForce(pairs);
        expect(m.recall).toBeCloseTo(oracle.recall, 12);
        expect(m.precision).toBeCloseTo(oracle.precision, 12);
        expect(m.granularity).toBeCloseTo(oracle.granularity, 12);
        for (const v of [m.precision, m.recall, m.plagdet]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        expect(m.granularity).toBeGreaterThanOrEqual(1);
      }),
    );
  });

  it('detections equal to disjoint cases score 1', () => {
    // Cases laid end to end in both documents never overlap one another.
    const lengths = fc.array(fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 })), {
      minLength: 1,
      maxLength: 6,
    });
    fc.assert(
      fc.property(lengths, (ls) => {
        let a = 0;
        let b = 0;
        const cases = ls.map(([la, lb]) => {
          const c = ann(a, a + la, b, b + lb);
          a += la + 1;
          b += lb + 1;
          return c;
        });
        expect(panMeasures([{ cases, detections: [...cases].reverse() }]).plagdet).toBe(1);
      }),
    );
  });
});

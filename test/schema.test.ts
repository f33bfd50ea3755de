// docs/report.schema.json (JSON Schema 2020-12) against real reports: the seeds in both modes,
// generated pairs, planted pairs with tricky characters, empty texts, a report with warnings.
// Negative cases show the schema is not permissive: every object closes its properties, and
// each single mutation of a valid report (an extra field, a wrong kind, a bad range …) fails.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv2020 from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compare, defaultCompareOptions, formatJson, type Report } from '../src/index.js';
import { fcParams, plantedPairArb } from './generators.js';
import { withParagraphNearPassages } from './near-fixtures.js';
import { textPairWithJaccard } from './text-generators.js';

// Read the way users get it: the package's export `neardup/report.schema.json` (a self-reference).
const schemaFile = createRequire(import.meta.url).resolve('neardup/report.schema.json');
const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
const ajv = new Ajv2020({ strict: true, allErrors: true });
const validate = ajv.compile(schema);
const A = readFileSync(new URL('../seeds/kim-warm-feelings.txt', import.meta.url), 'utf8');
const B = readFileSync(new URL('../seeds/putin-kim-thursday.txt', import.meta.url), 'utf8');

/** The report as a reader gets it: through JSON. */
const asJson = (report: Report) => JSON.parse(formatJson(report));
const errorsOf = (value: unknown) =>
  validate(value) ? [] : ajv.errorsText(validate.errors, { separator: '\n' });

it('is the file docs/ describes, exported as neardup/report.schema.json', () => {
  expect(schemaFile).toBe(new URL('../docs/report.schema.json', import.meta.url).pathname);
});

describe('report.schema.json accepts real reports', () => {
  it.each([
    ['the seeds (near mode, the default)', () => compare(A, B)],
    ['the seeds, verbatim mode', () => compare(A, B, { mode: 'verbatim' })],
    ['the seeds with jsdiff-built near passages', () => withParagraphNearPassages(compare(A, B), A, B)],
    [
      'the seeds with every option set',
      () =>
        compare(A, B, {
          shingleSize: 3,
          numPerm: 64,
          seed: 7,
          minWords: 5,
          maxRepeats: 0,
          paragraphJaccard: 0.2,
          paragraphEditSimilarity: 0.5,
          stopWords: ['the', 'a'],
        }),
    ],
    ['empty texts', () => compare('', '')],
    ['one empty text', () => compare(A, '')],
    [
      'a degenerate pair that sets off maxRepeats (with a warning)',
      () => compare('na '.repeat(300), 'na '.repeat(300), { maxRepeats: 10 }),
    ],
    ...[0.1, 0.5, 0.9].map((j): [string, () => Report] => [
      `a generated pair with Jaccard ≈ ${j}`,
      () => {
        const [a, b] = textPairWithJaccard(j, 40, 11);
        return compare(a, b);
      },
    ]),
  ])('%s', (_, make) => {
    const report = make();
    expect(errorsOf(asJson(report))).toEqual([]);
  });

  it('the degenerate pair does carry a warning (so warnings are covered)', () => {
    expect(compare('na '.repeat(300), 'na '.repeat(300), { maxRepeats: 10 }).warnings.length).toBeGreaterThan(
      0,
    );
  });

  it('accepts planted pairs of random texts (property)', () => {
    fc.assert(
      fc.property(plantedPairArb({ minWords: 6 }), ({ a, b }) => {
        expect(errorsOf(asJson(compare(a, b, { minWords: 6 })))).toEqual([]);
      }),
      fcParams(60),
    );
  });

  it('lists exactly the options compare() reports', () => {
    // When an option is added to compare(), add it to the schema's options too.
    expect(Object.keys(schema.$defs.options.properties).sort()).toEqual(
      Object.keys(defaultCompareOptions).sort(),
    );
    expect([...schema.$defs.options.required].sort()).toEqual(Object.keys(defaultCompareOptions).sort());
  });
});

describe('report.schema.json is not permissive', () => {
  it('closes every object it describes', () => {
    const open: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (Array.isArray(node)) {
        for (const [i, n] of node.entries()) walk(n, `${path}/${i}`);
      } else if (node && typeof node === 'object') {
        const o = node as Record<string, unknown>;
        if (o.type === 'object' && o.additionalProperties !== false) open.push(path);
        for (const [k, v] of Object.entries(o)) walk(v, `${path}/${k}`);
      }
    };
    walk(schema, '#');
    expect(open).toEqual([]);
  });

  it('rejects an empty object and other schemas', () => {
    expect(validate({})).toBe(false);
    expect(validate({ ...asJson(compare(A, B)), schema: 'neardup.report/2' })).toBe(false);
  });

  const base = asJson(compare(A, B));
  const near = base.passages.findIndex((p: { kind: string }) => p.kind === 'near');
  const verbatim = base.passages.findIndex((p: { kind: string }) => p.kind === 'verbatim');
  // biome-ignore lint/suspicious/noExplicitAny: the mutations reach anywhere into parsed JSON
  type Json = Record<string, any>;
  const mutations: [string, (r: Json) => void][] = [
    ['an unknown top-level field', (r) => (r.extra = 1)],
    ['a missing field', (r) => delete r.coverage],
    ['an unknown option', (r) => (r.options.minWord = 8)],
    ['a missing option', (r) => delete r.options.numPerm],
    ['an option out of range', (r) => (r.options.numPerm = 0)],
    ['an unknown mode', (r) => (r.options.mode = 'fuzzy')],
    ['a similarity above 1', (r) => (r.similarity.exact = 1.5)],
    ['a fractional word count', (r) => (r.words.a = 1.5)],
    ['an unknown passage kind', (r) => (r.passages[verbatim].kind = 'fuzzy')],
    ['a verbatim passage with near fields', (r) => (r.passages[verbatim].wordsB = 3)],
    ['a verbatim passage without text', (r) => delete r.passages[verbatim].text],
    ['a negative offset', (r) => (r.passages[verbatim].a.start = -1)],
    ['a range with an extra field', (r) => (r.passages[verbatim].b.length = 3)],
    ['a near passage without its diff', (r) => delete r.passages[near].diff],
    ['a near passage with an empty diff', (r) => (r.passages[near].diff = [])],
    ['an unknown diff op', (r) => (r.passages[near].diff[0].op = 'swap')],
    ['a near passage without textB', (r) => delete r.passages[near].textB],
    ['repeated verbatim indices', (r) => (r.passages[near].verbatim = [0, 0])],
    ['a paragraph pair of unknown kind', (r) => (r.paragraphs[0].kind = 'similar')],
    ['an editSimilarity that is a string', (r) => (r.paragraphs[0].editSimilarity = '0.9')],
    ['an unmatched entry that is not a range', (r) => r.unmatched.a.push(3)],
    ['a warning that is not a string', (r) => r.warnings.push(7)],
  ];

  it('has a near and a verbatim passage to mutate', () => {
    expect([near, verbatim].every((i) => i >= 0)).toBe(true);
  });

  it.each(mutations)('rejects %s', (_, mutate) => {
    const r = structuredClone(base);
    mutate(r);
    expect(validate(r)).toBe(false);
  });

  it('accepts editSimilarity null (paragraphs too long to edit-compare)', () => {
    const r = structuredClone(base);
    r.paragraphs[0].editSimilarity = null;
    expect(errorsOf(r)).toEqual([]);
  });
});

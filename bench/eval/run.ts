// npm run eval [-- --seed N --pairs N --no-write --options JSON]
//
// Generates the evaluation set (bench/eval/generate.ts), runs compare() on every pair in mode
// "verbatim" and in mode "near", scores the detections with the PAN measures and prints a table
// per edit kind and mode. Unless --no-write, the table also goes into docs/evaluation.md, between
// its results markers, with the command, the seed and the date. --options '{"nearSnapWords":0}'
// runs mode "near" with those compare() options on top (to measure a knob); it never writes.

import { readFileSync, writeFileSync } from 'node:fs';
import {
  type CompareOptions,
  compare,
  NeardupError,
  type PanDocumentPair,
  panMeasures,
} from '../../src/index.js';
import { loadCorpus } from './corpus.js';
import { detectionsFromReport } from './detections.js';
import { EDIT_KINDS, type EditKind, type EvalPair, generateSet } from './generate.js';

const DOC = 'docs/evaluation.md';
const BEGIN = '<!-- eval-results:begin -->';
const END = '<!-- eval-results:end -->';

/** The issue's targets for mode "near" (plagdet, or detections on negatives). */
const TARGETS: Partial<Record<EditKind, string>> = {
  none: 'plagdet ≥ 0.97',
  low: 'plagdet ≥ 0.90',
  high: 'plagdet ≥ 0.75',
  negative: '0 detections',
};

interface Args {
  seed: number;
  pairs: number;
  write: boolean;
  options: CompareOptions;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { seed: 1, pairs: 50, write: true, options: {} };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--no-write') args.write = false;
    else if (flag === '--options') {
      const text = argv[++i] ?? '';
      try {
        args.options = JSON.parse(text) as CompareOptions;
      } catch {
        throw new Error(`--options takes a JSON object of compare() options, got ${JSON.stringify(text)}`);
      }
      if (args.options === null || typeof args.options !== 'object' || Array.isArray(args.options))
        throw new Error(`--options takes a JSON object of compare() options, got ${JSON.stringify(text)}`);
      args.write = false; // the table in the docs is for the defaults
    } else if (flag === '--seed' || flag === '--pairs') {
      const value = Number(argv[++i]);
      const ok =
        flag === '--seed'
          ? Number.isInteger(value) && value >= 0 && value <= 0xffffffff
          : Number.isInteger(value) && value >= 1;
      if (!ok)
        throw new Error(
          `${flag} takes ${flag === '--seed' ? 'an integer in 0..4294967295' : 'an integer ≥ 1'}, got ${JSON.stringify(argv[i])}`,
        );
      if (flag === '--seed') args.seed = value;
      else args.pairs = value;
    } else if (flag === '--help' || flag === '-h') {
      console.log(
        'usage: npm run eval [-- --seed N (default 1) --pairs N per edit kind (default 50) --no-write ' +
          '--options \'{"nearSnapWords":0}\' (mode near with these options; never writes)]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${JSON.stringify(flag)} (try --help)`);
  }
  return args;
}

type Mode = 'verbatim' | 'near';

/**
 * The options that run each mode. A compare() without the `mode` option (before the near
 * aligner) rejects it as unknown: then verbatim runs with the defaults and near is skipped.
 */
function modeOptions(): { modes: Map<Mode, CompareOptions>; note?: string } {
  try {
    compare('a', 'b', { mode: 'verbatim' } as CompareOptions);
    return {
      modes: new Map<Mode, CompareOptions>([
        ['verbatim', { mode: 'verbatim' } as CompareOptions],
        ['near', { mode: 'near' } as CompareOptions],
      ]),
    };
  } catch (e) {
    if (!(e instanceof NeardupError && e.message.includes('unknown option "mode"'))) throw e;
    return {
      modes: new Map<Mode, CompareOptions>([['verbatim', {}]]),
      note: 'compare() has no `mode` option yet: mode "verbatim" ran with the default options, mode "near" was skipped.',
    };
  }
}

interface Row {
  kind: EditKind | 'all';
  mode: Mode;
  pairs: number;
  cases: number;
  detections: number;
  precision: number;
  recall: number;
  granularity: number;
  plagdet: number;
  ms: number;
}

function score(
  kind: EditKind | 'all',
  mode: Mode,
  scored: { pair: EvalPair; doc: PanDocumentPair; ms: number }[],
): Row {
  const m = panMeasures(scored.map((s) => s.doc));
  return {
    kind,
    mode,
    pairs: scored.length,
    cases: m.cases,
    detections: m.detections,
    precision: m.precision,
    recall: m.recall,
    granularity: m.granularity,
    plagdet: m.plagdet,
    ms: scored.reduce((t, s) => t + s.ms, 0),
  };
}

function table(rows: readonly Row[]): string {
  const head = [
    'kind',
    'mode',
    'pairs',
    'cases',
    'detections',
    'precision',
    'recall',
    'granularity',
    'plagdet',
    'target',
    'time (ms)',
  ];
  const body = rows.map((r) => [
    r.kind,
    r.mode,
    String(r.pairs),
    String(r.cases),
    String(r.detections),
    r.precision.toFixed(3),
    r.recall.toFixed(3),
    r.granularity.toFixed(3),
    r.plagdet.toFixed(3),
    r.mode === 'near' && r.kind !== 'all' ? (TARGETS[r.kind] ?? '') : '',
    r.ms.toFixed(0),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i < 2 || i === 9 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i < 2 || i === 9 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(head), rule, ...body.map(line)].join('\n');
}

function main(): void {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  const command = `npm run eval${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const started = performance.now();

  const corpus = loadCorpus();
  const pairs = generateSet(corpus, { seed: args.seed, pairsPerKind: args.pairs });
  const generatedMs = performance.now() - started;
  const { modes, note } = modeOptions();
  const near = modes.get('near');
  if (near) modes.set('near', { ...near, ...args.options });
  if (note) console.log(`note: ${note}\n`);

  const rows: Row[] = [];
  for (const [mode, options] of modes) {
    const scored = pairs.map((pair) => {
      const t0 = performance.now();
      const report = compare(pair.a, pair.b, options);
      const ms = performance.now() - t0;
      return { pair, doc: { cases: pair.cases, detections: detectionsFromReport(report) }, ms };
    });
    for (const kind of EDIT_KINDS)
      rows.push(
        score(
          kind,
          mode,
          scored.filter((s) => s.pair.kind === kind),
        ),
      );
    rows.push(score('all', mode, scored));
  }
  const totalMs = performance.now() - started;

  const result = table(rows);
  const summary =
    `${pairs.length} pairs (${args.pairs} per edit kind, seed ${args.seed}); ` +
    `generated in ${(generatedMs / 1000).toFixed(1)} s, total ${(totalMs / 1000).toFixed(1)} s.`;
  console.log(result);
  console.log(`\n${summary}`);

  if (!args.write) return;
  const doc = readFileSync(DOC, 'utf8');
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${DOC} lacks the ${BEGIN} … ${END} markers`);
  const date = new Date().toISOString().slice(0, 10);
  const section = [
    BEGIN,
    '',
    `Measured on ${date} with \`${command}\` (seed ${args.seed}, ${args.pairs} pairs per edit kind), Node ${process.version}.`,
    ...(note ? ['', `Note: ${note}`] : []),
    '',
    result,
    '',
    summary,
    '',
    END,
  ].join('\n');
  writeFileSync(DOC, doc.slice(0, begin) + section + doc.slice(end + END.length));
  console.log(`\nwrote the table to ${DOC}`);
}

try {
  main();
} catch (e) {
  console.error(`eval: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

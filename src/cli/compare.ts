// `neardup compare A B`: read two files, compare them, print the report.

import { parseArgs } from 'node:util';
import { compare, formatHtml, formatJson, formatText } from '../index.js';
import { argumentError, CliError } from './errors.js';
import { readTextFile } from './read-text.js';

export const compareUsage = `Usage: neardup compare A B [options]

Compare two text files: shared passages with line:column in both, paragraph map, similarity.

Options:
  --format FORMAT      text, json or html (one self-contained page); default: text
  --mode near|verbatim near: passages shared verbatim and with edits; verbatim: exact runs only
                       (default: near)
  --min-words N        shortest verbatim passage, in words (default: 8)
  --shingle K          words per shingle (default: 5)
  --perms N            MinHash permutations (default: 128)
  --seed N             MinHash seed (default: 1)
  --max-repeats N      phrases repeated more often than this start no passages, and shingles in
                       more of B's paragraphs are boilerplate to the paragraph map; the report's
                       warnings ("maxRepeats") say when this applied; it is lowered on very
                       repetitive input (default: 100; 0: no limit, quadratic there)
  -h, --help           show this help`;

const flags: Record<string, string> = {
  minWords: '--min-words',
  shingleSize: '--shingle',
  numPerm: '--perms',
  seed: '--seed',
  maxRepeats: '--max-repeats',
};

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CliError(`--${name} must be a whole number, got "${value}"`, 2);
  return Number(value);
}

export async function runCompare(args: string[]): Promise<string> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw argumentError(error, 'compare');
  }
  const { values, positionals } = parsed;
  if (values.help) return `${compareUsage}\n`;
  if (positionals.length !== 2)
    throw new CliError(
      `compare takes two files, got ${positionals.length} (see "neardup compare --help")`,
      2,
    );
  const format = values.format ?? 'text';
  if (format !== 'json' && format !== 'text' && format !== 'html')
    throw new CliError(`--format must be json, text or html, got "${format}"`, 2);
  const mode = (values.mode ?? 'near') as 'near' | 'verbatim';
  if (mode !== 'near' && mode !== 'verbatim')
    throw new CliError(`--mode must be near or verbatim, got "${mode}"`, 2);
  const options = {
    mode,
    minWords: integer('min-words', values['min-words']),
    shingleSize: integer('shingle', values.shingle),
    numPerm: integer('perms', values.perms),
    seed: integer('seed', values.seed),
    maxRepeats: integer('max-repeats', values['max-repeats']),
  };
  const [pathA, pathB] = positionals as [string, string];
  const a = await readTextFile(pathA);
  const b = await readTextFile(pathB);
  let report: ReturnType<typeof compare>;
  try {
    report = compare(a, b, options);
  } catch (error) {
    // Option values out of range: the library's message names the option; name the flag instead.
    const message = (error as Error).message.replace(/^neardup: /, '');
    throw new CliError(
      message.replace(/^option "(\w+)"/, (_, name: string) => flags[name] ?? name),
      2,
    );
  }
  const names = { nameA: pathA, nameB: pathB };
  if (format === 'html') return formatHtml(report, a, b, names);
  return format === 'json' ? formatJson(report) : formatText(report, a, b, names);
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string' },
      mode: { type: 'string' },
      'min-words': { type: 'string' },
      shingle: { type: 'string' },
      perms: { type: 'string' },
      seed: { type: 'string' },
      'max-repeats': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

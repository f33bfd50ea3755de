// Formatters: a report as JSON, or as a readable text view with line:column positions.

import type { Range } from '../text.js';
import type { NearPassage, Report } from './compare.js';

/**
 * A report as pretty-printed JSON (two-space indent, trailing newline).
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 *
 * writeFileSync('report.json', formatJson(compare(a, b)));
 * ```
 */
export function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * Options for {@link formatText}.
 *
 * @example
 * ```ts
 * const options: TextFormatOptions = { nameA: 'wire.txt', nameB: 'story.txt', width: 72 };
 * console.log(formatText(compare(a, b), a, b, options));
 * ```
 */
export interface TextFormatOptions {
  /** How to name text A in the output (a file name, say). @default "A" */
  nameA?: string;
  /** How to name text B. @default "B" */
  nameB?: string;
  /** Wrap passage text at this many columns. @default 100 */
  width?: number;
}

/** 1-based line and column (in UTF-16 code units) of offsets in a text; LF, CRLF and CR end lines. */
export function lineLocator(text: string): (offset: number) => string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) starts.push(i + 1);
  }
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return `${lo + 1}:${offset - starts[lo]! + 1}`;
  };
}

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.replace(/\r\n|\r|\n/g, ' ⏎ ').split(/\s+/)) {
    if (line && line.length + 1 + word.length > width - indent.length) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

/** Labels: `#1, #2 …` for verbatim passages, `N1, N2 …` for near ones, in report order. */
function passageNumbers(report: Report): string[] {
  let verbatim = 0;
  let near = 0;
  return report.passages.map((p) => (p.kind === 'near' ? `N${++near}` : `#${++verbatim}`));
}

/** A near passage as A's text with B's edits inline, wdiff style: `[-deleted-]{+inserted+}`. */
function inlineDiff(p: NearPassage, a: string, b: string): string {
  // Pieces joined once at the end, and the last one kept apart: reading the end of a string built
  // with += flattens it, which made a passage of thousands of steps quadratic.
  const out: string[] = [];
  let last = '';
  const add = (piece: string) => {
    if (!piece) return;
    out.push(piece);
    last = piece;
  };
  let at = p.a.start;
  for (const step of p.diff) {
    add(a.slice(at, step.a.start));
    const inA = a.slice(step.a.start, step.a.end);
    const inB = b.slice(step.b.start, step.b.end);
    if (step.op === 'equal') add(inA);
    else {
      if (!inA && last && !/\s$/.test(last)) add(' '); // an insertion between two words
      add(`${inA ? `[-${inA}-]` : ''}${inB ? `{+${inB}+}` : ''}`);
    }
    at = step.a.end;
  }
  return out.join('');
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const fixed = (x: number) => x.toFixed(3);

/**
 * A report as plain text for people: similarity, coverage, each near passage with B's edits
 * inline (`[-deleted-]{+inserted+}`), each verbatim passage with its text, each with its
 * `line:column` range in both files, then the paragraph map. The texts are needed to turn
 * offsets into lines and columns.
 *
 * @param report - from {@link compare}.
 * @param a - text A, as given to `compare`.
 * @param b - text B, as given to `compare`.
 * @example
 * ```ts
 * console.log(formatText(compare(a, b), a, b, { nameA: 'wire.txt', nameB: 'story.txt' }));
 * ```
 */
export function formatText(report: Report, a: string, b: string, options: TextFormatOptions = {}): string {
  const nameA = options.nameA ?? 'A';
  const nameB = options.nameB ?? 'B';
  const width = options.width ?? 100;
  const at = { a: lineLocator(a), b: lineLocator(b) };
  const span = (side: 'a' | 'b', r: Range) => `${at[side](r.start)}-${at[side](r.end - 1)}`;
  const out: string[] = [];
  const { similarity: s, options: o } = report;

  out.push(`A: ${nameA} (${report.words.a} words)`);
  out.push(`B: ${nameB} (${report.words.b} words)`);
  out.push('');
  out.push(
    `Similarity  Jaccard ≈ ${fixed(s.estimated)} ± ${fixed(s.standardError)} ` +
      `(MinHash, ${o.numPerm} permutations, ${o.shingleSize}-word shingles); exact ${fixed(s.exact)}`,
  );
  out.push(
    `Coverage    ${percent(report.coverage.a)} of A and ${percent(report.coverage.b)} of B lie in shared passages`,
  );
  // Limits that applied come first: they qualify everything below.
  for (const w of report.warnings) out.push(wrap(`Warning: ${w}`, width, ''));
  out.push('');
  const numbers = passageNumbers(report);
  const near = report.passages.filter((p) => p.kind === 'near');
  if (o.mode === 'near') {
    out.push(`Passages shared with edits: ${near.length}`);
    report.passages.forEach((p, i) => {
      if (p.kind !== 'near') return;
      const inside = p.verbatim.map((v) => numbers[v]).join(', ');
      out.push('');
      out.push(
        `  ${numbers[i]}  ${p.words} / ${p.wordsB} words, similarity ${fixed(p.similarity)}` +
          `   A ${span('a', p.a)}   B ${span('b', p.b)}${inside ? `   (verbatim inside: ${inside})` : ''}`,
      );
      out.push(wrap(inlineDiff(p, a, b), width, '      '));
    });
    out.push('');
  }
  const verbatim = report.passages.filter((p) => p.kind === 'verbatim');
  out.push(`Passages shared verbatim (≥ ${o.minWords} words): ${verbatim.length}`);
  report.passages.forEach((p, i) => {
    if (p.kind !== 'verbatim') return;
    out.push('');
    out.push(`  ${numbers[i]}  ${p.words} words   A ${span('a', p.a)}   B ${span('b', p.b)}`);
    out.push(wrap(p.text, width, '      '));
    const inB = b.slice(p.b.start, p.b.end);
    if (inB !== p.text) out.push(wrap(`(in B: ${inB})`, width, '      '));
  });

  const identical = report.paragraphs.filter((p) => p.kind === 'identical').length;
  const moved = report.paragraphs.filter((p) => p.moved).length;
  out.push('');
  out.push(
    `Paragraphs paired: ${report.paragraphs.length} (${identical} identical, ` +
      `${report.paragraphs.length - identical} near, ${moved} moved)`,
  );
  for (const p of report.paragraphs) {
    const where = `A ${at.a(p.a.start)}`.padEnd(10) + ` ↔ B ${at.b(p.b.start)}`.padEnd(12);
    const detail =
      p.kind === 'near'
        ? `  Jaccard ${fixed(p.similarity)}, edit ${p.editSimilarity === null ? 'n/a' : fixed(p.editSimilarity)}`
        : '';
    out.push(`  ${where}  ${p.kind.padEnd(9)}${p.moved ? ' moved' : '      '}${detail}`.trimEnd());
  }
  const lines = (side: 'a' | 'b', ranges: Range[]) =>
    ranges.length ? ranges.map((r) => at[side](r.start).split(':')[0]).join(', ') : 'none';
  out.push(
    `  Unmatched in A (${report.unmatched.a.length}), starting at lines: ${lines('a', report.unmatched.a)}`,
  );
  out.push(
    `  Unmatched in B (${report.unmatched.b.length}), starting at lines: ${lines('b', report.unmatched.b)}`,
  );
  return `${out.join('\n')}\n`;
}

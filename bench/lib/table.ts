// Tables printed to the console and written to docs/benchmarks.md: one description, two renderings.

/** A table of already formatted cells. */
export interface Table {
  /** Shown above the table. */
  title: string;
  /** Column headers. */
  columns: string[];
  /** Rows of cells, one per column. */
  rows: string[][];
  /** Columns to right-align (numbers). Defaults to all but the first. */
  right?: number[];
}

const isRight = (t: Table, c: number) => (t.right ? t.right.includes(c) : c > 0);

/** The table as Markdown (GitHub pipe table). */
export function markdown(t: Table): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  const rule = t.columns.map((_, c) => (isRight(t, c) ? '---:' : '---'));
  return [`**${t.title}**`, '', line(t.columns), line(rule), ...t.rows.map(line)].join('\n');
}

/** The table as aligned plain text for a terminal. */
export function plain(t: Table): string {
  const widths = t.columns.map((h, c) => Math.max(h.length, ...t.rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (isRight(t, c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ');
  return [t.title, line(t.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(line)].join(
    '\n',
  );
}

/** A number with `digits` significant digits and thousands separators (no exponent notation). */
export function num(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  const rounded = Number(x.toFixed(decimals));
  return rounded.toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

/** A count rounded to an integer, with thousands separators. */
export function int(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

/** A duration in milliseconds, in the unit that reads best (µs, ms or s). */
export function duration(ms: number): string {
  if (ms < 1) return `${num(ms * 1000)} µs`;
  if (ms < 1000) return `${num(ms)} ms`;
  return `${num(ms / 1000)} s`;
}

/** A byte count: B, KB (10³), MB (10⁶). */
export function bytes(n: number): string {
  if (n < 1e3) return `${num(n)} B`;
  if (n < 1e6) return `${num(n / 1e3)} KB`;
  return `${num(n / 1e6)} MB`;
}

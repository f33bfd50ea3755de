// The shape every benchmark section has, so new ones (the LSH index, worker threads) slot in.

import type { Table } from './table.js';

/** Run-wide settings every section sees. */
export interface BenchContext {
  /** A shorter run: fewer inputs, fewer iterations, the largest sizes left out. */
  quick: boolean;
  /** Progress for the terminal (stderr), not part of the report. */
  log(message: string): void;
}

/** What a section measured. */
export interface SectionResult {
  /** Tables, in the order they are printed. */
  tables: Table[];
  /** One-line findings for the summary at the top of the report (the headlines). */
  headlines: string[];
  /** Paragraphs of Markdown printed under the tables: what was measured, how, and caveats. */
  notes: string[];
}

/** One part of the suite, selectable with `--only=<id>`. */
export interface Section {
  /** Short name used by `--only`. */
  id: string;
  /** Heading in the report. */
  title: string;
  run(ctx: BenchContext): SectionResult | Promise<SectionResult>;
}

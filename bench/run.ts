// neardup's benchmark suite: `npm run bench [-- options]`.
//
// Prints a table per measurement and, on a full run, rewrites the generated part of
// docs/benchmarks.md (between the bench:results markers) with the machine, date, command and
// tables; the hand-written parts of that file (how to run, what profiling showed) are kept.
//
// Options:
//   --quick          fewer inputs and iterations, sizes up to 1 MB (about half a minute)
//   --only=a,b       run only these sections (signatures, compare, lsh, workers, memory)
//   --write          write docs/benchmarks.md even on a quick or partial run
//   --no-write       do not write it even on a full run
//   --out=FILE       write to FILE instead of docs/benchmarks.md
//   --clock=cpu      time by this process's CPU time instead of elapsed time (for a busy machine)

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { describeMachine } from './lib/machine.js';
import { type Clock, useClock } from './lib/measure.js';
import type { BenchContext, Section, SectionResult } from './lib/section.js';
import { markdown, plain } from './lib/table.js';
import { compareSection } from './sections/compare.js';
import { lshSection } from './sections/lsh.js';
import { memorySection } from './sections/memory.js';
import { signaturesSection } from './sections/signatures.js';
import { workersSection } from './sections/workers.js';

const SECTIONS: Section[] = [signaturesSection, compareSection, lshSection, workersSection, memorySection];
const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

interface Options {
  quick: boolean;
  only: string[] | undefined;
  write: boolean | undefined;
  out: string;
  clock: Clock;
}

function parseArgs(args: readonly string[]): Options {
  const options: Options = {
    quick: false,
    only: undefined,
    write: undefined,
    out: 'docs/benchmarks.md',
    clock: 'wall',
  };
  for (const arg of args) {
    const [name, value] = arg.split('=', 2) as [string, string | undefined];
    if (name === '--quick') options.quick = true;
    else if (name === '--write') options.write = true;
    else if (name === '--no-write') options.write = false;
    else if (name === '--only' && value) options.only = value.split(',');
    else if (name === '--out' && value) options.out = value;
    else if (name === '--clock' && (value === 'wall' || value === 'cpu')) options.clock = value;
    else
      throw new Error(
        `bench: unknown option "${arg}" (--quick, --only=a,b, --write, --no-write, --out=FILE, --clock=wall|cpu)`,
      );
  }
  const known = SECTIONS.map((s) => s.id);
  for (const id of options.only ?? [])
    if (!known.includes(id))
      throw new Error(`bench: unknown section "${id}" (sections: ${known.join(', ')})`);
  return options;
}

function render(
  results: { section: Section; result: SectionResult }[],
  command: string,
  options: Options,
  load: number[],
): string {
  const m = describeMachine();
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} with \`${command}\`${options.quick ? ' (a quick run: fewer iterations)' : ''}.`,
    options.clock === 'cpu'
      ? "Times are this process's **CPU time** (`--clock=cpu`), not elapsed time: the machine was busy with " +
        'other work, which inflates elapsed time but barely touches CPU time. Exceptions: the LSH ingest ' +
        'shows both clocks, and query latencies and the worker-thread table are elapsed time.'
      : 'Times are elapsed (wall-clock) time; the LSH ingest also shows CPU time.',
    '',
    '| machine | |',
    '| --- | --- |',
    `| CPU | ${m.cpu} |`,
    `| cores | ${m.cores} |`,
    `| memory | ${m.memory} |`,
    `| Node | ${m.node} |`,
    `| OS | ${m.os} |`,
    `| load average at start (1, 5, 15 min) | ${load.map((l) => l.toFixed(2)).join(', ')} |`,
    `| load average at end | ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')} |`,
    '',
    '### Summary',
    '',
    ...results.flatMap((r) => r.result.headlines.map((h) => `- ${h}`)),
  ];
  for (const { section, result } of results) {
    lines.push('', `### ${section.title}`, '');
    for (const t of result.tables) lines.push(markdown(t), '');
    for (const n of result.notes) lines.push(n, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

const SKELETON = `# Benchmarks

Rerun them with \`npm run bench\` (two to two and a half minutes on two cores; \`npm run bench -- --quick\` takes
about half a minute and does not touch this file). The part between the markers below is written
by the benchmark; the rest is written by hand.

## Results

${START}
${END}

## What profiling showed

(To be written from \`node --cpu-prof\` runs; see bench/profile.ts.)
`;

function writeDoc(path: string, generated: string): void {
  const doc = existsSync(path) ? readFileSync(path, 'utf8') : SKELETON;
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`bench: ${path} has no ${START} … ${END} markers`);
  writeFileSync(path, `${doc.slice(0, start + START.length)}\n${generated}${doc.slice(end)}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const options = parseArgs(args);
  const load = os.loadavg();
  useClock(options.clock);
  const ctx: BenchContext = {
    quick: options.quick,
    log: (message) => process.stderr.write(`… ${message}\n`),
  };
  const chosen = SECTIONS.filter((s) => !options.only || options.only.includes(s.id));
  const results: { section: Section; result: SectionResult }[] = [];
  for (const section of chosen) {
    const result = await section.run(ctx);
    results.push({ section, result });
    console.log(`\n== ${section.title}\n`);
    for (const t of result.tables) console.log(`${plain(t)}\n`);
  }
  console.log('== Summary\n');
  for (const r of results) for (const h of r.result.headlines) console.log(`- ${h.replaceAll('**', '')}`);

  const write = options.write ?? (!options.quick && !options.only);
  if (write) {
    const command = `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
    writeDoc(options.out, render(results, command, options, load));
    console.log(`\nwrote ${options.out}`);
  }
}

await main();

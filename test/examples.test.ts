// Every program in examples/ runs, against the built package, so the examples cannot rot.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../examples/', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));
const expectations: Record<string, RegExp> = {
  'compare-two-texts.mjs': /^Jaccard ≈ 0\.29; 13 passages shared verbatim, 4 with edits\n(A\[.+\n){4}$/,
  'getting-started.mjs': /^Jaccard ≈ 0\.29, 17 shared passages\n((verbatim|near) \d+ .+\n){17}$/,
  'cli-pipeline.mjs':
    /^neardup\.report\/1: 17 passages, 4 with edits\n( {2}0\.\d\d {2}.*(\[-.+-\]|\{\+.+\+\}).*\n){4}coverage of B: 64\.3%\n$/,
  'html-report.mjs': /^wrote .+neardup-report\.html \(\d+ characters, 17 passages highlighted\)\n$/,
  'dedup-folder.mjs':
    /^3 documents, 1 cluster\(s\) of near-duplicates\nrepublished\.txt ~ wire\.txt \(Jaccard ≈ 0\.8\d\)\n$/,
};
/** Runs an example from the repository root (the guides' commands assume it). */
const run = (name: string, ...args: string[]) =>
  spawnSync(process.execPath, [`${dir}${name}`, ...args], { encoding: 'utf8', cwd: root });

describe('examples', () => {
  it('has an expectation for every example', () => {
    const programs = readdirSync(dir).filter((name) => name.endsWith('.mjs'));
    expect(programs.sort()).toEqual(Object.keys(expectations).sort());
  });

  it.each(Object.entries(expectations))('%s runs and prints what the README shows', (name, output) => {
    const r = run(name);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(output);
  });

  it('cli-pipeline.mjs fails its gate when B is a copy of A', () => {
    const r = run('cli-pipeline.mjs', 'seeds/kim-warm-feelings.txt', 'seeds/kim-warm-feelings.txt');
    expect(r.stdout).toMatch(/0 with edits\ncoverage of B: 100\.0%\n$/);
    expect(r.status).toBe(1);
  });

  it('html-report.mjs writes the page it names', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'neardup-example-')), 'report.html');
    expect(run('html-report.mjs', out).status).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>Kim and Putin: two reports compared</title>');
    expect(html.match(/<tr id="row\d+"/g)).toHaveLength(17);
  });
});

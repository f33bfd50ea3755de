// Every program in examples/ runs, against the built package, so the examples cannot rot.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../examples/', import.meta.url));
const expectations: Record<string, RegExp> = {
  'compare-two-texts.mjs': /^Jaccard ≈ 0\.29; 13 passages shared verbatim, 4 with edits\n(A\[.+\n){4}$/,
};

describe('examples', () => {
  it('has an expectation for every example', () => {
    expect(readdirSync(dir).sort()).toEqual(Object.keys(expectations).sort());
  });

  it.each(Object.entries(expectations))('%s runs and prints what the README shows', (name, output) => {
    const r = spawnSync(process.execPath, [`${dir}${name}`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(output);
  });
});

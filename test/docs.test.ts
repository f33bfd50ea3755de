// The guides stay true to the code: the plotted S-curve is what its script draws, the getting
// started code is the example the tests run, relative links resolve, and each guide has the
// front matter typedoc takes its title from.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CURVES, candidateProbability, sCurveSvg } from '../scripts/s-curve.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const guides = [
  'docs/getting-started.md',
  'docs/choosing-parameters.md',
  'docs/report-format.md',
  'docs/how-it-works.md',
  'docs/scaling-with-redis.md',
  'docs/evaluation.md',
];

describe('docs', () => {
  it('docs/lsh-s-curve.svg is what scripts/s-curve.ts draws', () => {
    expect(read('docs/lsh-s-curve.svg')).toBe(sCurveSvg());
  });

  it('plots the closed form: P is 0 at s = 0, 1 at s = 1, and (1/b)^(1/r) lies on the steep part', () => {
    for (const { bands, rows } of CURVES) {
      expect(candidateProbability(0, bands, rows)).toBe(0);
      expect(candidateProbability(1, bands, rows)).toBe(1);
      const t = (1 / bands) ** (1 / rows);
      expect(candidateProbability(t, bands, rows)).toBeGreaterThan(0.6);
      expect(candidateProbability(t, bands, rows)).toBeLessThan(0.7);
    }
  });

  it.each(guides)('%s has a title in its front matter', (path) => {
    expect(read(path)).toMatch(/^---\ntitle: [^\n]+\n---\n/);
  });

  it.each([...guides, 'README.md'])('%s links only to files that exist', (path) => {
    const links = [...read(path).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!);
    const missing = links
      .filter((l) => !/^[a-z]+:/.test(l))
      .filter((l) => !existsSync(join(root, dirname(path), l)));
    expect(missing).toEqual([]);
  });

  it('the getting-started code is examples/getting-started.mjs, which the examples test runs', () => {
    const code = read('examples/getting-started.mjs').replace(/^\/\/.*\n/, '');
    expect(read('docs/getting-started.md')).toContain(`\`\`\`js\n${code}\`\`\``);
  });
});

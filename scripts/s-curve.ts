// Plots the LSH S-curve, P(s) = 1 − (1 − s^r)^b, for a few band × row splits of 128
// permutations, into docs/lsh-s-curve.svg (docs/how-it-works.md shows it). test/docs.test.ts
// checks the file is what this script makes. Run:
//
//   npx esbuild scripts/s-curve.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=.bench/s-curve.mjs && node .bench/s-curve.mjs

import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The band × row splits plotted, with their line colours. */
export const CURVES: readonly { bands: number; rows: number; colour: string }[] = [
  { bands: 64, rows: 2, colour: '#1f77b4' },
  { bands: 32, rows: 4, colour: '#2ca02c' },
  { bands: 16, rows: 8, colour: '#d62728' },
  { bands: 8, rows: 16, colour: '#9467bd' },
];

/** Probability that two sets of Jaccard `s` share at least one of `bands` bands of `rows` rows. */
export const candidateProbability = (s: number, bands: number, rows: number): number =>
  1 - (1 - s ** rows) ** bands;

/** The SVG text: axes with a 0.1 grid, one curve per split, its threshold (1/b)^(1/r) marked. */
export function sCurveSvg(): string {
  const W = 670;
  const H = 400;
  const left = 56;
  const right = 196;
  const top = 24;
  const bottom = 48;
  const pw = W - left - right;
  const ph = H - top - bottom;
  const x = (s: number) => (left + s * pw).toFixed(1);
  const y = (p: number) => (top + (1 - p) * ph).toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12" role="img">`,
    '<title>LSH S-curves: probability that two documents become candidates, by their Jaccard similarity, for several bands × rows</title>',
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
  ];
  for (let i = 0; i <= 10; i++) {
    const v = i / 10;
    const stroke = i % 5 === 0 ? '#bbb' : '#e5e5e5';
    out.push(`<line x1="${x(v)}" y1="${y(0)}" x2="${x(v)}" y2="${y(1)}" stroke="${stroke}"/>`);
    out.push(`<line x1="${x(0)}" y1="${y(v)}" x2="${x(1)}" y2="${y(v)}" stroke="${stroke}"/>`);
    out.push(
      `<text x="${x(v)}" y="${(top + ph + 16).toFixed(1)}" text-anchor="middle">${v.toFixed(1)}</text>`,
    );
    out.push(
      `<text x="${left - 8}" y="${(Number(y(v)) + 4).toFixed(1)}" text-anchor="end">${v.toFixed(1)}</text>`,
    );
  }
  out.push(
    `<text x="${x(0.5)}" y="${H - 10}" text-anchor="middle">Jaccard similarity s of the two sets</text>`,
    `<text transform="translate(16 ${y(0.5)}) rotate(-90)" text-anchor="middle">P(candidate pair)</text>`,
  );
  CURVES.forEach(({ bands, rows, colour }, i) => {
    const points: string[] = [];
    for (let k = 0; k <= 200; k++)
      points.push(`${x(k / 200)},${y(candidateProbability(k / 200, bands, rows))}`);
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2.2" points="${points.join(' ')}"/>`);
    const t = (1 / bands) ** (1 / rows);
    const pt = candidateProbability(t, bands, rows);
    out.push(`<circle cx="${x(t)}" cy="${y(pt)}" r="4" fill="${colour}"/>`);
    const ly = top + 14 + i * 40;
    const lx = W - right + 16;
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${colour}" stroke-width="2.2"/>`,
      `<text x="${lx + 30}" y="${ly + 4}">b = ${bands}, r = ${rows}</text>`,
      `<text x="${lx + 30}" y="${ly + 20}" fill="#555">threshold ≈ ${t.toFixed(2)}</text>`,
    );
  });
  out.push(
    `<text x="${W - right + 16}" y="${top + 14 + CURVES.length * 40 + 6}" fill="#555">b × r = 128 permutations;</text>`,
    `<text x="${W - right + 16}" y="${top + 14 + CURVES.length * 40 + 22}" fill="#555">dot: s = (1/b)^(1/r)</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = new URL('../docs/lsh-s-curve.svg', import.meta.url);
  writeFileSync(file, sCurveSvg());
  console.log(`wrote ${file.pathname}`);
}

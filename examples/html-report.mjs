// Write the HTML report of two texts: one self-contained page, the texts side by side with every
// shared passage highlighted and linked. Run: node examples/html-report.mjs [out.html]
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compare, formatHtml } from 'neardup';

const nameA = 'seeds/kim-warm-feelings.txt';
const nameB = 'seeds/putin-kim-thursday.txt';
const a = readFileSync(new URL(`../${nameA}`, import.meta.url), 'utf8');
const b = readFileSync(new URL(`../${nameB}`, import.meta.url), 'utf8');

const report = compare(a, b);
const html = formatHtml(report, a, b, { nameA, nameB, title: 'Kim and Putin: two reports compared' });
const out = process.argv[2] ?? join(tmpdir(), 'neardup-report.html');
writeFileSync(out, html);
console.log(`wrote ${out} (${html.length} characters, ${report.passages.length} passages highlighted)`);

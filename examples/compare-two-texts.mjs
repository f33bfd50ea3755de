// Compare two articles and print what they share. Run: node examples/compare-two-texts.mjs
import { readFileSync } from 'node:fs';
import { compare } from 'neardup';

const a = readFileSync(new URL('../seeds/kim-warm-feelings.txt', import.meta.url), 'utf8');
const b = readFileSync(new URL('../seeds/putin-kim-thursday.txt', import.meta.url), 'utf8');

const report = compare(a, b, { minWords: 8 });
console.log(`Jaccard ≈ ${report.similarity.estimated.toFixed(2)}, ${report.passages.length} shared passages`);
for (const p of report.passages.filter((p) => p.words >= 20)) {
  console.log(
    `${p.words} words at A[${p.a.start}, ${p.a.end}) and B[${p.b.start}, ${p.b.end}): ${p.text.slice(0, 50)}…`,
  );
}

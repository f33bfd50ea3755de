// Compare two articles and print what they share. Run: node examples/compare-two-texts.mjs
import { readFileSync } from 'node:fs';
import { compare } from 'neardup';

const a = readFileSync(new URL('../seeds/kim-warm-feelings.txt', import.meta.url), 'utf8');
const b = readFileSync(new URL('../seeds/putin-kim-thursday.txt', import.meta.url), 'utf8');

const report = compare(a, b); // mode "near": passages shared verbatim and with edits
const verbatim = report.passages.filter((p) => p.kind === 'verbatim');
const near = report.passages.filter((p) => p.kind === 'near');
console.log(
  `Jaccard ≈ ${report.similarity.estimated.toFixed(2)}; ${verbatim.length} passages shared verbatim, ${near.length} with edits`,
);
for (const p of near) {
  const edits = p.diff.filter((step) => step.op !== 'equal').length;
  console.log(
    `A[${p.a.start}, ${p.a.end}) ~ B[${p.b.start}, ${p.b.end}), similarity ${p.similarity.toFixed(2)}, ${edits} edit(s): ${p.text.slice(0, 40)}…`,
  );
}

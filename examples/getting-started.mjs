// The five lines of docs/getting-started.md. Run from the repository: node examples/getting-started.mjs
import { readFileSync } from 'node:fs';
import { compare } from 'neardup';

const read = (path) => readFileSync(path, 'utf8');
const report = compare(read('seeds/kim-warm-feelings.txt'), read('seeds/putin-kim-thursday.txt'));
console.log(`Jaccard ≈ ${report.similarity.estimated.toFixed(2)}, ${report.passages.length} shared passages`);
for (const p of report.passages) console.log(p.kind, p.words, p.text.slice(0, 40));

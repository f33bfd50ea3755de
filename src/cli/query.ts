// `neardup query PATH... --index FILE | --redis URL`: the near-duplicates of new documents.

import { signature } from '../index.js';
import { corpusFlagsUsage, libraryCall, openDocuments, openIndex, parseCorpusArgs } from './corpus.js';
import { CliError } from './errors.js';
import type { Output } from './main.js';

export const queryUsage = `Usage: neardup query PATH... (--index FILE | --redis URL) [options]

Look documents up in an index built by "neardup index": one JSON line per document,
{"id": …, "matches": [{"key": …, "score": …}]}, the best matches first (score: estimated Jaccard).
PATH is a directory of .txt files, a .txt file or a JSONL file of {"id": …, "text": …} lines.

Options:
  --index FILE         the snapshot file to query
  --limit N            at most N matches per document (default: 10)
  --min-score J        least estimated Jaccard of a match (default: the index's threshold)
${corpusFlagsUsage}`;

export async function runQuery(args: string[], io: Output): Promise<string> {
  const { values, positionals } = parseCorpusArgs('query', args, {
    index: { type: 'string' },
    limit: { type: 'string' },
    'min-score': { type: 'string' },
  });
  if (values.help) return `${queryUsage}\n`;
  if ((values.index === undefined) === (values.redis === undefined))
    throw new CliError(
      'query needs exactly one of --index FILE or --redis URL (see "neardup query --help")',
      2,
    );
  const limit = values.limit === undefined ? 10 : Number(values.limit);
  if (!/^\d+$/.test(values.limit ?? '1') || limit < 1)
    throw new CliError(`--limit must be a whole number ≥ 1, got "${values.limit}"`, 2);
  const minScore = values['min-score'] === undefined ? undefined : Number(values['min-score']);
  if (minScore !== undefined && !(minScore >= 0 && minScore <= 1))
    throw new CliError(`--min-score must be a number in [0, 1], got "${values['min-score']}"`, 2);
  const input = await openDocuments(positionals, values, io);
  const opened = await openIndex(
    values,
    values.index === undefined ? undefined : { path: values.index, save: false },
  );
  const { numPerm, seed, shingleSize } = opened.index.params;
  const out: string[] = [];
  try {
    await libraryCall(
      async () => {
        for await (const doc of input.documents) {
          const matches = await opened.index.query(signature(doc.text, { numPerm, seed, shingleSize }), {
            limit,
            ...(minScore === undefined ? {} : { minScore }),
          });
          out.push(`${JSON.stringify({ id: doc.id, matches })}\n`);
        }
      },
      opened.where.startsWith('Redis') ? `${opened.where}: ` : '',
    );
  } finally {
    await opened.close().catch(() => {});
  }
  const stopped = input.stoppedBy();
  if (stopped) throw stopped;
  return out.join('');
}

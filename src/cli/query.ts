// `neardup query PATH... --index FILE | --redis URL`: the near-duplicates of new documents.

import { type QueryOptions, type Signature, signature } from '../index.js';
import {
  badLineError,
  batchSize,
  corpusFlagsUsage,
  libraryCall,
  type OpenIndex,
  openDocuments,
  openIndex,
  type Progress,
  parseCorpusArgs,
  startProgress,
} from './corpus.js';
import type { DocumentInput } from './documents.js';
import { CliError } from './errors.js';
import type { Output } from './main.js';

export const queryUsage = `Usage: neardup query PATH... (--index FILE | --redis URL) [options]

Look documents up in an index built by "neardup index": one JSON line per document,
{"id": …, "matches": [{"key": …, "score": …}]}, the best matches first (score: estimated Jaccard),
written a batch at a time. The index is only read: a missing one is an error.
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
  const size = batchSize(values);
  const input = await openDocuments(positionals, values, io);
  const opened = await openIndex(values, { file: values.index, readOnly: true });
  const progress = startProgress(io.progress, input.total, values.quiet ?? false);
  const options = { limit, ...(minScore === undefined ? {} : { minScore }) };
  const answered = { documents: 0 };
  const written = () => `the results of the ${answered.documents} documents before it were written`;
  try {
    await libraryCall(
      () => answer(opened, input, size, options, io, progress, answered),
      opened.where.startsWith('Redis') ? `${opened.where}: ` : '',
    );
  } catch (error) {
    throw new CliError(`${(error as Error).message}; ${written()}`);
  } finally {
    progress.stop();
    await opened.close().catch(() => {});
  }
  const stopped = input.stoppedBy();
  if (stopped) throw badLineError(stopped, written());
  return '';
}

/**
 * Looks the documents up a batch at a time (one batched lookup each) and writes each batch's
 * results at once, so a failure later loses none of them; counts them in `answered`.
 */
async function answer(
  opened: OpenIndex,
  input: DocumentInput,
  size: number,
  options: QueryOptions,
  io: Output,
  progress: Progress,
  answered: { documents: number },
): Promise<void> {
  const { numPerm, seed, shingleSize } = opened.index.params;
  let ids: string[] = [];
  let sigs: Signature[] = [];
  const flush = async () => {
    const matches = await opened.index.queryMany(sigs, options);
    if (ids.length > 0)
      io.stdout(ids.map((id, i) => `${JSON.stringify({ id, matches: matches[i] })}\n`).join(''));
    answered.documents += ids.length;
    ids = [];
    sigs = [];
    progress.update(answered.documents);
  };
  for await (const doc of input.documents) {
    ids.push(doc.id);
    sigs.push(signature(doc.text, { numPerm, seed, shingleSize }));
    if (ids.length >= size) await flush();
  }
  await flush();
}

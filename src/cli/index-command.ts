// `neardup index PATH... --out FILE | --redis URL`: build or extend a persistent index.

import { signature } from '../index.js';
import {
  batchSize,
  corpusFlagsUsage,
  libraryCall,
  openDocuments,
  openIndex,
  parseCorpusArgs,
  startProgress,
} from './corpus.js';
import { CliError } from './errors.js';
import type { Output } from './main.js';

export const indexUsage = `Usage: neardup index PATH... (--out FILE | --redis URL) [options]

Add documents to a persistent index, for "neardup query": a snapshot file (created, or extended
if it exists) or an index in Redis. PATH is a directory of .txt files, a .txt file or a JSONL file
of {"id": …, "text": …} lines. Documents already in the index are left as they are, so running
the same command again after an interruption completes the index.

Options:
  --out FILE           the snapshot file to create or extend
${corpusFlagsUsage}`;

export async function runIndex(args: string[], io: Output): Promise<string> {
  const { values, positionals } = parseCorpusArgs('index', args, { out: { type: 'string' } });
  if (values.help) return `${indexUsage}\n`;
  if ((values.out === undefined) === (values.redis === undefined))
    throw new CliError(
      'index needs exactly one of --out FILE or --redis URL (see "neardup index --help")',
      2,
    );
  const size = batchSize(values);
  const input = await openDocuments(positionals, values, io);
  const opened = await openIndex(
    values,
    values.out === undefined ? undefined : { path: values.out, save: true },
  );
  const { index } = opened;
  const { numPerm, seed, shingleSize } = index.params;
  const progress = startProgress(io.progress, input.total, values.quiet ?? false);
  let read = 0;
  let added = 0;
  let batch: { key: string; signature: ReturnType<typeof signature> }[] = [];
  const flush = async () => {
    const result = await index.insertMany(batch, { ifExists: 'skip' });
    added += result.inserted;
    batch = [];
    progress.update(read, { pairs: 0 });
  };
  try {
    await libraryCall(
      async () => {
        for await (const doc of input.documents) {
          read++;
          batch.push({ key: doc.id, signature: signature(doc.text, { numPerm, seed, shingleSize }) });
          if (batch.length >= size) await flush();
        }
        await flush();
      },
      opened.where === 'memory' ? '' : `${opened.where}: `,
    );
  } catch (error) {
    progress.stop();
    // What was added before the failure is kept: saved to the snapshot, or already in Redis.
    await opened.close().catch(() => {});
    throw new CliError(
      `${(error as Error).message}; the documents indexed so far are kept: run the same command again to resume`,
    );
  }
  progress.stop();
  const held = await index.size();
  await libraryCall(() => opened.close());
  const stopped = input.stoppedBy();
  if (stopped) throw stopped;
  return `indexed ${added} new documents of ${read} read (${read - added} already there); ${opened.where} holds ${held}\n`;
}

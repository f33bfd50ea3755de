// `neardup index PATH... --out FILE | --redis URL`: build or extend a persistent index.

import { type InsertEntry, type MinHashLSH, signature } from '../index.js';
import {
  badLineError,
  batchSize,
  corpusFlagsUsage,
  type Interrupt,
  libraryCall,
  listenForInterrupt,
  openDocuments,
  openIndex,
  type Progress,
  parseCorpusArgs,
  signalExitCode,
  startProgress,
} from './corpus.js';
import type { DocumentInput } from './documents.js';
import { CliError, InputError } from './errors.js';
import type { Output } from './main.js';

export const indexUsage = `Usage: neardup index PATH... (--out FILE | --redis URL) [options]

Add documents to a persistent index, for "neardup query": a snapshot file (created, or extended
if it exists) or an index in Redis. PATH is a directory of .txt files, a .txt file or a JSONL file
of {"id": …, "text": …} lines. Documents already in the index are left as they are, so running
the same command again after an interruption completes the index; one already there with another
text is an error. Ctrl-C saves the snapshot of what was indexed before exiting. One process at a
time extends a snapshot file (it holds FILE.lock meanwhile); several at once need --redis.

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
  const opened = await openIndex(values, { file: values.out });
  const interrupt = listenForInterrupt(io);
  const progress = startProgress(io.progress, input.total, values.quiet ?? false);
  const counts = { read: 0, added: 0 };
  try {
    await libraryCall(
      () => ingest(opened.index, input, size, counts, progress, interrupt),
      `${opened.where}: `,
    );
  } catch (error) {
    interrupt.stop();
    progress.stop();
    // What was added before the failure is kept: saved to the snapshot, or already in Redis.
    await opened.close().catch(() => {});
    const message = (error as Error).message;
    const kept = `${message}; the documents indexed so far are kept`;
    // A conflict in the input fails again until it is fixed; a lost connection resumes.
    if (error instanceof InputError) throw new InputError(kept);
    throw new CliError(`${kept}: run the same command again to resume`);
  }
  progress.stop();
  const held = await opened.index.size();
  await libraryCall(() => opened.close());
  interrupt.stop();
  const { read, added } = counts;
  const summary = `indexed ${added} new documents of ${read} read (${read - added} already there); ${opened.where} holds ${held}`;
  if (interrupt.signal)
    throw new CliError(
      `interrupted: ${summary}; run the same command again to resume`,
      signalExitCode(interrupt.signal),
    );
  const stopped = input.stoppedBy();
  if (stopped)
    throw badLineError(
      stopped,
      `the documents before it are kept: ${summary}; fix the line and run the same command again to resume`,
    );
  return `${summary}\n`;
}

/**
 * Signs and inserts the documents a batch at a time, until the input ends or a signal comes
 * (checked between batches, so what is indexed is whole documents, ready to save).
 */
async function ingest(
  index: MinHashLSH,
  input: DocumentInput,
  size: number,
  counts: { read: number; added: number },
  progress: Progress,
  interrupt: Interrupt,
): Promise<void> {
  const { numPerm, seed, shingleSize } = index.params;
  let entries: InsertEntry[] = [];
  let where: string[] = [];
  const flush = async () => {
    const result = await index.insertMany(entries, { ifExists: 'skip' });
    if (result.existing.length > 0) await checkUnchanged(index, result.existing, entries, where);
    counts.added += result.inserted;
    counts.read += entries.length;
    entries = [];
    where = [];
    progress.update(counts.read);
  };
  try {
    for await (const doc of input.documents) {
      entries.push({ key: doc.id, signature: signature(doc.text, { numPerm, seed, shingleSize }) });
      where.push(doc.where);
      if (entries.length < size) continue;
      await flush();
      if (interrupt.signal) return;
    }
  } catch (error) {
    // An unreadable input file: keep the documents before it, as a bad line does.
    if (error instanceof InputError) await flush();
    throw error;
  }
  await flush();
}

/**
 * Keys already in the index (an earlier run) are skipped when their signature is the one stored,
 * as `dedup` does; another signature means the text changed or two documents share the id.
 */
async function checkUnchanged(
  index: MinHashLSH,
  existing: readonly string[],
  entries: readonly InsertEntry[],
  where: readonly string[],
): Promise<void> {
  const stored = await index.getSignatures(existing);
  const position = new Map(entries.map((e, i) => [e.key, i]));
  existing.forEach((key, k) => {
    const i = position.get(key)!;
    const mine = entries[i]!.signature.values;
    const theirs = stored[k]?.values;
    if (!theirs || theirs.length !== mine.length || theirs.some((v, j) => v !== mine[j]))
      throw new InputError(
        `${where[i]}: document ${JSON.stringify(key)} is already in the index with a different signature ` +
          '(its text changed, or another document has that id): remove it from the index or rename it',
      );
  });
}

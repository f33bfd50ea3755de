// `neardup dedup PATH...`: find the clusters of near-duplicate documents in a corpus.

import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { dedup } from '../index.js';
import {
  badLineError,
  batchSize,
  corpusFlagsUsage,
  type Interrupt,
  libraryCall,
  listenForInterrupt,
  openDocuments,
  openIndex,
  parseCorpusArgs,
  signalExitCode,
  startProgress,
} from './corpus.js';
import type { DocumentInput } from './documents.js';
import { CliError, InputError } from './errors.js';
import type { Output } from './main.js';

export const dedupUsage = `Usage: neardup dedup PATH... [options]

Find near-duplicate documents: PATH is a directory of .txt files (ids are their paths), a .txt
file, or a JSONL file of {"id": …, "text": …} lines. Prints one JSON line per cluster of
near-duplicates: {"keys": [...], "pairs": [{"a", "b", "score"}]}. With --redis the index lives in
Redis: an interrupted run resumes where it stopped when run again, and several machines can share it.

Options:
  --out FILE           write the clusters to FILE instead of stdout
  --workers N          sign the documents in N worker threads while the main thread indexes
                       them; "auto": one per core (default: 0, everything in the main thread)
${corpusFlagsUsage}`;

export async function runDedup(args: string[], io: Output): Promise<string> {
  const { values, positionals } = parseCorpusArgs('dedup', args, {
    out: { type: 'string' },
    workers: { type: 'string' },
  });
  if (values.help) return `${dedupUsage}\n`;
  const input = await openDocuments(positionals, values, io);
  const size = batchSize(values);
  const workers = workerCount(values.workers);
  if (values.out !== undefined) await checkWritable(values.out);
  const opened = await openIndex(values);
  const signer =
    workers === 0
      ? undefined
      : (await import('../node.js')).workerSigner(workers === 'auto' ? {} : { workers });
  // Ctrl-C ends the input: dedup finishes the batches under way, the index is closed cleanly.
  const interrupt = listenForInterrupt(io);
  const progress = startProgress(io.progress, input.total, values.quiet ?? false, true);
  let result: Awaited<ReturnType<typeof dedup>>;
  try {
    result = await libraryCall(
      () =>
        dedup(untilInterrupted(input.documents, interrupt), {
          index: opened.index,
          batchSize: size,
          onProgress: (p) => progress.update(p.documents, { pairs: p.pairs }),
          progressEvery: 200,
          sign: signer?.sign,
        }),
      opened.where === 'memory' ? '' : `${opened.where}: `,
    );
  } catch (error) {
    interrupt.stop();
    progress.stop();
    await signer?.close();
    await opened.close().catch(() => {});
    const located = error instanceof CliError ? locate(error, input) : error;
    if (opened.where === 'memory' || !(located instanceof CliError)) throw located;
    const kept = `${located.message}; the documents indexed so far are kept`;
    // A conflict in the input fails again until it is fixed; a lost connection resumes.
    if (located instanceof InputError) throw new InputError(kept);
    throw new CliError(`${kept}: run the same command again to resume`);
  }
  interrupt.stop();
  progress.stop();
  await signer?.close();
  await opened.close();
  if (interrupt.signal)
    throw new CliError(
      `interrupted after ${result.documents} documents; no clusters were written` +
        (opened.where === 'memory'
          ? ''
          : `; the documents indexed so far are kept in ${opened.where}: run the same command again to resume`),
      signalExitCode(interrupt.signal),
    );
  const stopped = input.stoppedBy();
  if (stopped)
    throw badLineError(
      stopped,
      opened.where === 'memory'
        ? 'no clusters were written'
        : `no clusters were written; the documents before it are kept in ${opened.where}, ` +
            'so after fixing the line running the same command again resumes',
    );
  const lines = result.clusters.map((c) => `${JSON.stringify({ keys: c.keys, pairs: c.pairs })}\n`).join('');
  if (!values.quiet)
    io.stderr(
      `neardup: ${result.documents} documents (${result.alreadyIndexed} already indexed), ` +
        `${result.clusters.length} clusters, ${result.pairs} pairs\n`,
    );
  if (values.out === undefined) return lines;
  try {
    await writeFile(values.out, lines);
  } catch (error) {
    throw new CliError(`${values.out}: cannot write (${(error as Error).message})`);
  }
  return '';
}

/** `docs` until a signal arrives: then the stream ends, as if the input had. */
async function* untilInterrupted<T>(docs: AsyncIterable<T>, interrupt: Interrupt): AsyncIterable<T> {
  for await (const doc of docs) {
    if (interrupt.signal) return;
    yield doc;
  }
}

/** A library error about one document ("document \"id\" …"), with where it was read in front. */
function locate(error: CliError, input: DocumentInput): CliError {
  const quoted = /document (?:id )?("(?:[^"\\]|\\.)*")/.exec(error.message)?.[1];
  let where: string | undefined;
  try {
    where = quoted === undefined ? undefined : input.locate(JSON.parse(quoted) as string);
  } catch {
    // not the JSON string of an id: leave the message as it is
  }
  return where === undefined ? error : new InputError(`${where}: ${error.message}`);
}

/**
 * Fails at once when the clusters could not be written to `path` (a missing directory, no write
 * permission, a directory of that name), rather than after reading the whole corpus.
 */
async function checkWritable(path: string): Promise<void> {
  const fail = (why: string) => new CliError(`${path}: cannot write (${why})`);
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) throw fail('it is a directory');
  try {
    await access(info ? path : dirname(resolve(path)), constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw fail(code === 'ENOENT' ? 'no such directory' : (error as Error).message);
  }
}

/** The `--workers` count: a whole number (0: no worker threads) or "auto" (one per core). */
function workerCount(value: string | undefined): number | 'auto' {
  if (value === undefined) return 0;
  if (value === 'auto') return value;
  if (!/^\d+$/.test(value))
    throw new CliError(`--workers must be a whole number or "auto", got "${value}"`, 2);
  return Number(value);
}

// The documents of a corpus command: a directory of .txt files, a .txt file, or a JSONL file of
// {"id", "text"} objects. Bad JSONL lines are reported with their line number and either skipped
// or, by default, end the input there: what was read before them is still processed (and kept
// in a persistent index), and the command fails afterwards naming the line.

import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DedupDocument } from '../index.js';
import { CliError } from './errors.js';
import { readTextFile } from './read-text.js';

/** How {@link readDocuments} treats a bad JSONL line. */
export interface ReadDocumentsOptions {
  /** Skip bad lines (each reported through `warn`) instead of stopping at the first. */
  skipBadLines: boolean;
  /** Receives one line per skipped bad line. */
  warn: (message: string) => void;
}

/** The documents of the given paths, and, once they are read, the first bad line that stopped them. */
export interface DocumentInput {
  /** Documents in input order: directories sorted by path, JSONL in line order. */
  documents: AsyncIterable<DedupDocument>;
  /** Number of documents when known in advance (directories and .txt files), for a progress bar. */
  total: number | undefined;
  /** After `documents` is exhausted: the bad line that ended the input early, if any. */
  stoppedBy: () => CliError | undefined;
}

const isJsonl = (path: string) => /\.(jsonl|ndjson)$/i.test(path);

async function kindOf(path: string): Promise<'directory' | 'text' | 'jsonl'> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`${path}: ${code === 'ENOENT' ? 'no such file or directory' : String(error)}`);
  }
  if (info.isDirectory()) return 'directory';
  if (isJsonl(path)) return 'jsonl';
  if (/\.txt$/i.test(path)) return 'text';
  throw new CliError(`${path}: expected a directory of .txt files, a .txt file or a .jsonl file`);
}

async function textFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir, { recursive: true }))
    .filter((name) => /\.txt$/i.test(name))
    .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  if (names.length === 0) throw new CliError(`${dir}: no .txt files in this directory`);
  return names.map((name) => join(dir, name));
}

/** Why a parsed JSONL line is not a document, or undefined when it is one. */
function problemWith(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return 'expected an object {"id": …, "text": …}';
  const { id, text } = value as { id?: unknown; text?: unknown };
  if (!((typeof id === 'string' && id.length > 0) || (typeof id === 'number' && Number.isFinite(id))))
    return `"id" must be a non-empty string or a number, got ${JSON.stringify(id) ?? 'nothing'}`;
  if (typeof text !== 'string') return `"text" must be a string, got ${JSON.stringify(text) ?? 'nothing'}`;
  return undefined;
}

/**
 * Opens the inputs of a corpus command. Every path is checked before any document is read, so a
 * typo fails at once.
 */
export async function readDocuments(
  paths: readonly string[],
  options: ReadDocumentsOptions,
): Promise<DocumentInput> {
  if (paths.length === 0) throw new CliError('give at least one directory, .txt or .jsonl file', 2);
  const sources: { kind: 'text' | 'jsonl'; path: string }[] = [];
  for (const path of paths) {
    const kind = await kindOf(path);
    if (kind === 'directory')
      for (const file of await textFiles(path)) sources.push({ kind: 'text', path: file });
    else sources.push({ kind, path });
  }
  const total = sources.every((s) => s.kind === 'text') ? sources.length : undefined;
  let stopped: CliError | undefined;

  async function* documents(): AsyncGenerator<DedupDocument> {
    for (const source of sources) {
      if (source.kind === 'text') {
        yield { id: source.path, text: await readTextFile(source.path) };
        continue;
      }
      const lines = createInterface({ input: createReadStream(source.path, 'utf8'), crlfDelay: Infinity });
      let number = 0;
      for await (const line of lines) {
        number++;
        if (line.trim() === '') continue;
        let value: unknown;
        let problem: string | undefined;
        try {
          value = JSON.parse(line);
          problem = problemWith(value);
        } catch (error) {
          problem = `not valid JSON (${(error as Error).message})`;
        }
        if (problem === undefined) {
          const { id, text } = value as { id: string | number; text: string };
          yield { id: String(id), text };
          continue;
        }
        const message = `${source.path}:${number}: ${problem}`;
        if (options.skipBadLines) {
          options.warn(`skipped ${message}`);
          continue;
        }
        lines.close();
        stopped = new CliError(
          `${message} (the documents before it were processed; --skip-bad-lines skips such lines)`,
        );
        return;
      }
    }
  }
  return { documents: documents(), total, stoppedBy: () => stopped };
}

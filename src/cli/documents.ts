// The documents of a corpus command: a directory of .txt files, a .txt file, or a JSONL file of
// {"id", "text"} objects. Bad JSONL lines (and an id given twice) are reported with their line
// number and either skipped or, by default, end the input there: what was read before them is
// still processed (and kept in a persistent index), and the command fails afterwards naming the
// line and what became of the documents before it.

import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DedupDocument } from '../index.js';
import { checkKey } from '../lsh/minhash-lsh.js';
import { CliError, InputError } from './errors.js';
import { readTextFile } from './read-text.js';

/** How {@link readDocuments} treats a bad JSONL line. */
export interface ReadDocumentsOptions {
  /** Skip bad lines (each reported through `warn`) instead of stopping at the first. */
  skipBadLines: boolean;
  /** Receives one line per skipped bad line. */
  warn: (message: string) => void;
}

/** A document of the input and where it was read, for messages. */
export interface InputDocument extends DedupDocument {
  /** `file:line` for a JSONL line (1-based), the path for a .txt file. */
  readonly where: string;
}

/** The documents of the given paths, and, once they are read, the first bad line that stopped them. */
export interface DocumentInput {
  /** Documents in input order: directories sorted by path, JSONL in line order; ids are unique. */
  documents: AsyncIterable<InputDocument>;
  /** Number of documents when known in advance (directories and .txt files), for a progress bar. */
  total: number | undefined;
  /** After `documents` is exhausted: the bad line that ended the input early ("file:line: why"), if any. */
  stoppedBy: () => string | undefined;
  /** Where the document with this id was read (`file:line` or a path), if it was. */
  locate: (id: string) => string | undefined;
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
  // JSON.parse already rounded it: 12345678901234567891 would become another document's id.
  if (Number.isInteger(id) && !Number.isSafeInteger(id))
    return `"id" ${id} is too large to be read exactly as a number: write it as a string`;
  if (typeof text !== 'string') return `"text" must be a string, got ${JSON.stringify(text) ?? 'nothing'}`;
  try {
    checkKey(String(id), '"id"');
  } catch (error) {
    return (error as Error).message.replace(/^neardup: /, '');
  }
  return undefined;
}

/**
 * The document of a JSONL line, or why it is not one. A numeric id becomes its shortest string
 * (`1.50` → `"1.5"`, `1e3` → `"1000"`), so it may equal a string id: a duplicate, reported as such.
 */
function parseLine(line: string): DedupDocument | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  const problem = problemWith(value);
  if (problem !== undefined) return problem;
  const { id, text } = value as { id: string | number; text: string };
  return { id: String(id), text };
}

/** A .txt file's text; a file that cannot be read fails the same way until it is fixed. */
async function readInput(path: string): Promise<string> {
  try {
    return await readTextFile(path);
  } catch (error) {
    throw error instanceof CliError ? new InputError(error.message) : error;
  }
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
  let stopped: string | undefined;
  // Every id read, with where: source index × 2^32 + line (0 for a .txt file), to name both
  // places of a duplicate in little memory.
  const seen = new Map<string, number>();
  const describe = (at: number) => {
    const source = sources[Math.floor(at / 2 ** 32)]!;
    return source.kind === 'text' ? source.path : `${source.path}:${at % 2 ** 32}`;
  };
  /** Why the id is not new, or undefined after noting it. */
  const repeated = (id: string, at: number): string | undefined => {
    const before = seen.get(id);
    if (before !== undefined)
      return `id ${JSON.stringify(id)} appears twice in the input (first at ${describe(before)})`;
    seen.set(id, at);
    return undefined;
  };
  /** Reports a bad line: skipped (false), or the end of the input (true). */
  const stop = (message: string): boolean => {
    if (options.skipBadLines) {
      options.warn(`skipped ${message}`);
      return false;
    }
    stopped = message;
    return true;
  };

  async function* documents(): AsyncGenerator<InputDocument> {
    for (const [s, source] of sources.entries()) {
      if (source.kind === 'text') {
        const id = source.path;
        const problem = repeated(id, s * 2 ** 32);
        if (problem === undefined) yield { id, text: await readInput(id), where: id };
        else if (stop(`${id}: ${problem}`)) return;
        continue;
      }
      const lines = createInterface({ input: createReadStream(source.path, 'utf8'), crlfDelay: Infinity });
      let number = 0;
      for await (let line of lines) {
        number++;
        if (number === 1 && line.startsWith('\uFEFF')) line = line.slice(1); // a byte-order mark
        if (line.trim() === '') continue;
        const doc = parseLine(line);
        const problem = typeof doc === 'string' ? doc : repeated(doc.id, s * 2 ** 32 + number);
        const where = `${source.path}:${number}`;
        if (problem === undefined) yield { ...(doc as DedupDocument), where };
        else if (stop(`${where}: ${problem}`)) {
          lines.close();
          return;
        }
      }
    }
  }
  return {
    documents: documents(),
    total,
    stoppedBy: () => stopped,
    locate: (id) => {
      const at = seen.get(id);
      return at === undefined ? undefined : describe(at);
    },
  };
}

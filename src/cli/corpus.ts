// What the corpus commands (dedup, index, query) share: their flags, opening the index they work
// on (in memory, a snapshot file, or Redis), and a progress bar on stderr.

import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import type { LSHOptions, MinHashLSH } from '../index.js';
import { type DocumentInput, readDocuments } from './documents.js';
import { argumentError, CliError } from './errors.js';
import type { Output } from './main.js';

/** Flags common to the corpus commands, for node:util parseArgs. */
export const corpusFlags = {
  threshold: { type: 'string' },
  perms: { type: 'string' },
  shingle: { type: 'string' },
  seed: { type: 'string' },
  redis: { type: 'string' },
  prefix: { type: 'string' },
  batch: { type: 'string' },
  'skip-bad-lines': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The usage lines of {@link corpusFlags}. */
export const corpusFlagsUsage = `  --threshold J        Jaccard similarity that makes two documents near-duplicates (default: 0.8)
  --perms N            MinHash permutations (default: 128)
  --shingle K          words per shingle (default: 5)
  --seed N             MinHash seed (default: 1)
  --redis URL          keep the index in Redis (redis://host:port/db); needs the ioredis package
  --prefix P           name of the index in Redis: every key starts with "P:" (default: neardup)
  --batch N            documents per index write and lookup (default: 1000)
  --skip-bad-lines     report bad JSONL lines (and ids given twice) and go on (default: stop
                       at the first, after processing the documents before it)
  -q, --quiet          no progress bar`;

type Values = {
  [K in keyof typeof corpusFlags]?: (typeof corpusFlags)[K]['type'] extends 'string' ? string : boolean;
};

function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CliError(`--${flag} must be a whole number, got "${value}"`, 2);
  return Number(value);
}

/** The `--batch` size: documents per index write. */
export function batchSize(values: Values): number {
  const n = wholeNumber('batch', values.batch) ?? 1000;
  if (n < 1) throw new CliError(`--batch must be a whole number ≥ 1, got "${values.batch}"`, 2);
  return n;
}

// The flag of each index parameter, to name it in a usage error.
const FLAGS = { threshold: 'threshold', numPerm: 'perms', shingleSize: 'shingle', seed: 'seed' } as const;

/**
 * Checks the parameters the way the index will, so a value it refuses is a usage error naming
 * the flag, before any file or server is touched. Explicit bands and rows skip the search for
 * the best ones (seconds at large --perms); the index does that search later.
 */
async function checkParams(options: LSHOptions, values: Values): Promise<void> {
  const { MinHashLSH } = await import('../index.js');
  try {
    new MinHashLSH({ ...options, bands: 1, rows: 1 });
  } catch (error) {
    const message = (error as Error).message.replace(/^neardup: /, '');
    const name = (Object.keys(FLAGS) as (keyof typeof FLAGS)[]).find((n) => message.startsWith(`${n} `));
    if (!name) throw error;
    const flag = FLAGS[name];
    throw new CliError(
      `--${flag} ${message.slice(name.length + 1).replace(/, got .*$/, '')}, got "${values[flag]}"`,
      2,
    );
  }
}

/** The index parameters the flags give (only those given). */
export function lshOptions(values: Values): LSHOptions {
  const options: LSHOptions = {};
  if (values.threshold !== undefined) {
    const t = Number(values.threshold);
    if (!/^(0|1)?(\.\d+)?$/.test(values.threshold) || !(t > 0 && t <= 1))
      throw new CliError(`--threshold must be a number in (0, 1], got "${values.threshold}"`, 2);
    options.threshold = t;
  }
  const numbers = {
    numPerm: ['perms', values.perms],
    shingleSize: ['shingle', values.shingle],
    seed: ['seed', values.seed],
  } as const;
  for (const [name, [flag, value]] of Object.entries(numbers)) {
    const n = wholeNumber(flag, value);
    if (n !== undefined) options[name as 'numPerm' | 'shingleSize' | 'seed'] = n;
  }
  return options;
}

/** Runs `fn`, turning the library's errors into CLI errors (the message without its prefix). */
export async function libraryCall<T>(fn: () => Promise<T>, context = ''): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof CliError) throw error;
    const message = error instanceof Error ? error.message.replace(/^neardup: /, '') : String(error);
    throw new CliError(`${context}${message}`);
  }
}

/** The message of a bad line that ended the input: where, why, what became of the documents before it. */
export function badLineError(stopped: string, consequence: string): CliError {
  return new CliError(`${stopped} (${consequence}; --skip-bad-lines skips such lines)`);
}

/** An open index and how to finish with it (save the snapshot, close the connection). */
export interface OpenIndex {
  index: MinHashLSH;
  /** Where it lives, for messages: "memory", a file path or the Redis URL and prefix. */
  where: string;
  close(): Promise<void>;
}

/** Which index a command opens, besides `--redis`: none gives a new one in memory. */
export interface IndexTarget {
  /** A snapshot file: loaded if it exists, else created (unless `readOnly`). */
  file?: string;
  /** Only read an index that exists (query): never create one, never save. */
  readOnly?: boolean;
}

/** The RedisStorage class; ioredis, which it loads on connecting, is checked for now. */
async function loadRedisStorage(): Promise<typeof import('../redis.js').RedisStorage> {
  try {
    await import('ioredis');
  } catch (error) {
    // An optional peer dependency: missing unless the user installed it.
    const code =
      (error as NodeJS.ErrnoException).code ?? ((error as Error).cause as NodeJS.ErrnoException)?.code;
    const why = code === 'ERR_MODULE_NOT_FOUND' ? '' : ` (loading it failed: ${firstLine(error)})`;
    throw new CliError(`--redis needs the ioredis package: npm install ioredis${why}`);
  }
  return (await import('../redis.js')).RedisStorage;
}

const firstLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();

/** Opens the index in Redis under `--prefix`; a read-only open fails when there is none. */
async function openRedis(
  url: string,
  values: Values,
  options: LSHOptions,
  readOnly: boolean,
): Promise<OpenIndex> {
  const { MinHashLSH } = await import('../index.js');
  const RedisStorage = await loadRedisStorage();
  const prefix = values.prefix ?? 'neardup';
  const where = `Redis ${url} (prefix "${prefix}")`;
  // Fail fast when Redis goes away: the error names it, and re-running resumes.
  const storage = new RedisStorage({
    url,
    prefix,
    redis: { maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 5000, lazyConnect: false },
  });
  try {
    const index = await libraryCall(async () => {
      // MinHashLSH.open would create an empty index under a mistyped prefix.
      if (readOnly && !(await storage.readParams()))
        throw new CliError(
          `${where}: no index there (build one with "neardup index --redis URL --prefix P")`,
        );
      return MinHashLSH.open({ ...options, storage });
    }, `${where}: `);
    return { index, where, close: () => storage.close() };
  } catch (error) {
    await storage.close().catch(() => {});
    throw error;
  }
}

/**
 * Opens the index the flags name: Redis (`--redis`), a snapshot file (`target.file`: loaded if
 * it exists, else a new index saved there on close), or a new one in memory. A read-only target
 * must exist and is never written.
 */
export async function openIndex(values: Values, target: IndexTarget = {}): Promise<OpenIndex> {
  const options = lshOptions(values);
  await checkParams(options, values);
  const { MinHashLSH } = await import('../index.js');
  const readOnly = target.readOnly ?? false;
  if (values.redis !== undefined) {
    if (target.file !== undefined) throw new CliError('give either --redis or an index file, not both', 2);
    return openRedis(values.redis, values, options, readOnly);
  }
  if (values.prefix !== undefined)
    throw new CliError('--prefix names an index in Redis: give --redis too', 2);
  const file = target.file === undefined ? undefined : { path: target.file, save: !readOnly };
  if (file && !file.save) {
    if (!existsSync(file.path)) throw new CliError(`${file.path}: no such index file`);
    const { loadIndex } = await import('../node.js');
    const index = await libraryCall(() => loadIndex(file.path, options));
    return { index, where: file.path, close: async () => {} };
  }
  if (!file) {
    const index = await libraryCall(async () => {
      const created = new MinHashLSH(options);
      await created.ready();
      return created;
    });
    return { index, where: 'memory', close: async () => {} };
  }
  // A snapshot is loaded, extended in memory and saved whole: a second writer at once would
  // overwrite the first one's documents, so the file is locked until it is saved.
  const unlock = await lockSnapshot(file.path);
  try {
    const { loadIndex, saveIndex } = await import('../node.js');
    const index = await libraryCall(async () => {
      if (existsSync(file.path)) return loadIndex(file.path, options);
      const created = new MinHashLSH(options);
      await created.ready();
      return created;
    });
    return {
      index,
      where: file.path,
      close: async () => {
        try {
          await saveIndex(file.path, index);
        } finally {
          await unlock();
        }
      },
    };
  } catch (error) {
    await unlock();
    throw error;
  }
}

/** Whether a process with this id runs (on this machine). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `PATH.lock` (holding this process's id) so that one process at a time extends the snapshot
 * at `path`; a lock left by a process that no longer runs is taken over. Resolves to the function
 * that releases it.
 */
async function lockSnapshot(path: string): Promise<() => Promise<void>> {
  const lock = `${path}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(lock, `${process.pid}\n`, { flag: 'wx' });
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new CliError(`${lock}: cannot create the lock file (${(error as Error).message})`);
    }
    const owner = Number.parseInt(await readFile(lock, 'utf8').catch(() => ''), 10);
    if (attempt === 0 && Number.isInteger(owner) && owner > 0 && !running(owner)) {
      await rm(lock, { force: true }); // left by a process that was killed
      continue;
    }
    throw new CliError(
      `${path} is being extended by another neardup process` +
        `${Number.isInteger(owner) && owner > 0 ? ` (pid ${owner})` : ''}: wait for it to finish ` +
        `(several writers at once need --redis); if none runs, delete ${lock}`,
    );
  }
}

/** A progress display on a stream: a bar on a terminal, a line every few seconds elsewhere, nothing when quiet. */
export interface Progress {
  update(documents: number, fields?: Record<string, number>): void;
  stop(): void;
}

/** Progress on `stream` (process.stderr), with documents per second and, for dedup, pairs found. */
export function startProgress(
  stream: NodeJS.WritableStream | undefined,
  total: number | undefined,
  quiet: boolean,
  showPairs = false,
): Progress {
  if (!stream || quiet) return { update() {}, stop() {} };
  const started = Date.now();
  const pairs = showPairs ? ' | {pairs} pairs' : '';
  const bar = new SingleBar({
    stream: stream as NodeJS.WritableStream & { isTTY?: boolean },
    format:
      total === undefined
        ? `{value} documents | {speed} docs/s${pairs}`
        : `[{bar}] {value}/{total} documents | {speed} docs/s${pairs} | eta {eta_formatted}`,
    noTTYOutput: true,
    notTTYSchedule: 5000,
    // Ctrl-C ends query at once (a second Ctrl-C, any command), before stop() could turn a hidden
    // cursor or disabled line wrapping back on: leave the terminal as it is (the bar is cut to its
    // width instead).
    hideCursor: false,
    linewrap: true,
  });
  bar.start(total ?? 0, 0, { speed: 0, pairs: 0 });
  return {
    update(documents, fields = {}) {
      const seconds = Math.max(1e-3, (Date.now() - started) / 1000);
      bar.update(documents, { speed: Math.round(documents / seconds), pairs: 0, ...fields });
    },
    stop: () => bar.stop(),
  };
}

/** Parses a corpus command's arguments: the shared flags plus `extra`; a bad flag is a usage error. */
type CorpusArgs<T> = {
  args: string[];
  allowPositionals: true;
  strict: true;
  options: typeof corpusFlags & T;
};

export function parseCorpusArgs<const T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  extra: T,
): ReturnType<typeof parseArgs<CorpusArgs<T>>> {
  try {
    return parseArgs({ args, allowPositionals: true, strict: true, options: { ...corpusFlags, ...extra } });
  } catch (error) {
    throw argumentError(error, command);
  }
}

/** The documents of the command's paths; skipped bad lines are reported on stderr. */
export function openDocuments(paths: string[], values: Values, io: Output): Promise<DocumentInput> {
  return readDocuments(paths, {
    skipBadLines: values['skip-bad-lines'] ?? false,
    warn: (message) => io.stderr(`neardup: ${message}\n`),
  });
}

/** A Ctrl-C (SIGINT) or SIGTERM a command noticed, to stop at a safe point. */
export interface Interrupt {
  /** The signal received so far, if any. */
  readonly signal: 'SIGINT' | 'SIGTERM' | undefined;
  /** Stops listening: the next signal ends the process as usual. */
  stop(): void;
}

/** Listens for SIGINT and SIGTERM through `io.onInterrupt` (none in tests: never interrupted). */
export function listenForInterrupt(io: Output): Interrupt {
  const state: { signal: 'SIGINT' | 'SIGTERM' | undefined; stop: () => void } = {
    signal: undefined,
    stop: () => {},
  };
  state.stop =
    io.onInterrupt?.((signal) => {
      state.signal = signal;
    }) ?? (() => {});
  return state;
}

/** The exit code of a process ended by `signal`, as shells report it (128 + its number). */
export const signalExitCode = (signal: 'SIGINT' | 'SIGTERM'): number => (signal === 'SIGINT' ? 130 : 143);

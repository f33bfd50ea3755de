// RedisStorage: an LSHStorage in Redis, through ioredis, shared by any number of processes.
//
// Every operation is a Lua script (src/storage/redis-lua.ts, which also describes the key
// layout): a batch is cut into chunks of `batchSize`, and all its chunks go in one pipeline, so a
// batch costs one network round trip. Scripts run atomically, so concurrent writers never
// interleave inside an entry; within a script each entry's buckets are written before its record,
// so an entry a failed script left half-written stays invisible and inserting it again completes it.

import type { Redis, RedisOptions } from 'ioredis';
import { NeardupError } from '../errors.js';
import { isEmptyValues } from '../lsh/bands.js';
import {
  CANDIDATES,
  HAS,
  INIT_PARAMS,
  INSERT,
  KEYS_PAGE,
  READ_PARAMS,
  REDIS_LAYOUT,
  REMOVE,
  SIGNATURES,
  SIZE,
} from './redis-lua.js';
import type { EntryBatch, IndexParams, InsertMode, LSHStorage } from './types.js';

/**
 * Options of {@link RedisStorage}: where Redis is, and the prefix that names the index.
 *
 * @example
 * ```ts
 * const options: RedisStorageOptions = { url: 'redis://127.0.0.1:6379/0', prefix: 'news', redis: { maxRetriesPerRequest: 1 } };
 * const lsh = await MinHashLSH.open({ storage: new RedisStorage(options) }); // fails fast if Redis is down
 * ```
 */
export interface RedisStorageOptions {
  /**
   * The prefix that names the index: every key it uses is `prefix:…`. Opening the same prefix
   * later, from any process, finds the same index. Keep prefixes of different indexes disjoint
   * (not `docs` and `docs:b`).
   */
  prefix: string;
  /**
   * An ioredis client to use. The storage leaves it open on {@link RedisStorage.close}; its
   * `keyPrefix` option, if any, is put in front of `prefix`.
   * @default undefined: the storage connects to `url` with the `redis` options
   */
  client?: Redis;
  /** A Redis URL (`redis://host:6379/0`) to connect to when no `client` is given. @default "redis://127.0.0.1:6379" */
  url?: string;
  /**
   * ioredis options for the client made from `url`, e.g. `{ maxRetriesPerRequest: 1 }` to fail
   * fast when Redis is down (ioredis' default, 20 reconnection attempts per command, takes over
   * a minute to give up).
   * @default undefined: ioredis' defaults
   */
  redis?: RedisOptions;
  /**
   * Entries (or queries, or keys) per script call. A batch is cut into chunks of this size, all
   * sent in one pipeline; smaller chunks block Redis for less time per call. @default 100
   */
  batchSize?: number;
}

/** One Lua script and the SHA1 Redis knows it by, once loaded. */
interface Script {
  readonly name: string;
  readonly source: string;
}

type Arg = string | number | Buffer;

const SCRIPTS = {
  initParams: { name: 'initParams', source: INIT_PARAMS },
  readParams: { name: 'readParams', source: READ_PARAMS },
  insert: { name: 'insert', source: INSERT },
  candidates: { name: 'candidates', source: CANDIDATES },
  signatures: { name: 'getSignatures', source: SIGNATURES },
  has: { name: 'has', source: HAS },
  remove: { name: 'remove', source: REMOVE },
  keysPage: { name: 'keys', source: KEYS_PAGE },
  size: { name: 'size', source: SIZE },
} as const satisfies Record<string, Script>;

const PARAM_FIELDS = [
  'numPerm',
  'seed',
  'shingleSize',
  'bands',
  'rows',
  'threshold',
  'signatureHash',
  'bandHash',
] as const;

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Writes `count` values of `src` from `from` into `out` at byte `at`, little-endian. */
function writeLE(out: Buffer, at: number, src: Uint32Array, from: number, count: number): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(src.buffer, src.byteOffset + from * 4, count * 4), at);
    return;
  }
  for (let i = 0; i < count; i++) out.writeUInt32LE(src[from + i]!, at + i * 4);
}

/** The u32 values of a little-endian byte string, in a fresh array. */
function readLE(bytes: Buffer): Uint32Array {
  const out = new Uint32Array(bytes.length / 4);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes);
  else for (let i = 0; i < out.length; i++) out[i] = bytes.readUInt32LE(i * 4);
  return out;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A lone surrogate: it would not survive the UTF-8 round trip through Redis. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkKeys(keys: readonly string[], where: string): void {
  for (const key of keys)
    if (typeof key !== 'string' || key.length === 0 || LONE_SURROGATE.test(key))
      throw new NeardupError(
        `RedisStorage ${where}: key must be a non-empty, well-formed string, got ${JSON.stringify(key)}`,
      );
}

function decodeParams(json: string, prefix: string): IndexParams {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(json) as Record<string, unknown>;
  } catch {
    throw new NeardupError(`Redis key "${prefix}params" is not a neardup index: ${json.slice(0, 80)}`);
  }
  if (raw.layout !== REDIS_LAYOUT)
    throw new NeardupError(
      `index "${prefix}params" uses Redis layout ${JSON.stringify(raw.layout)}; this version of neardup reads layout ${REDIS_LAYOUT}`,
    );
  const params: Record<string, number> = {};
  for (const name of PARAM_FIELDS) {
    const value = raw[name];
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new NeardupError(
        `index "${prefix}params" has no valid ${name}: ${JSON.stringify(value)} in ${json.slice(0, 200)}`,
      );
    params[name] = value;
  }
  return params as unknown as IndexParams;
}

function encodeParams(params: IndexParams): string {
  const out: Record<string, number> = { layout: REDIS_LAYOUT };
  for (const name of PARAM_FIELDS) out[name] = params[name];
  return JSON.stringify(out);
}

/**
 * An {@link LSHStorage} in Redis, so one index can be shared by several processes on several
 * machines, survive restarts of the programs that use it, and outgrow one process's memory.
 * Meets every rule of {@link LSHStorage}: parameters are created if absent atomically, each batch
 * chunk is one atomic Lua script (no duplicate keys or bucket members whatever the writers), and
 * an entry's buckets are written before its record, so inserting again after a failure completes
 * it. Signatures are stored as little-endian bytes, and buckets packed in small hashes: about
 * 1 KB of Redis memory per entry at 128 permutations (see docs/scaling-with-redis.md).
 *
 * Import it from `neardup/redis` (the core stays free of Node built-ins); it needs the `ioredis`
 * package. It does not support Redis Cluster: its scripts address keys they compute.
 *
 * @example
 * ```ts
 * import { MinHashLSH, signature } from 'neardup';
 * import { RedisStorage } from 'neardup/redis';
 *
 * const storage = new RedisStorage({ url: 'redis://127.0.0.1:6379', prefix: 'news' });
 * const lsh = new MinHashLSH({ threshold: 0.8, storage });
 * await lsh.insertMany(docs.map((d) => ({ key: d.id, signature: signature(d.text) })), { ifExists: 'skip' });
 * const matches = await lsh.query(signature(text), { limit: 10 });
 * await storage.close();
 * ```
 */
export class RedisStorage implements LSHStorage {
  /** The index prefix as given. */
  readonly prefix: string;
  readonly #keyPrefix: string;
  readonly #batchSize: number;
  readonly #options: RedisStorageOptions;
  #client: Redis | undefined;
  #connecting: Promise<Redis> | undefined;
  readonly #ownsClient: boolean;
  #closed = false;
  /** The last connection error of a client this storage made, to explain a failed command. */
  #lastError: Error | undefined;
  #params: IndexParams | undefined;
  readonly #shas = new Map<string, string>();

  /**
   * @throws {@link index!NeardupError | NeardupError} on an empty prefix or a batch size that is not an integer ≥ 1.
   */
  constructor(options: RedisStorageOptions) {
    const { prefix, client, batchSize = 100 } = options ?? ({} as RedisStorageOptions);
    if (typeof prefix !== 'string' || prefix.length === 0 || LONE_SURROGATE.test(prefix))
      throw new NeardupError(
        `RedisStorage: prefix must be a non-empty string, got ${JSON.stringify(prefix)}`,
      );
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new NeardupError(`RedisStorage: batchSize must be an integer ≥ 1, got ${batchSize}`);
    this.prefix = prefix;
    this.#options = options;
    this.#batchSize = batchSize;
    this.#client = client;
    this.#ownsClient = client === undefined;
    const clientPrefix = client?.options?.keyPrefix ?? options.redis?.keyPrefix ?? '';
    this.#keyPrefix = `${clientPrefix}${prefix}:`;
  }

  /**
   * {@inheritDoc index!LSHStorage.initParams}
   *
   * @throws {@link index!NeardupError | NeardupError} if Redis or the connection fails, or after {@link RedisStorage.close}, or if the prefix holds parameters
   * this version cannot read.
   */
  async initParams(params: IndexParams): Promise<IndexParams> {
    const key = `${this.#keyPrefix}params`;
    const [json] = await this.#eval(SCRIPTS.initParams, [[key, encodeParams(params)]]);
    this.#params = decodeParams(json as string, this.#keyPrefix);
    return this.#params;
  }

  /**
   * {@inheritDoc index!LSHStorage.readParams}
   *
   * @throws {@link index!NeardupError | NeardupError} if Redis or the connection fails, or after {@link RedisStorage.close}, or if the prefix holds parameters
   * this version cannot read.
   */
  async readParams(): Promise<IndexParams | undefined> {
    const [json] = await this.#eval(SCRIPTS.readParams, [[`${this.#keyPrefix}params`]]);
    if (json === null || json === undefined) return undefined;
    this.#params = decodeParams(String(json), this.#keyPrefix);
    return this.#params;
  }

  /**
   * {@inheritDoc index!LSHStorage.insert}
   *
   * @throws {@link index!NeardupError | NeardupError} if Redis or the connection fails, or after {@link RedisStorage.close}; if the prefix holds no index
   * parameters yet, the batch's arrays do not fit its keys, `mode` is not `"skip"` or `"replace"`,
   * or a key is empty or not well-formed UTF-16.
   */
  async insert(batch: EntryBatch, mode: InsertMode): Promise<string[]> {
    const { numPerm, bands } = await this.#require();
    const { keys, values, bandKeys } = batch;
    const n = keys.length;
    if (values.length !== n * numPerm || bandKeys.length !== n * bands)
      throw new NeardupError(
        `entry batch of ${n} keys needs ${n * numPerm} values and ${n * bands} band keys, ` +
          `got ${values.length} and ${bandKeys.length}`,
      );
    if (mode !== 'skip' && mode !== 'replace')
      throw new NeardupError(`insert mode must be "skip" or "replace", got ${JSON.stringify(mode)}`);
    checkKeys(keys, 'insert');
    if (n === 0) return [];
    const argLists: Arg[][] = [];
    for (let start = 0; start < n; start += this.#batchSize) {
      const end = Math.min(n, start + this.#batchSize);
      const args: Arg[] = [...this.#head(), mode];
      for (let i = start; i < end; i++) {
        const key = Buffer.from(keys[i]!, 'utf8');
        // The record: band keys ‖ signature values ‖ key, so one read gives all of an entry.
        const record = Buffer.allocUnsafe(bands * 4 + numPerm * 4 + key.length);
        writeLE(record, 0, bandKeys, i * bands, bands);
        writeLE(record, bands * 4, values, i * numPerm, numPerm);
        key.copy(record, (bands + numPerm) * 4);
        args.push(key, record, isEmptyValues(values, i * numPerm, numPerm) ? '0' : '1');
      }
      argLists.push(args);
    }
    const flags = (await this.#eval(SCRIPTS.insert, argLists)).flat() as number[];
    return keys.filter((_, i) => flags[i] === 1);
  }

  /**
   * {@inheritDoc index!LSHStorage.candidates}
   *
   * @throws {@link index!NeardupError | NeardupError} if Redis or the connection fails, or after {@link RedisStorage.close}; if the prefix holds no index
   * parameters yet, or `bandKeys` is not a whole number of queries.
   */
  async candidates(bandKeys: Uint32Array): Promise<string[][]> {
    const { bands } = await this.#require();
    const queries = bandKeys.length / bands;
    if (!Number.isInteger(queries))
      throw new NeardupError(`candidates: ${bandKeys.length} band keys is not a multiple of ${bands} bands`);
    if (queries === 0) return [];
    const argLists: Arg[][] = [];
    for (let start = 0; start < queries; start += this.#batchSize) {
      const count = Math.min(queries, start + this.#batchSize) - start;
      const blob = Buffer.allocUnsafe(count * bands * 4);
      writeLE(blob, 0, bandKeys, start * bands, count * bands);
      argLists.push([...this.#head(), count, blob]);
    }
    return (await this.#eval(SCRIPTS.candidates, argLists)).flat() as string[][];
  }

  /**
   * {@inheritDoc index!LSHStorage.getSignatures}
   *
   * @throws {@link index!NeardupError | NeardupError} if Redis or the connection fails, or after {@link RedisStorage.close}; if the prefix holds no index
   * parameters yet, a key is empty or not well-formed UTF-16, or a stored record has the wrong size.
   */
  async getSignatures(keys: readonly string[]): Promise<(Uint32Array | undefined)[]> {
    const { numPerm } = await this.#require();
    checkKeys(keys, 'getSignatures');
    if (keys.length === 0) return [];
    const argLists = chunks(keys, this.#batchSize).map((part) => [...this.#head(), ...part]);
    const found = (await this.#eval(SCRIPTS.signatures, argLists, true)).flat() as (Buffer | null)[];
    return found.map((bytes, i) => {
      if (!bytes) return undefined;
      if (bytes.length !== numPerm * 4)
        throw new NeardupError(
          `Redis index "${this.prefix}": the record of key ${JSON.stringify(keys[i])} holds ${bytes.length} signature bytes, expected ${numPerm * 4}`,
        );
      return readLE(bytes);
    });
  }

  /**
   * {@inheritDoc index!LSHStorage.has}
   *
   * @throws {@link index!NeardupError | NeardupError} if Redis or the connection fails, or after {@link RedisStorage.close}; if the prefix holds no index
   * parameters yet, or a key is empty or not well-formed UTF-16.
   */
  async has(keys: readonly string[]): Promise<boolean[]> {
    await this.#require();
    checkKeys(keys, 'has');
    if (keys.length === 0) return [];
    const argLists = chunks(keys, this.#batchSize).map((part) => [...this.#head(), ...part]);
    return ((await this.#eval(SCRIPTS.has, argLists)).flat() as number[]).map((x) => x === 1);
  }

  /**
   * {@inheritDoc index!LSHStorage.remove}
   *
   * @throws {@link index!NeardupError | NeardupError} if Redis or the connection fails, or after {@link RedisStorage.close}; if the prefix holds no index
   * parameters yet, or a key is empty or not well-formed UTF-16.
   */
  async remove(keys: readonly string[]): Promise<boolean[]> {
    await this.#require();
    checkKeys(keys, 'remove');
    if (keys.length === 0) return [];
    const argLists = chunks(keys, this.#batchSize).map((part) => [...this.#head(), ...part]);
    return ((await this.#eval(SCRIPTS.remove, argLists)).flat() as number[]).map((x) => x === 1);
  }

  /**
   * {@inheritDoc index!LSHStorage.size}
   *
   * @throws {@link index!NeardupError | NeardupError} if Redis or the connection fails, or after {@link RedisStorage.close}.
   */
  async size(): Promise<number> {
    const [n] = await this.#eval(SCRIPTS.size, [[this.#keyPrefix]]);
    return n as number;
  }

  /**
   * Every stored key, in pages of at most `pageSize` keys. Walks the entry ids in order (one
   * script call per page), so a key stored for the whole iteration is returned exactly once, even
   * while others insert and remove.
   *
   * @throws {@link index!NeardupError | NeardupError} if `pageSize` is not an integer ≥ 1, the prefix holds no index
   * parameters yet, Redis or the connection fails, or after {@link RedisStorage.close}.
   */
  async *keys(pageSize = 1000): AsyncIterable<readonly string[]> {
    if (!Number.isInteger(pageSize) || pageSize < 1)
      throw new NeardupError(`keys: pageSize must be an integer ≥ 1, got ${pageSize}`);
    await this.#require();
    let cursor = 1;
    while (cursor !== 0) {
      const [page] = await this.#eval(SCRIPTS.keysPage, [[...this.#head(), cursor, pageSize, pageSize * 8]]);
      const [next, keys] = page as [number, string[]];
      if (keys.length > 0) yield keys;
      cursor = next;
    }
  }

  /**
   * Closes the connection this storage opened from `url`; a `client` passed in is left open for
   * its owner to close. Calls after it fail.
   *
   * @example
   * ```ts
   * const storage = new RedisStorage({ url: 'redis://127.0.0.1:6379', prefix: 'news' });
   * const lsh = new MinHashLSH({ storage });
   * try {
   *   await lsh.insertMany(docs.map((d) => ({ key: d.id, signature: signature(d.text) })));
   * } finally {
   *   await storage.close();
   * }
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const client =
      this.#client ?? (this.#connecting ? await this.#connecting.catch(() => undefined) : undefined);
    if (client && this.#ownsClient) await client.quit().catch(() => client.disconnect());
  }

  /** prefix, bands, numPerm: the first three arguments of every script but initParams and size. */
  #head(): Arg[] {
    const p = this.#params!;
    return [this.#keyPrefix, p.bands, p.numPerm];
  }

  /** The stored parameters, read once; an error if the prefix holds no index yet. */
  async #require(): Promise<IndexParams> {
    if (this.#params) return this.#params;
    const params = await this.readParams();
    if (!params)
      throw new NeardupError(
        `Redis prefix "${this.prefix}" holds no index parameters yet: call initParams first ` +
          '(MinHashLSH does so before its first write)',
      );
    return params;
  }

  async #connect(): Promise<Redis> {
    if (this.#closed) throw new NeardupError(`RedisStorage "${this.prefix}" is closed`);
    if (this.#client) return this.#client;
    this.#connecting ??= (async () => {
      // ioredis is CommonJS: its class is a named export, or a property of the default one.
      type Ctor = typeof Redis;
      const mod = (await import('ioredis')) as unknown as { Redis?: Ctor; default?: Ctor & { Redis?: Ctor } };
      const RedisClient = mod.Redis ?? mod.default?.Redis ?? mod.default!;
      const url = this.#options.url ?? 'redis://127.0.0.1:6379';
      const client = new RedisClient(url, this.#options.redis ?? {});
      // Failed commands reject with the connection error; without a listener ioredis would also
      // print every reconnection attempt's error to the console.
      client.on('error', (error: Error) => {
        this.#lastError = error;
      });
      // ioredis selects the database of the URL (or `db`) on connecting, but when Redis refuses
      // it (a number beyond its `databases`) it only emits an error and runs every command in
      // database 0. Selecting it again here fails the storage instead of writing elsewhere.
      const db = client.options?.db;
      if (typeof db === 'number' && db !== 0)
        try {
          await this.#call('select', () => client.select(db));
        } catch (error) {
          client.disconnect();
          throw error;
        }
      this.#client = client;
      return client;
    })();
    return this.#connecting;
  }

  /** Runs one command, turning a Redis or connection error into a NeardupError naming the index. */
  async #call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.#wrap(what, error);
    }
  }

  #wrap(what: string, error: unknown): NeardupError {
    let message = error instanceof Error ? error.message : String(error);
    const last = this.#lastError;
    if (last && last !== error && !message.includes(last.message))
      message += ` (last connection error: ${last.message})`;
    const wrapped = new NeardupError(`Redis ${what} on index "${this.prefix}" failed: ${message}`);
    (wrapped as { cause?: unknown }).cause = error;
    return wrapped;
  }

  /**
   * Runs `script` once per argument list, all in one pipeline (one round trip), and returns the
   * results in order. Loads the scripts first if this storage has not (all in one round trip);
   * if Redis lost them meanwhile (a restart, SCRIPT FLUSH), loads them again and reruns the calls
   * that failed, which is safe because they did nothing.
   */
  async #eval(script: Script, argLists: Arg[][], binary = false): Promise<unknown[]> {
    const client = await this.#connect();
    if (!this.#shas.has(script.name)) await this.#load(client, script.name);
    let sha = this.#shas.get(script.name)!;
    const results: unknown[] = new Array(argLists.length);
    let todo = argLists.map((_, i) => i);
    for (let attempt = 0; todo.length > 0; attempt++) {
      const pipeline = client.pipeline();
      for (const i of todo) {
        if (binary) pipeline.callBuffer('evalsha', sha, 0, ...argLists[i]!);
        else pipeline.evalsha(sha, 0, ...argLists[i]!);
      }
      const replies = await this.#call(script.name, async () => (await pipeline.exec()) ?? []);
      const retry: number[] = [];
      for (let k = 0; k < todo.length; k++) {
        const [error, value] = replies[k] ?? [new Error('no reply')];
        if (!error) results[todo[k]!] = value;
        else if (attempt === 0 && /NOSCRIPT/.test(error.message)) retry.push(todo[k]!);
        else throw this.#wrap(script.name, error);
      }
      todo = retry;
      if (retry.length > 0) {
        await this.#load(client, script.name);
        sha = this.#shas.get(script.name)!;
      }
    }
    return results;
  }

  /** Loads every script into Redis in one pipeline and notes their SHA1s. */
  async #load(client: Redis, what: string): Promise<void> {
    const scripts = Object.values(SCRIPTS);
    const pipeline = client.pipeline();
    for (const script of scripts) pipeline.script('LOAD', script.source);
    const replies = await this.#call(what, async () => (await pipeline.exec()) ?? []);
    scripts.forEach((script, i) => {
      const [error, sha] = replies[i] ?? [new Error('no reply')];
      if (error) throw this.#wrap(what, error);
      this.#shas.set(script.name, String(sha));
    });
  }
}

// MinHashLSH: an index of MinHash signatures that finds, for a signature, the stored ones whose
// Jaccard similarity is probably above a threshold, without comparing against all of them.
//
// The index hashes each band of a signature to a 32-bit band key (src/lsh/bands.ts) and keeps
// entries and buckets in an LSHStorage (src/storage/). Every candidate the buckets give is then
// scored by estimated Jaccard over the whole signature, so results carry scores and the rare
// band-key collision or unlucky banding costs a comparison, never a wrong answer.

import { NeardupError } from '../errors.js';
import { DEFAULT_NUM_PERM, DEFAULT_SEED, type Signature, sortedJaccard } from '../minhash.js';
import { DEFAULT_SHINGLE_SIZE, type Shingles, shingle, uniqueSorted } from '../shingle.js';
import { MemoryStorage } from '../storage/memory.js';
import type { IndexParams, LSHStorage } from '../storage/types.js';
import { tokenize } from '../text.js';
import { BAND_HASH_SCHEME, isEmptyValues, SIGNATURE_HASH_SCHEME, writeBandKeys } from './bands.js';
import { DEFAULT_THRESHOLD, type LSHWeights, resolveBandsRows } from './params.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot.js';

/**
 * Options of {@link MinHashLSH}. Every field is optional.
 *
 * @example
 * ```ts
 * const options: LSHOptions = { threshold: 0.7, numPerm: 256, storage: new MemoryStorage() };
 * const lsh = new MinHashLSH(options); // 32 bands × 8 rows; sign with signature(text, { numPerm: 256 })
 * ```
 */
export interface LSHOptions {
  /**
   * Jaccard threshold in (0, 1]: the index is tuned to find pairs at or above it, and
   * {@link MinHashLSH.query} and {@link MinHashLSH.pairs} return only those. @default 0.8
   */
  threshold?: number;
  /** Signature length of the signatures to index (they must all match). @default 128 */
  numPerm?: number;
  /** Seed of the signatures' permutations (they must all match). @default 1 */
  seed?: number;
  /** Words per shingle of the indexed signatures (they must all match). @default 5 */
  shingleSize?: number;
  /**
   * Weights of false positives and false negatives when choosing bands and rows
   * ({@link optimalBandsRows}). @default {@link DEFAULT_WEIGHTS}: 0.1 and 0.9, favouring recall
   */
  weights?: LSHWeights;
  /**
   * Number of bands; with `rows`, overrides the automatic choice.
   * @default chosen with `rows` by {@link optimalBandsRows} for the threshold, numPerm and weights
   */
  bands?: number;
  /**
   * Rows per band; with `bands`, overrides the automatic choice.
   * @default chosen with `bands` by {@link optimalBandsRows} for the threshold, numPerm and weights
   */
  rows?: number;
  /** Where entries and buckets live. @default a new {@link MemoryStorage} */
  storage?: LSHStorage;
}

/**
 * What {@link MinHashLSH.insert} and {@link MinHashLSH.insertMany} do with a key already in the index.
 *
 * @example
 * ```ts
 * const update: InsertOptions = { ifExists: 'replace' };
 * await lsh.insert('doc-1', signature(text), update); // stored, whether or not doc-1 was there
 * ```
 */
export interface InsertOptions {
  /**
   * `"error"`: throw a {@link NeardupError} naming the key, and insert nothing of the batch;
   * `"replace"`: replace the stored signature (an update); `"skip"`: keep the stored one and
   * report the key in {@link InsertResult.existing} (resuming an interrupted ingest).
   * @default "error"
   */
  ifExists?: 'error' | 'replace' | 'skip';
}

/**
 * One entry for {@link MinHashLSH.insertMany}.
 *
 * @example
 * ```ts
 * const entries: InsertEntry[] = docs.map((d) => ({ key: d.id, signature: signature(d.text) }));
 * await lsh.insertMany(entries);
 * ```
 */
export interface InsertEntry {
  /** The entry's key: a non-empty string, unique in the index. */
  readonly key: string;
  /** Its signature, made with the index's numPerm, seed and shingle size. */
  readonly signature: Signature;
}

/**
 * What {@link MinHashLSH.insertMany} did.
 *
 * @example
 * ```ts
 * const entries = docs.map((d) => ({ key: d.id, signature: signature(d.text) }));
 * const result: InsertResult = await lsh.insertMany(entries, { ifExists: 'skip' });
 * console.log(`${result.inserted} new; ${result.existing.length} already there, kept as stored`);
 * ```
 */
export interface InsertResult {
  /** Entries whose key was new. */
  readonly inserted: number;
  /** Keys already in the index (replaced or skipped per {@link InsertOptions.ifExists}), in input order. */
  readonly existing: readonly string[];
}

/**
 * Options of {@link MinHashLSH.query} and {@link MinHashLSH.queryMany}.
 *
 * @example
 * ```ts
 * const options: QueryOptions = { limit: 3, minScore: 0.5 }; // the 3 best candidates at J ≥ 0.5
 * const matches = await lsh.query(sig, options);
 * ```
 */
export interface QueryOptions {
  /** At most this many matches, the best first. @default Infinity */
  limit?: number;
  /**
   * Least estimated Jaccard of a match; `0` returns every candidate the buckets give, scored.
   * @default the index's threshold
   */
  minScore?: number;
}

/**
 * A query result: a stored key and the estimated Jaccard similarity of its signature.
 *
 * @example
 * ```ts
 * const [best]: QueryMatch[] = await lsh.query(sig, { limit: 1 });
 * if (best) console.log(`${best.key}: Jaccard ≈ ${best.score}`);
 * ```
 */
export interface QueryMatch {
  /** The stored entry's key. */
  readonly key: string;
  /** Estimated Jaccard similarity with the query (share of agreeing signature values). */
  readonly score: number;
}

/**
 * Options of {@link MinHashLSH.pairs}.
 *
 * @example
 * ```ts
 * const byId = new Map(docs.map((d) => [d.id, d.text]));
 * const options: PairsOptions = { minScore: 0.85, text: (key) => byId.get(key) }; // exact re-check
 * for await (const { a, b, exact } of lsh.pairs(options)) console.log(a, b, exact);
 * ```
 */
export interface PairsOptions {
  /** Least estimated Jaccard of a pair. @default the index's threshold */
  minScore?: number;
  /**
   * The text of a key, to re-check each pair by exact shingle Jaccard (tokenised and shingled
   * like {@link signature}, with the index's shingle size): pairs below `minScore` are dropped
   * and the others carry {@link LSHPair.exact}. Return `undefined` to keep a pair unchecked.
   * @default undefined: pairs are not re-checked (unless `shingles` is given)
   */
  text?: (key: string) => string | undefined | Promise<string | undefined>;
  /**
   * Like `text`, but the key's shingle hashes (e.g. {@link shingle}`(…).hashes`) directly.
   * @default undefined: pairs are not re-checked (unless `text` is given)
   */
  shingles?: (
    key: string,
  ) => Uint32Array | Shingles | undefined | Promise<Uint32Array | Shingles | undefined>;
  /** Keys read from storage per batch. @default 1000 */
  pageSize?: number;
  /** Shingle sets kept between pairs for the exact check (least recently used go first). @default 4096 */
  cacheSize?: number;
}

/**
 * A pair of stored keys found by {@link MinHashLSH.pairs}, with `a < b` (string order).
 *
 * @example
 * ```ts
 * const pairs: LSHPair[] = [];
 * for await (const pair of lsh.pairs()) pairs.push(pair);
 * pairs.sort((x, y) => y.score - x.score); // most similar first
 * ```
 */
export interface LSHPair {
  /** The smaller key. */
  readonly a: string;
  /** The larger key. */
  readonly b: string;
  /** Estimated Jaccard similarity of their signatures. */
  readonly score: number;
  /** Exact Jaccard of their shingle sets, when {@link PairsOptions.text} or `shingles` was given. */
  readonly exact?: number;
}

/**
 * Options of {@link MinHashLSH.fromBytes}: the parameters expected of the snapshot, and where to load it.
 *
 * @example
 * ```ts
 * const options: FromBytesOptions = { numPerm: 128, shingleSize: 5, storage: new MemoryStorage() };
 * const copy = await MinHashLSH.fromBytes(await lsh.toBytes(), options); // throws if lsh has others
 * ```
 */
export interface FromBytesOptions {
  /** Expected threshold; a snapshot made with another is refused. @default undefined: the snapshot's */
  threshold?: number;
  /** Expected numPerm; a snapshot made with another is refused. @default undefined: the snapshot's */
  numPerm?: number;
  /** Expected seed; a snapshot made with another is refused. @default undefined: the snapshot's */
  seed?: number;
  /** Expected shingle size; a snapshot made with another is refused. @default undefined: the snapshot's */
  shingleSize?: number;
  /** Expected bands; a snapshot made with another is refused. @default undefined: the snapshot's */
  bands?: number;
  /** Expected rows; a snapshot made with another is refused. @default undefined: the snapshot's */
  rows?: number;
  /** Where to load the entries. @default a new {@link MemoryStorage} */
  storage?: LSHStorage;
}

const COMPARED = ['threshold', 'numPerm', 'seed', 'shingleSize', 'bands', 'rows'] as const;

/** Weights only steer the automatic choice of bands and rows: with both given, they would do nothing. */
function checkWeightsUsed(options: LSHOptions): void {
  if (options.weights !== undefined && options.bands !== undefined && options.rows !== undefined)
    throw new NeardupError(
      `weights only choose bands and rows, but both were given (bands ${options.bands}, rows ${options.rows}): ` +
        'give either weights or bands and rows',
    );
}

function paramsOf(options: LSHOptions): IndexParams {
  checkWeightsUsed(options);
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const numPerm = options.numPerm ?? DEFAULT_NUM_PERM;
  const seed = options.seed ?? DEFAULT_SEED;
  const shingleSize = options.shingleSize ?? DEFAULT_SHINGLE_SIZE;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1))
    throw new NeardupError(`threshold must be a number in (0, 1], got ${threshold}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new NeardupError(`seed must be an integer in 0..4294967295, got ${seed}`);
  if (!Number.isInteger(shingleSize) || shingleSize < 1 || shingleSize > 0xffff)
    throw new NeardupError(`shingleSize must be an integer in 1..65535, got ${shingleSize}`);
  const { bands, rows } = resolveBandsRows({ ...options, threshold, numPerm });
  return {
    numPerm,
    seed,
    shingleSize,
    bands,
    rows,
    threshold,
    signatureHash: SIGNATURE_HASH_SCHEME,
    bandHash: BAND_HASH_SCHEME,
  };
}

/** "numPerm 256 (stored) vs 128 (requested)" for each parameter that differs. */
function differences(
  stored: IndexParams,
  wanted: Partial<IndexParams>,
  storedName: string,
  wantedName: string,
) {
  const out: string[] = [];
  for (const name of [...COMPARED, 'signatureHash', 'bandHash'] as const) {
    const want = wanted[name];
    if (want !== undefined && want !== stored[name])
      out.push(`${name} ${stored[name]} (${storedName}) vs ${want} (${wantedName})`);
  }
  return out;
}

function describeParams(p: IndexParams): string {
  return `threshold ${p.threshold}, numPerm ${p.numPerm}, seed ${p.seed}, shingleSize ${p.shingleSize}, bands ${p.bands}, rows ${p.rows}`;
}

/** The parameters the caller asked for explicitly (bands/rows derived when weights were given). */
function requested(options: LSHOptions & FromBytesOptions, stored: IndexParams): Partial<IndexParams> {
  const wanted: { -readonly [K in keyof IndexParams]?: IndexParams[K] } = {};
  for (const name of COMPARED) if (options[name] !== undefined) wanted[name] = options[name];
  const { weights } = options as LSHOptions;
  if (weights !== undefined && options.bands === undefined && options.rows === undefined) {
    const derived = resolveBandsRows({
      threshold: options.threshold ?? stored.threshold,
      numPerm: options.numPerm ?? stored.numPerm,
      weights,
    });
    wanted.bands = derived.bands;
    wanted.rows = derived.rows;
  }
  return wanted;
}

/** Matching signature values at the same positions. */
function agreement(a: Uint32Array, aOffset: number, b: Uint32Array, n: number): number {
  let same = 0;
  for (let i = 0; i < n; i++) if (a[aOffset + i] === b[i]) same++;
  return same;
}

function byScoreThenKey(x: QueryMatch, y: QueryMatch): number {
  return y.score - x.score || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);
}

// A lone surrogate cannot be written as UTF-8 (snapshots, Redis), so such a key would come back changed.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Throws unless `key` is a non-empty string that survives UTF-8 (no lone surrogate). */
export function checkKey(key: unknown, where: string): asserts key is string {
  if (typeof key !== 'string' || key.length === 0)
    throw new NeardupError(`${where} must be a non-empty string, got ${JSON.stringify(key)}`);
  if (LONE_SURROGATE.test(key))
    throw new NeardupError(
      `${where} ${JSON.stringify(key)} has a lone UTF-16 surrogate, which UTF-8 cannot store`,
    );
}

/**
 * A MinHash LSH index (locality-sensitive hashing, banding): finds among many stored signatures
 * those whose Jaccard similarity with a query is probably at least the threshold, in time that
 * grows with the number of matches, not of entries. Each candidate is scored by estimated Jaccard
 * over the whole signature, so results come ranked with their scores.
 *
 * Bands and rows are chosen from the threshold by minimising the weighted false-positive and
 * false-negative areas under the S-curve ({@link optimalBandsRows}), or given explicitly.
 * Keys are strings, each stored once: inserting a key already present is an error unless
 * {@link InsertOptions.ifExists} says to replace or skip it.
 *
 * The index keeps its parameters in its storage. With a persistent storage, reopen it with
 * {@link MinHashLSH.open}; a constructor whose parameters differ from the stored ones makes every
 * operation fail with an error listing both. Every method is asynchronous because storage may be
 * remote; the default in-memory storage answers at once.
 *
 * @example
 * ```ts
 * const lsh = new MinHashLSH({ threshold: 0.8 }); // 14 bands × 9 rows of 128 permutations
 * await lsh.insertMany(docs.map((d) => ({ key: d.id, signature: signature(d.text) })));
 * const matches = await lsh.query(signature(text), { limit: 10 });
 * // => [{ key: 'doc-17', score: 0.91 }, …], best first, all ≥ 0.8
 * for await (const { a, b, score } of lsh.pairs()) console.log(a, b, score);
 * ```
 */
export class MinHashLSH {
  /** The index's parameters: threshold, signature parameters, bands and rows, hash schemes. */
  readonly params: IndexParams;
  /** Where entries and buckets live. */
  readonly storage: LSHStorage;
  #ready: Promise<void> | undefined;

  /**
   * Creates an index (bands and rows chosen now). Nothing is written until the first operation,
   * which first stores the parameters in the storage, or checks them against those it holds.
   *
   * @throws {@link NeardupError} on an invalid threshold, numPerm, seed, shingle size, weights,
   * or bands/rows (with the numbers: "bands × rows = 20 × 8 = 160 must be ≤ numPerm 128 …"), or
   * weights given with both bands and rows (they would choose nothing).
   */
  constructor(options: LSHOptions = {}) {
    this.params = Object.freeze(paramsOf(options));
    this.storage = options.storage ?? new MemoryStorage();
  }

  /**
   * Opens an index on a storage: with the parameters stored there if it holds an index (any
   * option given must agree with them), else a new index from the options. Errors surface here,
   * not at the first operation.
   *
   * @throws {@link NeardupError} listing each option that differs from the stored parameters,
   * or if the stored index uses another hash scheme; on an empty storage, for the options the
   * constructor rejects; always, for weights given with both bands and rows.
   * @example
   * ```ts
   * const lsh = await MinHashLSH.open({ storage }); // whatever parameters the storage holds
   * await MinHashLSH.open({ storage, numPerm: 256 }); // throws if it was built with 128
   * ```
   */
  static async open(options: LSHOptions = {}): Promise<MinHashLSH> {
    checkWeightsUsed(options);
    const storage = options.storage ?? new MemoryStorage();
    const stored = await storage.readParams();
    if (!stored) {
      const lsh = new MinHashLSH({ ...options, storage });
      await lsh.ready();
      return lsh;
    }
    const diffs = differences(stored, requested(options, stored), 'stored', 'requested');
    if (diffs.length > 0)
      throw new NeardupError(`the storage holds an index with other parameters: ${diffs.join(', ')}`);
    const lsh = new MinHashLSH({ ...stored, storage });
    await lsh.ready();
    return lsh;
  }

  /** Jaccard threshold of the index. */
  get threshold(): number {
    return this.params.threshold;
  }
  /** Signature length. */
  get numPerm(): number {
    return this.params.numPerm;
  }
  /** Number of bands. */
  get bands(): number {
    return this.params.bands;
  }
  /** Rows per band. */
  get rows(): number {
    return this.params.rows;
  }

  /**
   * Stores the parameters in the storage, or checks them against those already there. Every
   * operation awaits it; call it to surface a mismatch early.
   *
   * @throws {@link NeardupError} listing both values of each parameter that differs.
   * @example
   * ```ts
   * const lsh = new MinHashLSH({ threshold: 0.9, storage });
   * await lsh.ready(); // throws here if the storage holds an index built with other parameters
   * ```
   */
  ready(): Promise<void> {
    if (!this.#ready)
      this.#ready = this.#init().catch((error: unknown) => {
        this.#ready = undefined; // a failed connection may succeed later; a mismatch fails again
        throw error;
      });
    return this.#ready;
  }

  async #init(): Promise<void> {
    const stored = await this.storage.initParams(this.params);
    const diffs = differences(stored, this.params, 'stored', 'this index');
    if (diffs.length > 0)
      throw new NeardupError(
        `the storage holds an index with other parameters: ${diffs.join(', ')}; ` +
          `open it with MinHashLSH.open({ storage }) to use them (stored: ${describeParams(stored)})`,
      );
  }

  #checkSignature(sig: Signature, key: string | undefined): void {
    const p = this.params;
    if (
      sig === null ||
      typeof sig !== 'object' ||
      !(sig.values instanceof Uint32Array) ||
      sig.numPerm !== p.numPerm ||
      sig.seed !== p.seed ||
      sig.shingleSize !== p.shingleSize ||
      sig.values.length !== p.numPerm
    ) {
      const what = key === undefined ? 'signature' : `signature of key ${JSON.stringify(key)}`;
      const got =
        sig && typeof sig === 'object'
          ? `numPerm ${sig.numPerm}, seed ${sig.seed}, shingleSize ${sig.shingleSize}, ${sig.values?.length} values`
          : String(sig);
      throw new NeardupError(
        `${what} does not fit this index: it has ${got}; the index needs numPerm ${p.numPerm}, ` +
          `seed ${p.seed}, shingleSize ${p.shingleSize}`,
      );
    }
  }

  /**
   * Inserts one signature under `key`.
   *
   * @returns true if the key was new (false when it existed and was replaced or skipped).
   * @throws {@link NeardupError} if the key is already in the index (unless `ifExists` says
   * otherwise), is not a non-empty string, or the signature's parameters differ from the index's.
   * @example
   * ```ts
   * await lsh.insert('doc-1', signature(a));
   * await lsh.insert('doc-1', signature(b), { ifExists: 'replace' }); // doc-1 now holds b's signature
   * ```
   */
  async insert(key: string, sig: Signature, options: InsertOptions = {}): Promise<boolean> {
    const result = await this.insertMany([{ key, signature: sig }], options);
    return result.inserted === 1;
  }

  /**
   * Inserts many signatures in one batched storage write (one round trip to a remote store).
   * Validates every entry first: a bad key, a key given twice, or a mismatched signature throws
   * before anything is written. With `ifExists: "error"` (the default), a key already in the
   * index throws too, and nothing of the batch is written.
   *
   * @throws {@link NeardupError} naming the offending key; also for an `ifExists` other than
   * `"error"`, `"replace"` or `"skip"`, or a storage holding an index with other parameters.
   * @example
   * ```ts
   * const { inserted, existing } = await lsh.insertMany(
   *   docs.map((d) => ({ key: d.id, signature: signature(d.text) })),
   *   { ifExists: 'skip' }, // resume: keys stored by an interrupted run are kept
   * );
   * ```
   */
  async insertMany(entries: Iterable<InsertEntry>, options: InsertOptions = {}): Promise<InsertResult> {
    const ifExists = options.ifExists ?? 'error';
    if (ifExists !== 'error' && ifExists !== 'replace' && ifExists !== 'skip')
      throw new NeardupError(
        `ifExists must be "error", "replace" or "skip", got ${JSON.stringify(ifExists)}`,
      );
    const list = Array.from(entries);
    const numPerm = this.params.numPerm;
    const keys: string[] = new Array(list.length);
    const values = new Uint32Array(list.length * numPerm);
    const seen = new Map<string, number>();
    for (let i = 0; i < list.length; i++) {
      const entry = list[i]!;
      checkKey(entry?.key, `insert entry ${i}: key`);
      const before = seen.get(entry.key);
      if (before !== undefined)
        throw new NeardupError(
          `key ${JSON.stringify(entry.key)} appears twice in one insert (entries ${before} and ${i})`,
        );
      seen.set(entry.key, i);
      this.#checkSignature(entry.signature, entry.key);
      keys[i] = entry.key;
      values.set(entry.signature.values, i * numPerm);
    }
    return this.#write(keys, values, ifExists);
  }

  async #write(
    keys: string[],
    values: Uint32Array,
    ifExists: 'error' | 'replace' | 'skip',
  ): Promise<InsertResult> {
    await this.ready();
    if (keys.length === 0) return { inserted: 0, existing: [] };
    const { bands, rows, numPerm } = this.params;
    const bandKeys = new Uint32Array(keys.length * bands);
    for (let i = 0; i < keys.length; i++)
      writeBandKeys(values, i * numPerm, bands, rows, bandKeys, i * bands);
    if (ifExists === 'error') {
      const present = await this.storage.has(keys);
      const clash = keys.filter((_, i) => present[i]);
      if (clash.length > 0) throw this.#existsError(clash, 0);
    }
    const existing = await this.storage.insert(
      { keys, values, bandKeys },
      ifExists === 'replace' ? 'replace' : 'skip',
    );
    // Another writer stored one of these keys between the check and the write: it was skipped.
    if (ifExists === 'error' && existing.length > 0)
      throw this.#existsError(existing, keys.length - existing.length);
    return { inserted: keys.length - existing.length, existing };
  }

  #existsError(keys: readonly string[], written: number): NeardupError {
    const more = keys.length > 1 ? ` (and ${keys.length - 1} more)` : '';
    const effect =
      written === 0
        ? 'nothing was inserted'
        : `another writer stored it meanwhile; it was left as stored and the other ${written} entries were inserted`;
    return new NeardupError(
      `key ${JSON.stringify(keys[0])}${more} is already in the index: ${effect}. ` +
        `Pass { ifExists: 'replace' } to update it or { ifExists: 'skip' } to keep the stored signature`,
    );
  }

  /**
   * The stored keys whose signatures probably have Jaccard ≥ `minScore` (default the threshold)
   * with `sig`, ranked by estimated Jaccard (ties by key), with their scores. A signature of an
   * empty text matches nothing.
   *
   * @throws {@link NeardupError} if the signature's parameters differ from the index's, `minScore`
   * is not a number in [0, 1], or `limit` is not an integer ≥ 0.
   * @example
   * ```ts
   * const [best] = await lsh.query(signature(text), { limit: 1 }); // { key, score } or undefined
   * const all = await lsh.query(signature(text), { minScore: 0 }); // every candidate, scored
   * ```
   */
  async query(sig: Signature, options: QueryOptions = {}): Promise<QueryMatch[]> {
    return (await this.queryMany([sig], options))[0]!;
  }

  /**
   * {@link MinHashLSH.query} for many signatures in one batched storage lookup.
   *
   * @throws {@link NeardupError} if a signature's parameters differ from the index's, `minScore`
   * is not a number in [0, 1], or `limit` is not an integer ≥ 0.
   * @example
   * ```ts
   * const results = await lsh.queryMany(texts.map((t) => signature(t)), { limit: 5 });
   * ```
   */
  async queryMany(sigs: readonly Signature[], options: QueryOptions = {}): Promise<QueryMatch[][]> {
    const minScore = options.minScore ?? this.params.threshold;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    if (typeof minScore !== 'number' || !(minScore >= 0 && minScore <= 1))
      throw new NeardupError(`minScore must be a number in [0, 1], got ${minScore}`);
    if (!(limit >= 0) || (limit !== Number.POSITIVE_INFINITY && !Number.isInteger(limit)))
      throw new NeardupError(`limit must be an integer ≥ 0, got ${limit}`);
    const { numPerm } = this.params;
    const values = new Uint32Array(sigs.length * numPerm);
    for (let i = 0; i < sigs.length; i++) {
      this.#checkSignature(sigs[i]!, undefined);
      values.set(sigs[i]!.values, i * numPerm);
    }
    await this.ready();
    const candidates = await this.#candidates(values, sigs.length);
    return this.#score(values, candidates, minScore, limit, undefined);
  }

  /** Candidate keys of each of `count` packed signatures (none for an empty signature). */
  async #candidates(values: Uint32Array, count: number): Promise<string[][]> {
    const { numPerm, bands, rows } = this.params;
    const asked: number[] = [];
    for (let i = 0; i < count; i++) if (!isEmptyValues(values, i * numPerm, numPerm)) asked.push(i);
    const out: string[][] = Array.from({ length: count }, () => []);
    if (asked.length === 0) return out;
    const bandKeys = new Uint32Array(asked.length * bands);
    for (let q = 0; q < asked.length; q++)
      writeBandKeys(values, asked[q]! * numPerm, bands, rows, bandKeys, q * bands);
    const found = await this.storage.candidates(bandKeys);
    for (let q = 0; q < asked.length; q++) out[asked[q]!] = found[q]!;
    return out;
  }

  /** Scores candidates against their query, keeps those ≥ minScore, ranks them. */
  async #score(
    values: Uint32Array,
    candidates: string[][],
    minScore: number,
    limit: number,
    keep: ((query: number, key: string) => boolean) | undefined,
  ): Promise<QueryMatch[][]> {
    const { numPerm } = this.params;
    const wanted = new Set<string>();
    for (let q = 0; q < candidates.length; q++)
      for (const key of candidates[q]!) if (!keep || keep(q, key)) wanted.add(key);
    const unique = Array.from(wanted);
    const stored = await this.storage.getSignatures(unique);
    const sigOf = new Map<string, Uint32Array | undefined>();
    for (let i = 0; i < unique.length; i++) sigOf.set(unique[i]!, stored[i]);
    return candidates.map((keys, q) => {
      const matches: QueryMatch[] = [];
      for (const key of keys) {
        if (keep && !keep(q, key)) continue;
        const other = sigOf.get(key);
        if (!other) continue; // a bucket member whose entry was removed or never completed
        const score = agreement(values, q * numPerm, other, numPerm) / numPerm;
        if (score >= minScore) matches.push({ key, score });
      }
      matches.sort(byScoreThenKey);
      return matches.length > limit ? matches.slice(0, limit) : matches;
    });
  }

  /**
   * The stored signature of a key (a copy), or `undefined`.
   *
   * @throws {@link NeardupError} if the storage holds an index with other parameters (see
   * {@link MinHashLSH.ready}).
   * @example
   * ```ts
   * const sig = await lsh.getSignature('doc-1');
   * if (sig) estimateJaccard(sig, signature(text));
   * ```
   */
  async getSignature(key: string): Promise<Signature | undefined> {
    return (await this.getSignatures([key]))[0];
  }

  /**
   * {@link MinHashLSH.getSignature} for many keys in one storage round trip.
   *
   * @throws {@link NeardupError} if the storage holds an index with other parameters (see
   * {@link MinHashLSH.ready}).
   * @example
   * ```ts
   * const [first, second] = await lsh.getSignatures(['doc-1', 'doc-2']);
   * if (first && second) estimateJaccard(first, second);
   * ```
   */
  async getSignatures(keys: readonly string[]): Promise<(Signature | undefined)[]> {
    await this.ready();
    const { numPerm, seed, shingleSize } = this.params;
    const stored = await this.storage.getSignatures(keys);
    return stored.map((values) =>
      values ? { numPerm, seed, shingleSize, values: values.slice() } : undefined,
    );
  }

  /**
   * Removes a key and its signature.
   *
   * @returns whether the key was in the index.
   * @throws {@link NeardupError} if the storage holds an index with other parameters (see
   * {@link MinHashLSH.ready}).
   * @example
   * ```ts
   * await lsh.remove('doc-1'); // => true
   * ```
   */
  async remove(key: string): Promise<boolean> {
    return (await this.removeMany([key])) === 1;
  }

  /**
   * Removes many keys in one storage round trip.
   *
   * @returns how many of them were in the index.
   * @throws {@link NeardupError} if the storage holds an index with other parameters (see
   * {@link MinHashLSH.ready}).
   * @example
   * ```ts
   * await lsh.removeMany(['doc-1', 'doc-2']); // => 2
   * ```
   */
  async removeMany(keys: readonly string[]): Promise<number> {
    await this.ready();
    return (await this.storage.remove(keys)).filter(Boolean).length;
  }

  /**
   * Whether a key is in the index.
   *
   * @throws {@link NeardupError} if the storage holds an index with other parameters (see
   * {@link MinHashLSH.ready}).
   * @example
   * ```ts
   * if (!(await lsh.has('doc-1'))) await lsh.insert('doc-1', signature(text));
   * ```
   */
  async has(key: string): Promise<boolean> {
    await this.ready();
    return (await this.storage.has([key]))[0]!;
  }

  /**
   * Number of entries in the index.
   *
   * @throws {@link NeardupError} if the storage holds an index with other parameters (see
   * {@link MinHashLSH.ready}).
   * @example
   * ```ts
   * await lsh.size(); // => 100000
   * ```
   */
  async size(): Promise<number> {
    await this.ready();
    return this.storage.size();
  }

  /**
   * Every key in the index, read from storage a page at a time.
   *
   * @throws {@link NeardupError} if the storage holds an index with other parameters (see
   * {@link MinHashLSH.ready}).
   * @example
   * ```ts
   * for await (const key of lsh.keys()) console.log(key);
   * ```
   */
  async *keys(): AsyncIterable<string> {
    await this.ready();
    for await (const page of this.storage.keys()) yield* page;
  }

  /**
   * Every pair of stored keys whose signatures share a band and have estimated Jaccard ≥
   * `minScore` (default the threshold), each pair once with `a < b`. Keys are read a page at a
   * time, so memory stays bounded whatever the size of the index. With `text` or `shingles`,
   * each pair is re-checked by exact Jaccard and kept only if that also reaches `minScore`.
   *
   * Meant for an index that is not being written meanwhile; pairs involving keys inserted or
   * removed during the iteration may or may not be reported.
   *
   * @throws {@link NeardupError} if `minScore` is not a number in [0, 1], both `text` and
   * `shingles` are given, or the storage holds an index with other parameters.
   * @example
   * ```ts
   * const byId = new Map(docs.map((d) => [d.id, d.text]));
   * for await (const { a, b, score, exact } of lsh.pairs({ text: (key) => byId.get(key) })) {
   *   console.log(`${a} ~ ${b}: estimated ${score}, exact ${exact}`);
   * }
   * ```
   */
  async *pairs(options: PairsOptions = {}): AsyncIterable<LSHPair> {
    const minScore = options.minScore ?? this.params.threshold;
    if (typeof minScore !== 'number' || !(minScore >= 0 && minScore <= 1))
      throw new NeardupError(`minScore must be a number in [0, 1], got ${minScore}`);
    if (options.text && options.shingles)
      throw new NeardupError('give pairs() either text or shingles, not both');
    await this.ready();
    const { numPerm, shingleSize } = this.params;
    const exactSet = this.#exactSets(options, shingleSize);
    for await (const page of this.storage.keys(options.pageSize ?? 1000)) {
      const stored = await this.storage.getSignatures(page);
      const keys: string[] = [];
      const values = new Uint32Array(page.length * numPerm);
      for (let i = 0; i < page.length; i++) {
        const v = stored[i];
        if (!v) continue;
        values.set(v, keys.length * numPerm);
        keys.push(page[i]!);
      }
      const candidates = await this.#candidates(values, keys.length);
      const scored = await this.#score(
        values,
        candidates,
        minScore,
        Number.POSITIVE_INFINITY,
        (q, key) => key > keys[q]!,
      );
      for (let q = 0; q < keys.length; q++) {
        const a = keys[q]!;
        const matches = scored[q]!.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
        for (const { key: b, score } of matches) {
          if (!exactSet) {
            yield { a, b, score };
            continue;
          }
          const [sa, sb] = [await exactSet(a), await exactSet(b)];
          if (!sa || !sb) {
            yield { a, b, score };
            continue;
          }
          const exact = sortedJaccard(sa, sb);
          if (exact >= minScore) yield { a, b, score, exact };
        }
      }
    }
  }

  /** Cached key → sorted shingle set, from the caller's text or shingles, or undefined if neither. */
  #exactSets(
    options: PairsOptions,
    k: number,
  ): ((key: string) => Promise<Uint32Array | undefined>) | undefined {
    const { text, shingles } = options;
    if (!text && !shingles) return undefined;
    const capacity = options.cacheSize ?? 4096;
    const cache = new Map<string, Uint32Array | undefined>();
    return async (key) => {
      if (cache.has(key)) {
        const hit = cache.get(key);
        cache.delete(key);
        cache.set(key, hit);
        return hit;
      }
      let set: Uint32Array | undefined;
      if (text) {
        const t = await text(key);
        set = t === undefined ? undefined : uniqueSorted(shingle(tokenize(t).hashes, k).hashes);
      } else {
        const s = await shingles!(key);
        set = s === undefined ? undefined : uniqueSorted(s instanceof Uint32Array ? s : s.hashes);
      }
      cache.set(key, set);
      if (cache.size > capacity) cache.delete(cache.keys().next().value!);
      return set;
    };
  }

  /**
   * A versioned binary snapshot of the index: every parameter, then every key and signature
   * (buckets are rebuilt on load). Works for any storage. Load it with {@link MinHashLSH.fromBytes}.
   *
   * @throws {@link NeardupError} if the storage holds an index with other parameters (see
   * {@link MinHashLSH.ready}).
   * @example
   * ```ts
   * const bytes = await lsh.toBytes(); // ≈ (4 × numPerm + 4 + key length) bytes per entry
   * const copy = await MinHashLSH.fromBytes(bytes);
   * ```
   */
  async toBytes(): Promise<Uint8Array> {
    await this.ready();
    const { numPerm } = this.params;
    const keys: string[] = [];
    const chunks: Uint32Array[] = [];
    for await (const page of this.storage.keys(10_000)) {
      const stored = await this.storage.getSignatures(page);
      const chunk = new Uint32Array(page.length * numPerm);
      let n = 0;
      for (let i = 0; i < page.length; i++) {
        const v = stored[i];
        if (!v) continue; // removed while we read
        chunk.set(v, n * numPerm);
        keys.push(page[i]!);
        n++;
      }
      chunks.push(chunk.subarray(0, n * numPerm));
    }
    const values = new Uint32Array(keys.length * numPerm);
    let at = 0;
    for (const chunk of chunks) {
      values.set(chunk, at);
      at += chunk.length;
    }
    return encodeSnapshot({ params: this.params, keys, values });
  }

  /**
   * Loads a snapshot made by {@link MinHashLSH.toBytes} into a new index (in memory, or into
   * `options.storage`), rebuilding the buckets. Any parameter given in `options` must match the
   * snapshot's.
   *
   * @throws {@link NeardupError} on bad magic bytes, an unknown version, truncated or corrupted
   * data, or parameters that differ from those requested (both values listed).
   * @example
   * ```ts
   * import { readFile } from 'node:fs/promises';
   *
   * const bytes = await readFile('index.ndlx'); // written from lsh.toBytes()
   * const lsh = await MinHashLSH.fromBytes(bytes, { numPerm: 128 }); // refuses a 256-perm snapshot
   * ```
   */
  static async fromBytes(bytes: Uint8Array, options: FromBytesOptions = {}): Promise<MinHashLSH> {
    const { params, keys, values } = decodeSnapshot(bytes);
    const diffs = differences(params, requested(options, params), 'snapshot', 'requested');
    if (diffs.length > 0)
      throw new NeardupError(`the snapshot was made with other parameters: ${diffs.join(', ')}`);
    const lsh = new MinHashLSH({ ...params, storage: options.storage ?? new MemoryStorage() });
    const { numPerm } = params;
    const step = 10_000;
    for (let start = 0; start < keys.length; start += step) {
      const end = Math.min(keys.length, start + step);
      await lsh.#write(keys.slice(start, end), values.subarray(start * numPerm, end * numPerm), 'error');
    }
    await lsh.ready();
    return lsh;
  }
}

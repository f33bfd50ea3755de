// The storage interface behind MinHashLSH: what an index keeps, and what every adapter
// (in memory, Redis, …) must guarantee. The index does the hashing and the scoring; a storage
// only keeps entries and buckets, so one written for a remote store needs no MinHash knowledge.

/**
 * The parameters of an index, stored with it so reopening the index (in another process, on
 * another machine) finds them, and so signatures made differently are refused. The index writes
 * them through {@link LSHStorage.initParams} before it writes anything else.
 *
 * @example
 * ```ts
 * const params: IndexParams = lsh.params;
 * console.log(`${params.bands} bands × ${params.rows} rows, threshold ${params.threshold}`);
 * await lsh.storage.readParams(); // the same, read back from the storage (any process)
 * ```
 */
export interface IndexParams {
  /** Signature length (MinHash permutations). */
  readonly numPerm: number;
  /** Seed of the MinHash permutations. */
  readonly seed: number;
  /** Words per shingle of the indexed texts. */
  readonly shingleSize: number;
  /** Number of bands. */
  readonly bands: number;
  /** Signature values per band. */
  readonly rows: number;
  /** Jaccard threshold the index was built for; queries and pairs keep matches at or above it. */
  readonly threshold: number;
  /** Version of the signature hash (a different one makes signatures incomparable). */
  readonly signatureHash: number;
  /** Version of the band-key hash (a different one makes the stored band keys unusable). */
  readonly bandHash: number;
}

/**
 * A batch of entries to store, as packed typed arrays (struct of arrays: no object per entry).
 * Entry `i` has key `keys[i]`, signature values `values[i·numPerm … (i+1)·numPerm)` and band keys
 * `bandKeys[i·bands … (i+1)·bands)`. The index never puts one key twice in a batch.
 *
 * @example
 * ```ts
 * // In a storage adapter: the entries of a batch, one at a time.
 * function* entries(batch: EntryBatch, { numPerm, bands }: IndexParams) {
 *   for (const [i, key] of batch.keys.entries())
 *     yield { key, values: batch.values.subarray(i * numPerm, (i + 1) * numPerm), bandKeys: batch.bandKeys.subarray(i * bands, (i + 1) * bands) };
 * }
 * ```
 */
export interface EntryBatch {
  /** The entries' keys, each a non-empty string, distinct within the batch. */
  readonly keys: readonly string[];
  /** `keys.length × numPerm` signature values. */
  readonly values: Uint32Array;
  /** `keys.length × bands` band keys: `bandKeys[i·bands + j]` is the bucket of entry i in band j. */
  readonly bandKeys: Uint32Array;
}

/**
 * What {@link LSHStorage.insert} does with an entry whose key is already stored: `"skip"` leaves
 * the stored entry as it is; `"replace"` removes it from its buckets and stores the new one.
 *
 * @example
 * ```ts
 * // The mode MinHashLSH asks of its storage for each InsertOptions.ifExists
 * // ("error" checks first, then writes only keys that are not stored).
 * const modeOf = (ifExists: 'error' | 'replace' | 'skip'): InsertMode => (ifExists === 'replace' ? 'replace' : 'skip');
 * ```
 */
export type InsertMode = 'skip' | 'replace';

/**
 * Where a {@link MinHashLSH} keeps its entries (key → signature values and band keys) and its
 * buckets (band j, band key → the keys in that bucket). Every method is asynchronous and takes a
 * whole batch, so a networked store answers a batch in one round trip (a pipeline or a script)
 * instead of one per key; the in-memory {@link MemoryStorage} is the default.
 *
 * What an adapter must guarantee:
 *
 * 1. **Parameters.** {@link LSHStorage.initParams} is an atomic create-if-absent: of several
 *    processes opening the same empty store at once, exactly one's parameters are stored and
 *    all of them get those back. {@link LSHStorage.readParams} returns them later, from any
 *    process. Parameters are stored before any entry.
 * 2. **No duplicates.** A key is stored at most once and is in each of its buckets at most once
 *    (buckets are sets), whatever the interleaving of writers: inserting a stored key with mode
 *    `"skip"` changes nothing, and re-inserting an entry after a failure is always safe. The
 *    existence check and the writes of one entry are atomic (Redis: one script per batch), so two
 *    writers racing on a new key leave one entry and only that entry's bucket memberships.
 * 3. **Crash safety.** An entry becomes visible (to `has`, `getSignatures`, `size`, `keys`) only
 *    once all its bucket memberships are written: write the buckets first and the entry record
 *    last, so an entry interrupted half-way is invisible and inserting it again completes it. A
 *    bucket may then name a key that has no entry; `candidates` may return such a key and the
 *    index ignores it, since `getSignatures` reports it missing.
 * 4. **Empty signatures** (every value 0xFFFFFFFF: a text without words) are stored but put in
 *    no bucket: an empty set has Jaccard 0 with everything, and thousands of empty documents
 *    would otherwise share one huge bucket.
 * 5. **Batches.** An adapter may split a batch into several round trips; atomicity is per entry,
 *    not per batch. Results come back in the order of the request.
 * 6. **Values.** Signature values and band keys are unsigned 32-bit integers and must come back
 *    bit for bit (store them little-endian, 4 bytes each, for a compact layout).
 * 7. **Concurrency.** Several index objects, in several processes, may use one store at once;
 *    reads during writes see each entry either whole or not at all (rule 3).
 *
 * @example
 * ```ts
 * // A storage wrapping another, counting round trips.
 * class CountingStorage implements LSHStorage {
 *   calls = 0;
 *   constructor(private inner: LSHStorage) {}
 *   initParams(p: IndexParams) { this.calls++; return this.inner.initParams(p); }
 *   readParams() { this.calls++; return this.inner.readParams(); }
 *   insert(batch: EntryBatch, mode: InsertMode) { this.calls++; return this.inner.insert(batch, mode); }
 *   candidates(bandKeys: Uint32Array) { this.calls++; return this.inner.candidates(bandKeys); }
 *   getSignatures(keys: readonly string[]) { this.calls++; return this.inner.getSignatures(keys); }
 *   has(keys: readonly string[]) { this.calls++; return this.inner.has(keys); }
 *   remove(keys: readonly string[]) { this.calls++; return this.inner.remove(keys); }
 *   size() { this.calls++; return this.inner.size(); }
 *   keys(pageSize?: number) { return this.inner.keys(pageSize); }
 * }
 * const lsh = new MinHashLSH({ threshold: 0.8, storage: new CountingStorage(new MemoryStorage()) });
 * ```
 */
export interface LSHStorage {
  /**
   * Stores `params` unless parameters are already stored, atomically, and returns the stored
   * ones (either `params` or those found). The index compares them with its own.
   */
  initParams(params: IndexParams): Promise<IndexParams>;

  /** The stored parameters, or `undefined` for a store that holds no index yet. */
  readParams(): Promise<IndexParams | undefined>;

  /**
   * Stores a batch of entries: each entry's signature values and band keys, and its key in the
   * bucket of each of its bands (rules 2–5 above). An entry whose key is already stored is
   * skipped or replaced per `mode`.
   *
   * @returns the keys of the batch that were already stored (skipped or replaced), in batch order.
   */
  insert(batch: EntryBatch, mode: InsertMode): Promise<string[]>;

  /**
   * Batched candidate lookup. `bandKeys` holds `q × bands` band keys, query i's band j at
   * `i·bands + j`; the answer has one array per query: every stored key found in at least one of
   * the query's buckets (bucket of band j under band key j), each key once, in any order.
   */
  candidates(bandKeys: Uint32Array): Promise<string[][]>;

  /**
   * The stored signature values of each key (`numPerm` values), or `undefined` for a key not
   * stored. The arrays may be views into the store: callers must not modify them, and copy
   * what they keep past the next write.
   */
  getSignatures(keys: readonly string[]): Promise<(Uint32Array | undefined)[]>;

  /** For each key, whether it is stored. */
  has(keys: readonly string[]): Promise<boolean[]>;

  /**
   * Removes each key's entry and its bucket memberships (taken from the stored band keys).
   *
   * @returns for each key, whether it was stored.
   */
  remove(keys: readonly string[]): Promise<boolean[]>;

  /** Number of stored entries. */
  size(): Promise<number>;

  /**
   * Every stored key, in pages of about `pageSize` keys (an adapter may return pages of another
   * size, e.g. what a Redis `SCAN` gives). Each key stored for the whole iteration is returned
   * exactly once; keys inserted or removed meanwhile may or may not be.
   */
  keys(pageSize?: number): AsyncIterable<readonly string[]>;

  /** Releases connections or handles, if the storage holds any. The index never calls it. */
  close?(): Promise<void>;
}

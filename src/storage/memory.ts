// The in-memory storage: typed arrays throughout, no object per entry or per bucket.
//
// Entries live in slots. A slot's signature values sit in fixed pages of 4,096 slots (pages are
// never reallocated, so views handed out stay valid as the store grows), its band keys and
// bucket links in flat arrays indexed by slot × bands + band. Each band has an open-addressing
// table (linear probing) from band key to the first slot of its bucket; the bucket's other slots
// follow through `next`, a linked list threaded through the slots themselves. A lookup is a
// probe and a walk, and inserting costs no allocation once the arrays have grown.

import { NeardupError } from '../errors.js';
import { isEmptyValues } from '../lsh/bands.js';
import type { EntryBatch, IndexParams, InsertMode, LSHStorage } from './types.js';

const PAGE_BITS = 12;
const PAGE_SLOTS = 1 << PAGE_BITS;
const FREE = -1; // table cell never used
const DEAD = -2; // table cell whose bucket emptied: keeps its key so probing still passes it

/** One band's hash table: band key → first slot of the bucket. */
interface Table {
  keys: Uint32Array;
  heads: Int32Array;
  mask: number;
  /** Cells not FREE (live and dead): what probing walks over. */
  used: number;
}

function newTable(capacity: number): Table {
  return {
    keys: new Uint32Array(capacity),
    heads: new Int32Array(capacity).fill(FREE),
    mask: capacity - 1,
    used: 0,
  };
}

function findCell(t: Table, key: number): number {
  let pos = key & t.mask;
  for (;;) {
    const head = t.heads[pos]!;
    if (head === FREE) return -1;
    if (t.keys[pos] === key) return pos;
    pos = (pos + 1) & t.mask;
  }
}

/** Rebuilds a table without its dead cells, with room for four times its live buckets. */
function rehash(t: Table): Table {
  let live = 0;
  for (let i = 0; i < t.heads.length; i++) if (t.heads[i]! >= 0) live++;
  let capacity = 16;
  while (capacity < live * 4) capacity *= 2;
  const fresh = newTable(capacity);
  for (let i = 0; i < t.heads.length; i++) {
    const head = t.heads[i]!;
    if (head < 0) continue;
    let pos = t.keys[i]! & fresh.mask;
    while (fresh.heads[pos] !== FREE) pos = (pos + 1) & fresh.mask;
    fresh.keys[pos] = t.keys[i]!;
    fresh.heads[pos] = head;
    fresh.used++;
  }
  return fresh;
}

/**
 * The default {@link LSHStorage}: everything in this process's memory, in typed arrays. About
 * `4 × numPerm + 12 × bands` bytes per entry plus the key string and the band tables (8 bytes
 * per cell, 2–4 cells per distinct band key). Meets every rule of {@link LSHStorage} trivially,
 * being single-threaded. Save it with {@link MinHashLSH.toBytes} (or `saveIndex` from
 * `neardup/node`) to keep it.
 *
 * @example
 * ```ts
 * const lsh = new MinHashLSH({ threshold: 0.8, storage: new MemoryStorage() }); // same as the default
 * ```
 */
export class MemoryStorage implements LSHStorage {
  #params: IndexParams | undefined;
  #numPerm = 0;
  #bands = 0;
  #slotOf = new Map<string, number>();
  #keyAt: (string | undefined)[] = [];
  #free: number[] = [];
  #pages: Uint32Array[] = [];
  #capacity = 0;
  #bandKeys = new Uint32Array(0);
  #next = new Int32Array(0);
  #bucketed = new Uint8Array(0);
  #mark = new Uint32Array(0);
  #stamp = 0;
  #tables: Table[] = [];

  /** {@inheritDoc LSHStorage.initParams} */
  async initParams(params: IndexParams): Promise<IndexParams> {
    if (!this.#params) {
      this.#params = { ...params };
      this.#numPerm = params.numPerm;
      this.#bands = params.bands;
      this.#tables = Array.from({ length: params.bands }, () => newTable(16));
    }
    return this.#params;
  }

  /** {@inheritDoc LSHStorage.readParams} */
  async readParams(): Promise<IndexParams | undefined> {
    return this.#params;
  }

  /**
   * {@inheritDoc LSHStorage.insert}
   *
   * @throws {@link NeardupError} if no parameters are stored yet ({@link MemoryStorage.initParams}),
   * or the batch's `values` or `bandKeys` do not hold `numPerm` or `bands` numbers per key.
   */
  async insert(batch: EntryBatch, mode: InsertMode): Promise<string[]> {
    const numPerm = this.#numPerm;
    const bands = this.#bands;
    const n = batch.keys.length;
    if (!this.#params) throw new NeardupError('storage has no index parameters yet: call initParams first');
    if (batch.values.length !== n * numPerm || batch.bandKeys.length !== n * bands)
      throw new NeardupError(
        `entry batch of ${n} keys needs ${n * numPerm} values and ${n * bands} band keys, ` +
          `got ${batch.values.length} and ${batch.bandKeys.length}`,
      );
    const existing: string[] = [];
    for (let i = 0; i < n; i++) {
      const key = batch.keys[i]!;
      let slot = this.#slotOf.get(key);
      if (slot !== undefined) {
        existing.push(key);
        if (mode === 'skip') continue;
        this.#unlink(slot);
      } else {
        slot = this.#allocate();
        this.#slotOf.set(key, slot);
        this.#keyAt[slot] = key;
      }
      const page = this.#pages[slot >>> PAGE_BITS]!;
      page.set(batch.values.subarray(i * numPerm, (i + 1) * numPerm), (slot & (PAGE_SLOTS - 1)) * numPerm);
      this.#bandKeys.set(batch.bandKeys.subarray(i * bands, (i + 1) * bands), slot * bands);
      if (!isEmptyValues(batch.values, i * numPerm, numPerm)) this.#link(slot);
    }
    return existing;
  }

  /**
   * {@inheritDoc LSHStorage.candidates}
   *
   * @throws {@link NeardupError} if no parameters are stored yet ({@link MemoryStorage.initParams}).
   */
  async candidates(bandKeys: Uint32Array): Promise<string[][]> {
    const bands = this.#bands;
    if (!this.#params) throw new NeardupError('storage has no index parameters yet: call initParams first');
    const queries = bandKeys.length / bands;
    const out: string[][] = new Array(queries);
    const next = this.#next;
    const mark = this.#mark;
    for (let q = 0; q < queries; q++) {
      const found: string[] = [];
      const stamp = this.#nextStamp();
      for (let j = 0; j < bands; j++) {
        const t = this.#tables[j]!;
        const cell = findCell(t, bandKeys[q * bands + j]!);
        if (cell < 0) continue;
        for (let slot = t.heads[cell]!; slot >= 0; slot = next[slot * bands + j]!) {
          if (mark[slot] === stamp) continue;
          mark[slot] = stamp;
          found.push(this.#keyAt[slot]!);
        }
      }
      out[q] = found;
    }
    return out;
  }

  /** {@inheritDoc LSHStorage.getSignatures} */
  async getSignatures(keys: readonly string[]): Promise<(Uint32Array | undefined)[]> {
    const numPerm = this.#numPerm;
    return keys.map((key) => {
      const slot = this.#slotOf.get(key);
      if (slot === undefined) return undefined;
      const start = (slot & (PAGE_SLOTS - 1)) * numPerm;
      return this.#pages[slot >>> PAGE_BITS]!.subarray(start, start + numPerm);
    });
  }

  /** {@inheritDoc LSHStorage.has} */
  async has(keys: readonly string[]): Promise<boolean[]> {
    return keys.map((key) => this.#slotOf.has(key));
  }

  /** {@inheritDoc LSHStorage.remove} */
  async remove(keys: readonly string[]): Promise<boolean[]> {
    return keys.map((key) => {
      const slot = this.#slotOf.get(key);
      if (slot === undefined) return false;
      this.#unlink(slot);
      this.#slotOf.delete(key);
      this.#keyAt[slot] = undefined;
      this.#free.push(slot);
      return true;
    });
  }

  /** {@inheritDoc LSHStorage.size} */
  async size(): Promise<number> {
    return this.#slotOf.size;
  }

  /** {@inheritDoc LSHStorage.keys} */
  async *keys(pageSize = 1000): AsyncIterable<readonly string[]> {
    let page: string[] = [];
    // Walk the slots by index (not the Map) so keys removed meanwhile are simply not seen.
    for (let slot = 0; slot < this.#keyAt.length; slot++) {
      const key = this.#keyAt[slot];
      if (key === undefined) continue;
      page.push(key);
      if (page.length >= pageSize) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  #nextStamp(): number {
    if (this.#stamp === 0xffffffff) {
      this.#mark.fill(0);
      this.#stamp = 0;
    }
    return ++this.#stamp;
  }

  #allocate(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    const slot = this.#keyAt.length;
    this.#keyAt.push(undefined);
    if (slot >= this.#capacity) this.#grow(Math.max(1024, this.#capacity * 2));
    if (slot >>> PAGE_BITS >= this.#pages.length)
      this.#pages.push(new Uint32Array(PAGE_SLOTS * this.#numPerm));
    return slot;
  }

  #grow(capacity: number): void {
    const bands = this.#bands;
    const bandKeys = new Uint32Array(capacity * bands);
    bandKeys.set(this.#bandKeys);
    const next = new Int32Array(capacity * bands);
    next.set(this.#next);
    const bucketed = new Uint8Array(capacity);
    bucketed.set(this.#bucketed);
    const mark = new Uint32Array(capacity);
    mark.set(this.#mark);
    this.#bandKeys = bandKeys;
    this.#next = next;
    this.#bucketed = bucketed;
    this.#mark = mark;
    this.#capacity = capacity;
  }

  /** Puts a slot at the head of its bucket in every band. */
  #link(slot: number): void {
    const bands = this.#bands;
    const next = this.#next;
    for (let j = 0; j < bands; j++) {
      let t = this.#tables[j]!;
      if ((t.used + 1) * 2 > t.heads.length) {
        t = rehash(t);
        this.#tables[j] = t;
      }
      const key = this.#bandKeys[slot * bands + j]!;
      let pos = key & t.mask;
      for (;;) {
        const head = t.heads[pos]!;
        if (head === FREE) {
          t.keys[pos] = key;
          t.heads[pos] = slot;
          t.used++;
          next[slot * bands + j] = -1;
          break;
        }
        if (t.keys[pos] === key) {
          next[slot * bands + j] = head >= 0 ? head : -1;
          t.heads[pos] = slot;
          break;
        }
        pos = (pos + 1) & t.mask;
      }
    }
    this.#bucketed[slot] = 1;
  }

  /** Takes a slot out of its bucket in every band (a walk along each bucket's list). */
  #unlink(slot: number): void {
    if (!this.#bucketed[slot]) return;
    const bands = this.#bands;
    const next = this.#next;
    for (let j = 0; j < bands; j++) {
      const t = this.#tables[j]!;
      const cell = findCell(t, this.#bandKeys[slot * bands + j]!);
      let prev = -1;
      let cur = cell < 0 ? -1 : t.heads[cell]!;
      while (cur >= 0 && cur !== slot) {
        prev = cur;
        cur = next[cur * bands + j]!;
      }
      if (cur < 0) continue; // not found: cannot happen while the links are consistent
      const after = next[slot * bands + j]!;
      if (prev >= 0) next[prev * bands + j] = after;
      else t.heads[cell] = after >= 0 ? after : DEAD;
    }
    this.#bucketed[slot] = 0;
  }
}

// The LSHStorage contract as tests, for every adapter: `storageContract('memory', () => new MemoryStorage())`.
// An adapter for a remote store (Redis) runs the same suite against a fresh, empty store each time.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EntryBatch, IndexParams, LSHStorage } from '../src/index.js';
import { fcParams } from './generators.js';

export const PARAMS: IndexParams = {
  numPerm: 4,
  seed: 1,
  shingleSize: 5,
  bands: 2,
  rows: 2,
  threshold: 0.5,
  signatureHash: 1,
  bandHash: 1,
};

const EMPTY = 0xffffffff;

/** One entry: its values are [v, v+1, v+2, v+3] unless `empty`, and its band keys as given. */
export interface TestEntry {
  key: string;
  v: number;
  bandKeys: [number, number];
  empty?: boolean;
}

export function batchOf(entries: readonly TestEntry[]): EntryBatch {
  const values = new Uint32Array(entries.length * 4);
  const bandKeys = new Uint32Array(entries.length * 2);
  entries.forEach((e, i) => {
    for (let p = 0; p < 4; p++) values[i * 4 + p] = e.empty ? EMPTY : e.v + p;
    bandKeys.set(e.bandKeys, i * 2);
  });
  return { keys: entries.map((e) => e.key), values, bandKeys };
}

const sorted = (keys: readonly string[]) => [...keys].sort();

async function allKeys(storage: LSHStorage, pageSize?: number): Promise<string[]> {
  const out: string[] = [];
  for await (const page of storage.keys(pageSize)) out.push(...page);
  return out;
}

async function lookup(storage: LSHStorage, ...queries: [number, number][]): Promise<string[][]> {
  const found = await storage.candidates(Uint32Array.from(queries.flat()));
  return found.map(sorted);
}

/** Runs the contract of {@link LSHStorage} against storages made by `make` (each test gets a fresh one). */
export function storageContract(name: string, make: () => LSHStorage | Promise<LSHStorage>): void {
  const fresh = async () => {
    const storage = await make();
    await storage.initParams(PARAMS);
    return storage;
  };

  describe(`LSHStorage contract: ${name}`, () => {
    it('stores parameters once: initParams is create-if-absent and readParams returns them', async () => {
      const storage = await make();
      expect(await storage.readParams()).toBeUndefined();
      expect(await storage.initParams(PARAMS)).toEqual(PARAMS);
      const other = { ...PARAMS, numPerm: 8, bands: 4 };
      expect(await storage.initParams(other)).toEqual(PARAMS);
      expect(await storage.readParams()).toEqual(PARAMS);
    });

    it('inserts a batch; has, size, keys and getSignatures see every entry bit for bit', async () => {
      const storage = await fresh();
      const entries: TestEntry[] = [
        { key: 'a', v: 0xfffffff0, bandKeys: [1, 2] },
        { key: 'b', v: 7, bandKeys: [3, 4] },
        { key: 'ключ 🔑', v: 0x80000000, bandKeys: [0xffffffff, 0] },
      ];
      expect(await storage.insert(batchOf(entries), 'skip')).toEqual([]);
      expect(await storage.size()).toBe(3);
      expect(await storage.has(['a', 'zz', 'ключ 🔑'])).toEqual([true, false, true]);
      expect(sorted(await allKeys(storage))).toEqual(sorted(entries.map((e) => e.key)));
      const sigs = await storage.getSignatures(['b', 'missing', 'a', 'ключ 🔑']);
      expect(sigs.map((s) => (s ? Array.from(s) : s))).toEqual([
        [7, 8, 9, 10],
        undefined,
        [0xfffffff0, 0xfffffff1, 0xfffffff2, 0xfffffff3],
        [0x80000000, 0x80000001, 0x80000002, 0x80000003],
      ]);
    });

    it('answers batched candidate lookups: each query its keys, each key once', async () => {
      const storage = await fresh();
      await storage.insert(
        batchOf([
          { key: 'a', v: 1, bandKeys: [10, 20] },
          { key: 'b', v: 2, bandKeys: [10, 21] },
          { key: 'c', v: 3, bandKeys: [11, 20] },
          { key: 'd', v: 4, bandKeys: [20, 10] }, // same numbers in the other bands: not a match
        ]),
        'skip',
      );
      expect(await lookup(storage, [10, 20], [10, 99], [99, 20], [99, 99], [20, 10])).toEqual([
        ['a', 'b', 'c'],
        ['a', 'b'],
        ['a', 'c'],
        [],
        ['d'],
      ]);
    });

    it('skips or replaces existing keys per mode, and reports them in batch order', async () => {
      const storage = await fresh();
      await storage.insert(batchOf([{ key: 'a', v: 1, bandKeys: [1, 1] }]), 'skip');
      const again = batchOf([
        { key: 'n', v: 5, bandKeys: [5, 5] },
        { key: 'a', v: 9, bandKeys: [2, 2] },
      ]);
      expect(await storage.insert(again, 'skip')).toEqual(['a']);
      expect(Array.from((await storage.getSignatures(['a']))[0]!)).toEqual([1, 2, 3, 4]);
      expect(await lookup(storage, [1, 0], [2, 0])).toEqual([['a'], []]);
      expect(await storage.size()).toBe(2);

      expect(await storage.insert(batchOf([{ key: 'a', v: 9, bandKeys: [2, 2] }]), 'replace')).toEqual(['a']);
      expect(Array.from((await storage.getSignatures(['a']))[0]!)).toEqual([9, 10, 11, 12]);
      // The old bucket memberships are gone, the new ones there.
      expect(await lookup(storage, [1, 1], [2, 0], [0, 2])).toEqual([[], ['a'], ['a']]);
      expect(await storage.size()).toBe(2);
    });

    it('removes entries and their bucket memberships; a removed key can come back', async () => {
      const storage = await fresh();
      const chain = ['k0', 'k1', 'k2', 'k3', 'k4'].map((key, i) => ({
        key,
        v: i,
        bandKeys: [7, 100 + i] as [number, number],
      }));
      await storage.insert(batchOf(chain), 'skip');
      // Take out a middle, the first and the last member of the shared bucket.
      expect(await storage.remove(['k2', 'nope', 'k0', 'k4'])).toEqual([true, false, true, true]);
      expect(await lookup(storage, [7, 0], [0, 102])).toEqual([['k1', 'k3'], []]);
      expect(await storage.size()).toBe(2);
      expect(await storage.has(['k2'])).toEqual([false]);
      expect(await storage.getSignatures(['k2'])).toEqual([undefined]);
      expect(sorted(await allKeys(storage))).toEqual(['k1', 'k3']);
      expect(await storage.remove(['k2'])).toEqual([false]);
      await storage.insert(batchOf([{ key: 'k2', v: 50, bandKeys: [8, 102] }]), 'skip');
      expect(await lookup(storage, [7, 0], [8, 0], [0, 102])).toEqual([['k1', 'k3'], ['k2'], ['k2']]);
    });

    it('stores empty signatures but puts them in no bucket', async () => {
      const storage = await fresh();
      await storage.insert(
        batchOf([
          { key: 'e1', v: 0, bandKeys: [3, 3], empty: true },
          { key: 'e2', v: 0, bandKeys: [3, 3], empty: true },
          { key: 'x', v: 1, bandKeys: [3, 4] },
        ]),
        'skip',
      );
      expect(await storage.has(['e1', 'e2'])).toEqual([true, true]);
      expect(Array.from((await storage.getSignatures(['e1']))[0]!)).toEqual([EMPTY, EMPTY, EMPTY, EMPTY]);
      expect(await lookup(storage, [3, 3])).toEqual([['x']]);
      expect(await storage.remove(['e1'])).toEqual([true]);
      expect(await storage.size()).toBe(2);
    });

    it('pages through every key exactly once', async () => {
      const storage = await fresh();
      const entries = Array.from({ length: 2503 }, (_, i) => ({
        key: `key-${i}`,
        v: i,
        bandKeys: [i % 7, i] as [number, number],
      }));
      await storage.insert(batchOf(entries), 'skip');
      await storage.remove(['key-5', 'key-2000']);
      const keys = await allKeys(storage, 100);
      expect(keys.length).toBe(2501);
      expect(new Set(keys).size).toBe(2501);
      expect(keys).not.toContain('key-5');
    });

    it('behaves like a plain map of entries under any sequence of operations (model-based)', async () => {
      type Op =
        | { kind: 'insert'; mode: 'skip' | 'replace'; entries: TestEntry[] }
        | { kind: 'remove'; keys: string[] }
        | { kind: 'query'; bandKeys: [number, number] };
      const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
      const band = fc.integer({ min: 0, max: 3 }); // few band keys: buckets collide and chain
      const entry: fc.Arbitrary<TestEntry> = fc.record({
        key,
        v: fc.integer({ min: 0, max: 0xfffffff0 }),
        bandKeys: fc.tuple(band, band),
      });
      const op: fc.Arbitrary<Op> = fc.oneof(
        fc.record({
          kind: fc.constant('insert' as const),
          mode: fc.constantFrom('skip' as const, 'replace' as const),
          entries: fc.uniqueArray(entry, { selector: (e) => e.key, maxLength: 4 }),
        }),
        fc.record({ kind: fc.constant('remove' as const), keys: fc.array(key, { maxLength: 3 }) }),
        fc.record({ kind: fc.constant('query' as const), bandKeys: fc.tuple(band, band) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
          const storage = await fresh();
          const model = new Map<string, TestEntry>();
          for (const o of ops) {
            if (o.kind === 'insert') {
              const existing = o.entries.filter((e) => model.has(e.key)).map((e) => e.key);
              expect(await storage.insert(batchOf(o.entries), o.mode)).toEqual(existing);
              for (const e of o.entries) if (o.mode === 'replace' || !model.has(e.key)) model.set(e.key, e);
            } else if (o.kind === 'remove') {
              const unique = [...new Set(o.keys)];
              expect(await storage.remove(unique)).toEqual(unique.map((k) => model.delete(k)));
            } else {
              const expected = [...model.values()]
                .filter((e) => e.bandKeys[0] === o.bandKeys[0] || e.bandKeys[1] === o.bandKeys[1])
                .map((e) => e.key);
              expect(await lookup(storage, o.bandKeys)).toEqual([sorted(expected)]);
            }
            expect(await storage.size()).toBe(model.size);
          }
          const keys = [...model.keys()];
          const sigs = await storage.getSignatures(keys);
          for (const [i, k] of keys.entries()) expect(sigs[i]![0]).toBe(model.get(k)!.v);
        }),
        fcParams(150),
      );
    });
  });
}

import { describe, expect, it } from 'vitest';
import { MemoryStorage, NeardupError } from '../src/index.js';
import { batchOf, PARAMS, storageContract, type TestEntry } from './storage-contract.js';

storageContract('MemoryStorage', () => new MemoryStorage());

describe('MemoryStorage', () => {
  it('refuses entries before it has parameters, and batches of the wrong shape', async () => {
    const storage = new MemoryStorage();
    const batch = batchOf([{ key: 'a', v: 1, bandKeys: [1, 2] }]);
    await expect(storage.insert(batch, 'skip')).rejects.toThrow('call initParams first');
    await expect(storage.candidates(Uint32Array.of(1, 2))).rejects.toThrow(NeardupError);
    await storage.initParams(PARAMS);
    await expect(storage.insert({ ...batch, values: new Uint32Array(3) }, 'skip')).rejects.toThrow(
      'entry batch of 1 keys needs 4 values and 2 band keys, got 3 and 2',
    );
  });

  it('keeps buckets right through heavy churn (tables grow, empty out and rehash)', async () => {
    const storage = new MemoryStorage();
    await storage.initParams(PARAMS);
    const entry = (i: number): TestEntry => ({ key: `k${i}`, v: i, bandKeys: [i % 1000, 5000 + i] });
    const all = Array.from({ length: 20_000 }, (_, i) => entry(i));
    await storage.insert(batchOf(all), 'skip');
    const removed = all.filter((_, i) => i % 4 !== 0).map((e) => e.key);
    await storage.remove(removed);
    expect(await storage.size()).toBe(5000);
    // Band 0 bucket 0 held k0, k1000, …, k19000; those divisible by 4 remain.
    const [bucket0] = await storage.candidates(Uint32Array.of(0, 0xffffffff));
    expect(bucket0!.sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `k${i * 1000}`)
        .filter((_, i) => (i * 1000) % 4 === 0)
        .sort(),
    );
    // Band 1 keys are unique: each surviving entry alone in its bucket, removed ones in none.
    const [one, gone] = await storage.candidates(Uint32Array.of(0xfffffffe, 5000 + 8, 0xfffffffe, 5000 + 9));
    expect([one, gone]).toEqual([['k8'], []]);
    // Slots freed by removals are reused, and the reused slots answer correctly.
    await storage.insert(batchOf(Array.from({ length: 15_000 }, (_, i) => entry(100_000 + i))), 'skip');
    expect(await storage.size()).toBe(20_000);
    const [fresh] = await storage.candidates(Uint32Array.of(0xfffffffe, 5000 + 100_123));
    expect(fresh).toEqual(['k100123']);
    const sig = (await storage.getSignatures(['k100123']))[0]!;
    expect(Array.from(sig)).toEqual([100_123, 100_124, 100_125, 100_126]);
  });

  it('hands out signature views that stay valid as the store grows', async () => {
    const storage = new MemoryStorage();
    await storage.initParams(PARAMS);
    await storage.insert(batchOf([{ key: 'first', v: 42, bandKeys: [1, 1] }]), 'skip');
    const view = (await storage.getSignatures(['first']))[0]!;
    await storage.insert(
      batchOf(
        Array.from({ length: 10_000 }, (_, i) => ({
          key: `g${i}`,
          v: i,
          bandKeys: [i, i] as [number, number],
        })),
      ),
      'skip',
    );
    expect(Array.from(view)).toEqual([42, 43, 44, 45]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  type DedupProgress,
  type DedupResult,
  dedup,
  type EntryBatch,
  estimateJaccard,
  type IndexParams,
  type InsertMode,
  type LSHStorage,
  MemoryStorage,
  MinHashLSH,
  NeardupError,
  type Signature,
  signature,
} from '../src/index.js';
import { randomWords, rng } from './text-generators.js';

interface Doc {
  id: string;
  text: string;
}

/**
 * 150 random documents; 15 of them get 1–4 edited copies each (one or two words changed, so
 * Jaccard ≈ 0.9–0.95 with their original). Shuffled. Returns the planted clusters too.
 */
function plantedCorpus(seed: number): { docs: Doc[]; planted: string[][] } {
  const next = rng(seed);
  const docs: Doc[] = [];
  const planted: string[][] = [];
  for (let i = 0; i < 150; i++) {
    const words = randomWords(200, next);
    const id = `doc${String(i).padStart(3, '0')}`;
    docs.push({ id, text: words.join(' ') });
    if (i % 10 !== 0) continue;
    const group = [id];
    for (let c = 0; c < 1 + (i % 4); c++) {
      const copy = words.slice();
      for (let e = 0; e < 1 + (c % 2); e++) copy[Math.floor(next() * copy.length)] = randomWords(1, next)[0]!;
      const copyId = `${id}-copy${c}`;
      docs.push({ id: copyId, text: copy.join(' ') });
      group.push(copyId);
    }
    planted.push(group.sort());
  }
  for (let i = docs.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [docs[i], docs[j]] = [docs[j]!, docs[i]!];
  }
  return { docs, planted: planted.sort((a, b) => (a[0]! < b[0]! ? -1 : 1)) };
}

const { docs, planted } = plantedCorpus(2024);

async function* slowly(items: Doc[]): AsyncGenerator<Doc> {
  for (const d of items) {
    await Promise.resolve();
    yield d;
  }
}

/** A storage that fails once, on the n-th call of `method`, after passing half of an insert through. */
class FlakyStorage implements LSHStorage {
  calls = 0;
  constructor(
    readonly inner: LSHStorage,
    readonly method: 'insert' | 'candidates',
    readonly failOn: number,
  ) {}
  initParams(p: IndexParams) {
    return this.inner.initParams(p);
  }
  readParams() {
    return this.inner.readParams();
  }
  async insert(batch: EntryBatch, mode: InsertMode) {
    if (this.method === 'insert' && ++this.calls === this.failOn) {
      const half = Math.floor(batch.keys.length / 2);
      const numPerm = batch.values.length / batch.keys.length;
      const bands = batch.bandKeys.length / batch.keys.length;
      await this.inner.insert(
        {
          keys: batch.keys.slice(0, half),
          values: batch.values.subarray(0, half * numPerm),
          bandKeys: batch.bandKeys.subarray(0, half * bands),
        },
        mode,
      );
      throw new Error('connection lost');
    }
    return this.inner.insert(batch, mode);
  }
  candidates(bandKeys: Uint32Array) {
    if (this.method === 'candidates' && ++this.calls === this.failOn) throw new Error('connection lost');
    return this.inner.candidates(bandKeys);
  }
  getSignatures(keys: readonly string[]) {
    return this.inner.getSignatures(keys);
  }
  has(keys: readonly string[]) {
    return this.inner.has(keys);
  }
  remove(keys: readonly string[]) {
    return this.inner.remove(keys);
  }
  size() {
    return this.inner.size();
  }
  keys(pageSize?: number) {
    return this.inner.keys(pageSize);
  }
}

const clusterKeys = (r: DedupResult) => r.clusters.map((c) => [...c.keys]);

describe('dedup', () => {
  it('finds the planted clusters, and nothing else', async () => {
    const result = await dedup(docs, { threshold: 0.8 });
    expect(clusterKeys(result)).toEqual(planted);
    expect(result.documents).toBe(docs.length);
    expect(result.indexed).toBe(docs.length);
    expect(result.alreadyIndexed).toBe(0);
    expect(result.pairs).toBe(result.clusters.reduce((n, c) => n + c.pairs.length, 0));
    const text = new Map(docs.map((d) => [d.id, d.text]));
    for (const c of result.clusters) {
      for (const p of c.pairs) {
        expect(p.a < p.b).toBe(true);
        expect(c.keys).toContain(p.a);
        expect(c.keys).toContain(p.b);
        expect(p.score).toBe(estimateJaccard(signature(text.get(p.a)!), signature(text.get(p.b)!)));
        expect(p.score).toBeGreaterThanOrEqual(0.8);
      }
      const order = c.pairs.map((p) => [p.a, p.b]);
      expect(order).toEqual(
        [...order].sort((x, y) => (x[0]! < y[0]! ? -1 : x[0]! > y[0]! ? 1 : x[1]! < y[1]! ? -1 : 1)),
      );
    }
  });

  it('reports exactly the pairs that share a band and clear the threshold, each once (brute-force oracle)', async () => {
    const index = new MinHashLSH({ threshold: 0.6 });
    const result = await dedup(docs, { index, batchSize: 17 });
    const sigs = docs.map((d) => [d.id, signature(d.text)] as [string, Signature]);
    const { bands, rows } = index;
    const shareBand = (x: Signature, y: Signature) =>
      Array.from({ length: bands }, (_, j) => j).some((j) => {
        for (let i = j * rows; i < (j + 1) * rows; i++) if (x.values[i] !== y.values[i]) return false;
        return true;
      });
    const expected: string[] = [];
    for (let i = 0; i < sigs.length; i++)
      for (let j = i + 1; j < sigs.length; j++) {
        const [a, x] = sigs[i]!;
        const [b, y] = sigs[j]!;
        if (shareBand(x, y) && estimateJaccard(x, y) >= 0.6) expected.push(a < b ? `${a}|${b}` : `${b}|${a}`);
      }
    const got = result.clusters.flatMap((c) => c.pairs.map((p) => `${p.a}|${p.b}`));
    expect(got.sort()).toEqual(expected.sort());
  });

  it('gives the same clusters whatever the batch size, input order or iterable kind', async () => {
    const reference = await dedup(docs, { threshold: 0.8 });
    for (const batchSize of [1, 7, 1000])
      expect(await dedup(docs, { threshold: 0.8, batchSize })).toEqual(reference);
    expect(await dedup([...docs].reverse(), { threshold: 0.8, batchSize: 13 })).toEqual(reference);
    expect(await dedup(slowly(docs), { threshold: 0.8, batchSize: 10 })).toEqual(reference);
  });

  it('reports progress every N documents and at the end', async () => {
    const seen: DedupProgress[] = [];
    const result = await dedup(docs, {
      batchSize: 20,
      progressEvery: 50,
      onProgress: (p) => void seen.push(p),
    });
    // Batches end at 20, 40, …: a report at the first batch end at or past each 50 more documents.
    expect(docs.length).toBe(179);
    expect(seen.map((p) => p.documents)).toEqual([60, 120, 179]);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({
      documents: docs.length,
      indexed: docs.length,
      alreadyIndexed: 0,
      pairs: result.pairs,
    });
    expect(last.candidates).toBeGreaterThanOrEqual(last.pairs);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.pairs).toBeGreaterThanOrEqual(seen[i - 1]!.pairs);
  });

  it.each([
    ['an insert, half-written', 'insert', 4],
    ['a lookup, after its batch was stored', 'candidates', 3],
  ] as const)(
    'resumes after a failure in %s: no duplicate entry, the same clusters',
    async (_, method, failOn) => {
      const reference = await dedup(docs, { threshold: 0.8, batchSize: 25 });
      const inner = new MemoryStorage();
      const flaky = new FlakyStorage(inner, method, failOn);
      await expect(dedup(docs, { threshold: 0.8, batchSize: 25, storage: flaky })).rejects.toThrow(
        'connection lost',
      );
      const stored = await inner.size();
      expect(stored).toBeGreaterThan(0);
      expect(stored).toBeLessThan(docs.length);
      // Re-run on the same storage: what is there is kept, the rest inserted, pairs found as before.
      const index = await MinHashLSH.open({ storage: inner });
      const resumed = await dedup(docs, { index, batchSize: 25 });
      expect(resumed.clusters).toEqual(reference.clusters);
      expect(resumed.alreadyIndexed).toBe(stored);
      expect(resumed.indexed).toBe(docs.length - stored);
      expect(await inner.size()).toBe(docs.length);
      // And again: everything is already indexed, nothing changes.
      const again = await dedup(docs, { index, batchSize: 60 });
      expect(again.clusters).toEqual(reference.clusters);
      expect([again.indexed, again.alreadyIndexed]).toEqual([0, docs.length]);
      expect(await inner.size()).toBe(docs.length);
    },
  );

  it('opens an index on a given storage with the parameters stored there', async () => {
    const storage = new MemoryStorage();
    await new MinHashLSH({ threshold: 0.9, storage }).ready();
    const result = await dedup(docs.slice(0, 30), { storage, batchSize: 8 });
    expect(result.indexed).toBe(30);
    expect((await MinHashLSH.open({ storage })).threshold).toBe(0.9);
    await expect(dedup(docs, { storage, threshold: 0.8 })).rejects.toThrow(
      'threshold 0.9 (stored) vs 0.8 (requested)',
    );
    await expect(dedup(docs, { storage, index: new MinHashLSH() })).rejects.toThrow(
      'give dedup an index or a storage, not both',
    );
  });

  it('pairs new documents with documents already in a given index that are not in the input', async () => {
    const index = new MinHashLSH({ threshold: 0.8 });
    const original = docs.find((d) => d.id === 'doc020')!;
    await index.insert('archived-020', signature(original.text));
    const result = await dedup(docs, { index });
    const cluster = result.clusters.find((c) => c.keys.includes('doc020'))!;
    expect(cluster.keys).toEqual(['archived-020', ...planted.find((g) => g.includes('doc020'))!].sort());
    expect(cluster.pairs.find((p) => p.a === 'archived-020' && p.b === 'doc020')?.score).toBe(1);
  });

  it('refuses duplicate ids, bad documents, changed texts and options that disagree with the index', async () => {
    await expect(
      dedup([
        { id: 'a', text: 'x y z' },
        { id: 'b', text: 'x y z' },
        { id: 'a', text: 'other' },
      ]),
    ).rejects.toThrow('neardup: document id "a" appears twice in the input (documents 0 and 2)');
    // @ts-expect-error: a number id
    await expect(dedup([{ id: 7, text: 'x' }])).rejects.toThrow(
      'document 0: id must be a non-empty string, got 7',
    );
    // @ts-expect-error: no text
    await expect(dedup([{ id: 'a' }])).rejects.toThrow(
      'document 0 (id "a"): text must be a string, got undefined',
    );
    await expect(dedup([null as unknown as Doc])).rejects.toThrow('document 0 is not an object { id, text }');
    const index = new MinHashLSH();
    await dedup([{ id: 'a', text: 'the first version of this text' }], { index });
    await expect(dedup([{ id: 'a', text: 'a second, different version' }], { index })).rejects.toThrow(
      'document "a" is already in the index with a different signature',
    );
    await expect(dedup(docs, { index, numPerm: 64, threshold: 0.5 })).rejects.toThrow(
      'dedup options disagree with the given index: threshold 0.8 (index) vs 0.5 (options), numPerm 128 (index) vs 64 (options)',
    );
    await expect(dedup(docs, { batchSize: 0 })).rejects.toThrow(NeardupError);
  });

  it('pairs each exact copy with the first document of its signature only: n − 1 pairs, not n²/2', async () => {
    const next = rng(77);
    const words = randomWords(120, next);
    const text = words.join(' ');
    const edited = [...words.slice(0, 60), 'changed', ...words.slice(61)].join(' ');
    const copies = Array.from({ length: 300 }, (_, i) => ({
      id: `copy-${String(i).padStart(3, '0')}`,
      text: i % 2 ? text.toUpperCase() : text.replaceAll(' ', '\n'), // other case, other spaces: same words
    }));
    const input = [{ id: 'base', text }, ...copies, { id: 'edit', text: edited }];
    for (const batchSize of [1, 7, 1000]) {
      const result = await dedup(input, { batchSize });
      expect(result.clusters).toHaveLength(1);
      expect(result.clusters[0]!.keys).toEqual(input.map((d) => d.id).sort());
      const pairs = result.clusters[0]!.pairs;
      // Every copy with base (score 1), and the edited text with base (not with its 300 copies).
      expect(pairs).toHaveLength(301);
      expect(pairs.filter((p) => p.a === 'base' && p.b.startsWith('copy-') && p.score === 1)).toHaveLength(
        300,
      );
      expect(pairs.filter((p) => p.a === 'base' && p.b === 'edit')).toHaveLength(1);
      expect(result.pairs).toBe(301);
    }
  });

  it('clusters identical texts and leaves empty ones alone', async () => {
    const result = await dedup([
      { id: 'e1', text: '' },
      { id: 'e2', text: '...' },
      { id: 'same-b', text: 'one two three four five six' },
      { id: 'same-a', text: 'One two three, four five six!' },
      { id: 'other', text: 'seven eight nine ten eleven twelve' },
    ]);
    expect(result.clusters).toEqual([
      { keys: ['same-a', 'same-b'], pairs: [{ a: 'same-a', b: 'same-b', score: 1 }] },
    ]);
  });
});

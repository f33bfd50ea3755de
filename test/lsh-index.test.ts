import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  collisionProbability,
  estimateJaccard,
  exactJaccard,
  type IndexParams,
  MemoryStorage,
  MinHashLSH,
  minhash,
  NeardupError,
  type Signature,
  shingle,
  signature,
  tokenize,
} from '../src/index.js';
import { fcParams } from './generators.js';
import { randomWords, rng, textPairWithJaccard } from './text-generators.js';

const shingles = (text: string) => shingle(tokenize(text).hashes, 5).hashes;

/** `count` text pairs with exact Jaccard spread over [lo, hi], with their signatures. */
function pairs(lo: number, hi: number, count: number, seed: number) {
  return Array.from({ length: count }, (_, i) => {
    const target = lo + ((hi - lo) * i) / (count - 1);
    const [a, b] = textPairWithJaccard(target, 40, seed + i);
    return { exact: exactJaccard(shingles(a), shingles(b)), a: signature(a), b: signature(b) };
  });
}

/** Random unrelated texts. */
function texts(count: number, words: number, seed: number): string[] {
  const next = rng(seed);
  return Array.from({ length: count }, () => randomWords(words, next).join(' '));
}

describe('MinHashLSH recall and precision on planted pairs', () => {
  it.each([0.5, 0.7, 0.8, 0.9])(
    'threshold %s: finds ≥ 95% of pairs at Jaccard ≥ threshold + 0.05',
    async (t) => {
      const planted = pairs(t + 0.05, 0.99, 150, Math.round(t * 1000));
      const lsh = new MinHashLSH({ threshold: t });
      await lsh.insertMany(planted.map((p, i) => ({ key: `a${i}`, signature: p.a })));
      const results = await lsh.queryMany(planted.map((p) => p.b));
      const eligible = planted.map((p, i) => ({ ...p, i })).filter((p) => p.exact >= t + 0.05);
      expect(eligible.length).toBeGreaterThan(120);
      const found = eligible.filter((p) => results[p.i]!.some((m) => m.key === `a${p.i}`));
      expect(found.length / eligible.length).toBeGreaterThanOrEqual(0.95);
      // Every match returned clears the threshold.
      for (const r of results) for (const m of r) expect(m.score).toBeGreaterThanOrEqual(t);
    },
  );

  it.each([0.5, 0.8, 0.9])('threshold %s: returns no pair well below the threshold', async (t) => {
    const far = pairs(Math.max(0.05, t - 0.4), t - 0.2, 100, 7000 + Math.round(t * 1000));
    const lsh = new MinHashLSH({ threshold: t });
    await lsh.insertMany(far.map((p, i) => ({ key: `a${i}`, signature: p.a })));
    const results = await lsh.queryMany(far.map((p) => p.b));
    const returned = far.filter((p, i) => p.exact <= t - 0.2 && results[i]!.some((m) => m.key === `a${i}`));
    expect(returned).toEqual([]);
  });

  it.each([0.5, 0.8])('threshold %s: pairs become candidates as often as the S-curve predicts', async (t) => {
    // Each pair is a candidate with probability P(J) (independent draws), so the count of
    // candidates has mean Σ P(Jᵢ) and variance Σ P(1 − P). A banding bug (wrong rows, a band
    // ignored) moves the count many standard deviations away.
    const sample = pairs(t - 0.3, t + 0.1, 300, 9000 + Math.round(t * 1000));
    const lsh = new MinHashLSH({ threshold: t });
    await lsh.insertMany(sample.map((p, i) => ({ key: `a${i}`, signature: p.a })));
    const results = await lsh.queryMany(
      sample.map((p) => p.b),
      { minScore: 0 },
    );
    const observed = sample.filter((_, i) => results[i]!.some((m) => m.key === `a${i}`)).length;
    const probs = sample.map((p) => collisionProbability(p.exact, lsh.bands, lsh.rows));
    const mean = probs.reduce((s, p) => s + p, 0);
    const sd = Math.sqrt(probs.reduce((s, p) => s + p * (1 - p), 0));
    expect(Math.abs(observed - mean)).toBeLessThanOrEqual(4 * sd + 1);
  });
});

describe('MinHashLSH queries', () => {
  const docs = texts(60, 120, 11);
  const sigs = docs.map((d) => signature(d));

  it('ranks matches by score, then key, honours limit and minScore, and scores like estimateJaccard', async () => {
    const lsh = new MinHashLSH({ threshold: 0.5 });
    // Copies of doc 0 under several keys (score 1), and an edited copy (score < 1).
    const edited = `${docs[0]!.split(' ').slice(0, 100).join(' ')} ${docs[1]}`;
    await lsh.insertMany([
      { key: 'z-copy', signature: sigs[0]! },
      { key: 'a-copy', signature: sigs[0]! },
      { key: 'edited', signature: signature(edited) },
      ...sigs.slice(1).map((s, i) => ({ key: `doc${i + 1}`, signature: s })),
    ]);
    const all = await lsh.query(sigs[0]!, { minScore: 0 });
    expect(all.slice(0, 2)).toEqual([
      { key: 'a-copy', score: 1 },
      { key: 'z-copy', score: 1 },
    ]);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.score).toBeGreaterThanOrEqual(all[i]!.score);
    for (const m of all) {
      const stored = (await lsh.getSignature(m.key))!;
      expect(m.score).toBe(estimateJaccard(stored, sigs[0]!));
    }
    expect(await lsh.query(sigs[0]!, { limit: 1 })).toEqual([{ key: 'a-copy', score: 1 }]);
    expect(await lsh.query(sigs[0]!, { limit: 0 })).toEqual([]);
    const strict = await lsh.query(sigs[0]!, { minScore: 1 });
    expect(strict.map((m) => m.key)).toEqual(['a-copy', 'z-copy']);
  });

  it('answers queryMany like one query each', async () => {
    const lsh = new MinHashLSH({ threshold: 0.3 });
    await lsh.insertMany(sigs.map((s, i) => ({ key: `d${i}`, signature: s })));
    const batch = await lsh.queryMany(sigs.slice(0, 10), { minScore: 0 });
    for (let i = 0; i < 10; i++) expect(batch[i]).toEqual(await lsh.query(sigs[i]!, { minScore: 0 }));
    expect(await lsh.queryMany([])).toEqual([]);
  });

  it('matches nothing for the signature of an empty text, and stores empty texts without matching them', async () => {
    const lsh = new MinHashLSH();
    await lsh.insertMany([
      { key: 'empty1', signature: signature('') },
      { key: 'empty2', signature: signature('  ... ') },
      { key: 'doc', signature: sigs[0]! },
    ]);
    expect(await lsh.size()).toBe(3);
    expect(await lsh.has('empty1')).toBe(true);
    expect(await lsh.query(signature(''), { minScore: 0 })).toEqual([]);
    expect((await lsh.query(sigs[0]!)).map((m) => m.key)).toEqual(['doc']);
  });

  it('rejects bad query options', async () => {
    const lsh = new MinHashLSH();
    await expect(lsh.query(sigs[0]!, { minScore: 2 })).rejects.toThrow(
      'minScore must be a number in [0, 1], got 2',
    );
    await expect(lsh.query(sigs[0]!, { limit: -1 })).rejects.toThrow('limit must be an integer ≥ 0, got -1');
  });
});

describe('MinHashLSH entries', () => {
  const [s1, s2, s3] = texts(3, 80, 5).map((t) => signature(t));

  it('inserts, finds, removes: has, size, keys, getSignature', async () => {
    const lsh = new MinHashLSH();
    expect(await lsh.insert('one', s1!)).toBe(true);
    await lsh.insertMany([
      { key: 'two', signature: s2! },
      { key: 'three', signature: s3! },
    ]);
    expect(await lsh.size()).toBe(3);
    expect(await lsh.has('two')).toBe(true);
    const keys: string[] = [];
    for await (const k of lsh.keys()) keys.push(k);
    expect(keys.sort()).toEqual(['one', 'three', 'two']);
    const got = (await lsh.getSignature('two'))!;
    expect(got).toEqual({ numPerm: 128, seed: 1, shingleSize: 5, values: s2!.values });
    got.values[0] = 0; // a copy: the index is unchanged
    expect((await lsh.getSignature('two'))!.values).toEqual(s2!.values);
    expect(await lsh.getSignature('nope')).toBeUndefined();
    expect(await lsh.remove('two')).toBe(true);
    expect(await lsh.remove('two')).toBe(false);
    expect(await lsh.has('two')).toBe(false);
    expect(await lsh.size()).toBe(2);
    expect(await lsh.query(s2!, { minScore: 0 })).toEqual([]);
    expect(await lsh.removeMany(['one', 'three', 'x'])).toBe(2);
    expect(await lsh.size()).toBe(0);
  });

  it('refuses a key twice unless told to replace or skip, and never stores a duplicate', async () => {
    const lsh = new MinHashLSH();
    await lsh.insert('k', s1!);
    const error = await lsh.insert('k', s2!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeardupError);
    expect((error as Error).message).toBe(
      `neardup: key "k" is already in the index: nothing was inserted. ` +
        `Pass { ifExists: 'replace' } to update it or { ifExists: 'skip' } to keep the stored signature`,
    );
    // A batch with one existing key writes nothing at all.
    await expect(
      lsh.insertMany([
        { key: 'new', signature: s3! },
        { key: 'k', signature: s2! },
      ]),
    ).rejects.toThrow('key "k" is already in the index: nothing was inserted');
    expect(await lsh.has('new')).toBe(false);
    expect((await lsh.getSignature('k'))!.values).toEqual(s1!.values);

    const skipped = await lsh.insertMany(
      [
        { key: 'new', signature: s3! },
        { key: 'k', signature: s2! },
      ],
      { ifExists: 'skip' },
    );
    expect(skipped).toEqual({ inserted: 1, existing: ['k'] });
    expect((await lsh.getSignature('k'))!.values).toEqual(s1!.values);

    expect(await lsh.insert('k', s2!, { ifExists: 'replace' })).toBe(false);
    expect((await lsh.getSignature('k'))!.values).toEqual(s2!.values);
    expect((await lsh.query(s2!)).map((m) => m.key)).toEqual(['k']);
    expect(await lsh.query(s1!, { minScore: 0.5 })).toEqual([]); // the old bands are gone
    expect(await lsh.size()).toBe(2);

    await expect(
      lsh.insertMany([
        { key: 'x', signature: s1! },
        { key: 'x', signature: s2! },
      ]),
    ).rejects.toThrow('key "x" appears twice in one insert (entries 0 and 1)');
    // @ts-expect-error: a wrong ifExists value
    await expect(lsh.insert('y', s1!, { ifExists: 'merge' })).rejects.toThrow(
      'ifExists must be "error", "replace" or "skip", got "merge"',
    );
  });

  it('refuses bad keys, naming them', async () => {
    const lsh = new MinHashLSH();
    await expect(lsh.insert('', s1!)).rejects.toThrow(
      'insert entry 0: key must be a non-empty string, got ""',
    );
    // @ts-expect-error: not a string
    await expect(lsh.insert(42, s1!)).rejects.toThrow('key must be a non-empty string, got 42');
    await expect(lsh.insert('bad\uD800key', s1!)).rejects.toThrow('has a lone UTF-16 surrogate');
    await lsh.insert('ok 😀', s1!);
    expect(await lsh.has('ok 😀')).toBe(true);
  });

  it('refuses signatures made with other parameters, listing both', async () => {
    const lsh = new MinHashLSH();
    const text = 'one two three four five six seven eight';
    const cases: [Signature, string][] = [
      [signature(text, { numPerm: 64 }), 'numPerm 64, seed 1, shingleSize 5'],
      [signature(text, { seed: 7 }), 'numPerm 128, seed 7, shingleSize 5'],
      [signature(text, { shingleSize: 3 }), 'numPerm 128, seed 1, shingleSize 3'],
    ];
    for (const [sig, got] of cases) {
      await expect(lsh.insert('a', sig)).rejects.toThrow(
        `signature of key "a" does not fit this index: it has ${got}, ${sig.values.length} values; ` +
          'the index needs numPerm 128, seed 1, shingleSize 5',
      );
      await expect(lsh.query(sig)).rejects.toThrow('signature does not fit this index');
    }
    const forged = { ...signature(text), values: new Uint32Array(5) };
    await expect(lsh.insert('a', forged)).rejects.toThrow('5 values');
    expect(await lsh.size()).toBe(0);
  });
});

describe('MinHashLSH parameters and storage', () => {
  it('chooses bands and rows from the threshold, or takes them', async () => {
    expect(new MinHashLSH({ threshold: 0.8 }).params).toMatchObject({ bands: 14, rows: 9, threshold: 0.8 });
    expect(new MinHashLSH({ numPerm: 256, bands: 32, rows: 8 }).params).toMatchObject({ bands: 32, rows: 8 });
    expect(() => new MinHashLSH({ numPerm: 128, bands: 20, rows: 8 })).toThrow(
      'bands × rows = 20 × 8 = 160 must be ≤ numPerm 128',
    );
    expect(() => new MinHashLSH({ threshold: 0 })).toThrow('threshold must be a number in (0, 1], got 0');
    expect(() => new MinHashLSH({ seed: -1 })).toThrow('seed must be an integer in 0..4294967295, got -1');
    expect(() => new MinHashLSH({ shingleSize: 0 })).toThrow(
      'shingleSize must be an integer in 1..65535, got 0',
    );
    // Weights only choose bands and rows: given with both, they would be ignored.
    const weights = { falsePositive: 0.5, falseNegative: 0.5 };
    const message = 'weights only choose bands and rows, but both were given (bands 16, rows 8)';
    expect(() => new MinHashLSH({ weights, bands: 16, rows: 8 })).toThrow(message);
    await expect(MinHashLSH.open({ weights, bands: 16, rows: 8 })).rejects.toThrow(message);
  });

  it('stores its parameters in the storage; reopening finds them', async () => {
    const storage = new MemoryStorage();
    const lsh = new MinHashLSH({ threshold: 0.7, numPerm: 64, seed: 9, shingleSize: 4, storage });
    const sig = minhash(shingle(tokenize('a b c d e f g h i j').hashes, 4), { numPerm: 64, seed: 9 });
    await lsh.insert('doc', sig);
    const stored = (await storage.readParams()) as IndexParams;
    expect(stored).toEqual({ ...lsh.params });
    const reopened = await MinHashLSH.open({ storage });
    expect(reopened.params).toEqual(lsh.params);
    expect(await reopened.query(sig)).toEqual([{ key: 'doc', score: 1 }]);
    // Options that agree with the stored ones are fine.
    await MinHashLSH.open({ storage, numPerm: 64, threshold: 0.7 });
  });

  it('refuses to open a storage holding other parameters, listing both values', async () => {
    const storage = new MemoryStorage();
    await new MinHashLSH({ threshold: 0.8, storage }).ready();
    await expect(MinHashLSH.open({ storage, numPerm: 256, seed: 3 })).rejects.toThrow(
      'the storage holds an index with other parameters: numPerm 128 (stored) vs 256 (requested), seed 1 (stored) vs 3 (requested)',
    );
    await expect(MinHashLSH.open({ storage, threshold: 0.9 })).rejects.toThrow(
      'threshold 0.8 (stored) vs 0.9 (requested)',
    );
    // Weights that imply another banding.
    await expect(
      MinHashLSH.open({ storage, weights: { falsePositive: 0.5, falseNegative: 0.5 } }),
    ).rejects.toThrow('bands 14 (stored) vs 9 (requested), rows 9 (stored) vs 13 (requested)');
    // The constructor cannot check synchronously: every operation fails instead.
    const other = new MinHashLSH({ threshold: 0.9, storage });
    await expect(other.size()).rejects.toThrow(
      /threshold 0.8 \(stored\) vs 0.9 \(this index\), bands 14 \(stored\) vs 8 \(this index\)/,
    );
    await expect(other.insert('a', signature('some words here'))).rejects.toThrow(
      'open it with MinHashLSH.open',
    );
    expect(await storage.size()).toBe(0);
  });

  it('works on any storage through the interface alone', async () => {
    // A storage that records the calls: each batch operation is one call.
    const inner = new MemoryStorage();
    const calls: string[] = [];
    const storage = new Proxy(inner, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(String(prop));
          return value.apply(target, args);
        };
      },
    });
    const lsh = new MinHashLSH({ storage });
    const docs = texts(50, 60, 3).map((t, i) => ({ key: `k${i}`, signature: signature(t) }));
    await lsh.insertMany(docs);
    await lsh.queryMany(docs.map((d) => d.signature));
    expect(calls).toEqual(['initParams', 'has', 'insert', 'candidates', 'getSignatures']);
  });
});

describe('MinHashLSH.pairs', () => {
  // A corpus with planted near-duplicates: edited copies of a few base texts.
  const next = rng(77);
  const base = texts(40, 150, 21);
  const corpus = new Map<string, string>();
  for (const [i, t] of base.entries()) corpus.set(`base${String(i).padStart(2, '0')}`, t);
  for (let c = 0; c < 25; c++) {
    const words = base[c % 10]!.split(' ');
    for (let e = 0; e < 1 + (c % 4); e++) words[Math.floor(next() * words.length)] = 'edit';
    corpus.set(`copy${String(c).padStart(2, '0')}`, words.join(' '));
  }

  it('reports every pair that shares a band and clears the threshold, once, a < b (brute-force oracle)', async () => {
    const lsh = new MinHashLSH({ threshold: 0.7 });
    const sigs = new Map([...corpus].map(([k, t]) => [k, signature(t)]));
    await lsh.insertMany([...sigs].map(([key, signature]) => ({ key, signature })));
    const got: string[] = [];
    for await (const p of lsh.pairs({ pageSize: 7 })) {
      expect(p.a < p.b).toBe(true);
      expect(p.score).toBe(estimateJaccard(sigs.get(p.a)!, sigs.get(p.b)!));
      got.push(`${p.a}|${p.b}`);
    }
    const { bands, rows } = lsh;
    const shareBand = (x: Signature, y: Signature) =>
      Array.from({ length: bands }, (_, j) => j).some((j) => {
        for (let i = j * rows; i < (j + 1) * rows; i++) if (x.values[i] !== y.values[i]) return false;
        return true;
      });
    const keys = [...sigs.keys()].sort();
    const expected: string[] = [];
    for (let i = 0; i < keys.length; i++)
      for (let j = i + 1; j < keys.length; j++) {
        const x = sigs.get(keys[i]!)!;
        const y = sigs.get(keys[j]!)!;
        if (shareBand(x, y) && estimateJaccard(x, y) >= 0.7) expected.push(`${keys[i]}|${keys[j]}`);
      }
    expect(expected.length).toBeGreaterThan(20);
    expect(got.sort()).toEqual(expected);
  });

  it('re-checks pairs exactly from texts or shingles when given them', async () => {
    const lsh = new MinHashLSH({ threshold: 0.7 });
    await lsh.insertMany([...corpus].map(([key, t]) => ({ key, signature: signature(t) })));
    const estimated = [];
    for await (const p of lsh.pairs()) estimated.push(p);
    const exact = [];
    for await (const p of lsh.pairs({ text: (k) => corpus.get(k), cacheSize: 3 })) exact.push(p);
    for (const p of exact) {
      expect(p.exact).toBe(exactJaccard(shingles(corpus.get(p.a)!), shingles(corpus.get(p.b)!)));
      expect(p.exact).toBeGreaterThanOrEqual(0.7);
    }
    // Exactly the estimated pairs whose exact Jaccard also clears the threshold.
    const keep = estimated.filter(
      (p) => exactJaccard(shingles(corpus.get(p.a)!), shingles(corpus.get(p.b)!)) >= 0.7,
    );
    expect(exact.map((p) => `${p.a}|${p.b}`)).toEqual(keep.map((p) => `${p.a}|${p.b}`));
    const viaShingles = [];
    for await (const p of lsh.pairs({ shingles: async (k) => shingle(tokenize(corpus.get(k)!).hashes, 5) }))
      viaShingles.push(p);
    expect(viaShingles).toEqual(exact);
    // Unknown texts leave pairs unchecked rather than dropping them.
    const unchecked = [];
    for await (const p of lsh.pairs({ text: () => undefined })) unchecked.push(p);
    expect(unchecked).toEqual(estimated);
    await expect(
      (async () => {
        for await (const _ of lsh.pairs({ text: () => '', shingles: () => undefined }));
      })(),
    ).rejects.toThrow('give pairs() either text or shingles, not both');
  });

  it('property: pairs() finds the same pairs as querying each entry (any corpus of near-copies)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(4), fc.array(fc.nat(59), { maxLength: 6 })), {
          minLength: 2,
          maxLength: 12,
        }),
        async (spec) => {
          const bases = texts(5, 60, 99).map((t) => t.split(' '));
          const lsh = new MinHashLSH({ threshold: 0.6 });
          const sigs = spec.map(([b, edits]) => {
            const w = bases[b]!.slice();
            for (const e of edits) w[e] = 'changed';
            return signature(w.join(' '));
          });
          await lsh.insertMany(sigs.map((signature, i) => ({ key: `d${i}`, signature })));
          const fromPairs: string[] = [];
          for await (const p of lsh.pairs()) fromPairs.push(`${p.a}|${p.b}`);
          const fromQueries: string[] = [];
          const results = await lsh.queryMany(sigs);
          results.forEach((r, i) => {
            for (const m of r) if (`d${i}` < m.key) fromQueries.push(`d${i}|${m.key}`);
          });
          expect(fromPairs.sort()).toEqual(fromQueries.sort());
        },
      ),
      fcParams(40),
    );
  });
});

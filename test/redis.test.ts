// RedisStorage against a real redis-server (Debian's package), started on a free port for this
// file and stopped at the end. Without redis-server the suite skips, except under CI=true, where
// it fails: CI must run it.

import { rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MemoryStorage,
  MinHashLSH,
  NeardupError,
  type QueryMatch,
  type Signature,
  signature,
} from '../src/index.js';
import { writeBandKeys } from '../src/lsh/bands.js';
import { RedisStorage } from '../src/redis.js';
import { hasRedisServer, INSTALL_HINT, startRedis, type TestRedis } from './redis-server.js';
import { batchOf, PARAMS, storageContract } from './storage-contract.js';
import { randomWords, rng } from './text-generators.js';

const available = hasRedisServer();
const inCI = process.env.CI === 'true';

if (!available && inCI)
  describe('RedisStorage', () => {
    it('needs redis-server, which CI must provide', () => {
      throw new Error(`redis-server is not installed, and CI=true requires the Redis tests: ${INSTALL_HINT}`);
    });
  });
if (!available && !inCI)
  console.warn(`Skipping the RedisStorage tests: redis-server is not installed; ${INSTALL_HINT}.`);

let server: TestRedis;
let admin: Redis; // the raw client tests use to inspect and tamper with the layout
const clients: Redis[] = [];
let prefixes = 0;

/** A prefix no other test uses. */
const freshPrefix = (name: string) => `t${prefixes++}-${name}`;

/** A new ioredis client on the test server, closed after the suite. */
function newClient(): Redis {
  const client = new Redis(server.url);
  clients.push(client);
  return client;
}

if (available) {
  beforeAll(async () => {
    server = await startRedis();
    admin = newClient();
  }, 20_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
    await server?.stop();
  });
}

// A corpus with near-duplicates at many similarities: base documents of random words, and edited
// copies with 2–40% of their words replaced (Jaccard of 5-shingles from about 0.9 down to 0.1).
function corpus(count: number, seed: number): { key: string; text: string; sig: Signature }[] {
  const next = rng(seed);
  const bases: string[][] = [];
  const out: { key: string; text: string; sig: Signature }[] = [];
  for (let i = 0; i < count; i++) {
    let words: string[];
    if (i % 3 === 2 && bases.length > 0) {
      words = bases[Math.floor(next() * bases.length)]!.slice();
      const share = 0.02 + next() * 0.38;
      for (let e = 0; e < words.length * share; e++)
        words[Math.floor(next() * words.length)] = randomWords(1, next)[0]!;
    } else {
      words = randomWords(60 + Math.floor(next() * 60), next);
      bases.push(words);
    }
    const text = words.join(' ');
    out.push({ key: `doc-${i}`, text, sig: signature(text) });
  }
  // Two documents without words: stored, in no bucket.
  out.push(
    { key: 'empty-1', text: '', sig: signature('') },
    { key: 'empty-2', text: '...', sig: signature('...') },
  );
  return out;
}

async function allKeys(lsh: MinHashLSH): Promise<string[]> {
  const out: string[] = [];
  for await (const key of lsh.keys()) out.push(key);
  return out.sort();
}

async function allPairs(lsh: MinHashLSH, minScore?: number) {
  const out = [];
  for await (const pair of lsh.pairs(minScore === undefined ? {} : { minScore })) out.push(pair);
  return out.sort((x, y) => (x.a + x.b < y.a + y.b ? -1 : 1));
}

/** A hash's fields and values as bytes. */
async function fieldsOf(key: string): Promise<[Buffer, Buffer][]> {
  const flat = (await admin.callBuffer('HGETALL', key)) as Buffer[];
  return Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i]!, flat[2 * i + 1]!]);
}

/**
 * Reads the whole layout of an index with raw commands and checks its invariants: every bucket
 * is a set (no id twice), every member of a bucket is a complete entry, and each complete entry
 * with a non-empty signature is in exactly `bands` buckets. Returns the counts it saw.
 */
async function inspect(prefix: string) {
  const p = `${prefix}:`;
  const params = JSON.parse((await admin.get(`${p}params`))!) as { bands: number; numPerm: number };
  const { bands, numPerm } = params;
  const records = await fieldsOf(`${p}e`);
  const ids = await fieldsOf(`${p}id`);
  const pending = await admin.hlen(`${p}p`);
  const complete = new Set<number>();
  let nonEmpty = 0;
  for (const [field, record] of records) {
    const id = field.readUInt32LE(0);
    complete.add(id);
    const values = record.subarray(bands * 4, (bands + numPerm) * 4);
    if (!values.every((b) => b === 0xff)) nonEmpty++;
  }
  let memberships = 0;
  let orphans = 0;
  const shards = await admin.keys(`${p}b:*`);
  for (const shard of shards) {
    const band = Number(shard.split(':').at(-2));
    for (const [field, value] of await fieldsOf(shard)) {
      let members: number[];
      if (value.length === 0) {
        const bk = field.readUInt32LE(0);
        members = (await admin.smembers(`${p}o:${band}:${bk}`)).map(Number);
      } else members = Array.from({ length: value.length / 4 }, (_, i) => value.readUInt32LE(i * 4));
      expect(new Set(members).size, `bucket ${shard} ${field} holds an id twice`).toBe(members.length);
      memberships += members.length;
      orphans += members.filter((id) => !complete.has(id)).length;
    }
  }
  return {
    entries: complete.size,
    ids: ids.length,
    pending,
    memberships,
    orphans,
    expectedMemberships: nonEmpty * bands,
  };
}

describe.skipIf(!available)('RedisStorage (needs redis-server)', () => {
  storageContract('RedisStorage', () => new RedisStorage({ client: admin, prefix: freshPrefix('contract') }));

  describe('through MinHashLSH', () => {
    const docs = corpus(360, 7);

    it('gives the same results as MemoryStorage: candidates, scores, pairs, keys, size, has, signatures', async () => {
      const prefix = freshPrefix('same');
      const redis = new MinHashLSH({
        threshold: 0.5,
        storage: new RedisStorage({ client: newClient(), prefix }),
      });
      const memory = new MinHashLSH({ threshold: 0.5, storage: new MemoryStorage() });
      for (const lsh of [redis, memory])
        for (let i = 0; i < docs.length; i += 100)
          await lsh.insertMany(docs.slice(i, i + 100).map((d) => ({ key: d.key, signature: d.sig })));

      const sigs = docs.map((d) => d.sig);
      // minScore 0: every candidate the buckets give, with its score.
      const [fromRedis, fromMemory] = await Promise.all([
        redis.queryMany(sigs, { minScore: 0 }),
        memory.queryMany(sigs, { minScore: 0 }),
      ]);
      expect(fromRedis).toEqual(fromMemory);
      const found = fromMemory.reduce((n, m) => n + m.length, 0);
      expect(found).toBeGreaterThan(docs.length); // near-duplicates are found, not just each document itself
      expect(await redis.queryMany(sigs, { limit: 3 })).toEqual(await memory.queryMany(sigs, { limit: 3 }));
      expect(await allPairs(redis)).toEqual(await allPairs(memory));
      expect((await allPairs(memory)).length).toBeGreaterThan(10);
      expect(await redis.size()).toBe(docs.length);
      expect(await allKeys(redis)).toEqual(await allKeys(memory));
      const probe = ['doc-5', 'nope', 'empty-1'];
      expect(await Promise.all(probe.map((k) => redis.has(k)))).toEqual([true, false, true]);
      expect(await redis.getSignatures(probe)).toEqual(await memory.getSignatures(probe));
      expect(await redis.query(signature(''))).toEqual([]);

      // Remove a third of the documents, then compare again.
      const gone = docs.filter((_, i) => i % 3 === 0).map((d) => d.key);
      expect(await redis.removeMany(gone)).toBe(gone.length);
      await memory.removeMany(gone);
      expect(await redis.queryMany(sigs, { minScore: 0 })).toEqual(
        await memory.queryMany(sigs, { minScore: 0 }),
      );
      expect(await allPairs(redis, 0)).toEqual(await allPairs(memory, 0));
      expect(await redis.size()).toBe(docs.length - gone.length);
      expect(await redis.has(gone[0]!)).toBe(false);

      const layout = await inspect(prefix);
      expect(layout).toMatchObject({
        entries: docs.length - gone.length,
        ids: docs.length - gone.length,
        pending: 0,
        orphans: 0,
      });
      expect(layout.memberships).toBe(layout.expectedMemberships);
    });

    it('keeps large buckets (many copies of a document) in sets, through shard splits and removals', async () => {
      const prefix = freshPrefix('big');
      const redis = new MinHashLSH({
        threshold: 0.5,
        storage: new RedisStorage({ client: newClient(), prefix }),
      });
      const memory = new MinHashLSH({ threshold: 0.5 });
      // 60 copies of one document and 20 of another, interleaved with 300 others, in small
      // batches: the shared buckets outgrow their inline value while the shards split.
      const entries = docs.slice(0, 300).flatMap((d, i) => {
        const out = [{ key: d.key, signature: d.sig }];
        if (i % 5 === 0) out.push({ key: `copy-a-${i}`, signature: docs[300]!.sig });
        if (i % 15 === 0) out.push({ key: `copy-b-${i}`, signature: docs[301]!.sig });
        return out;
      });
      for (const lsh of [redis, memory])
        for (let i = 0; i < entries.length; i += 37) await lsh.insertMany(entries.slice(i, i + 37));
      const overflowSets = await admin.keys(`${prefix}:o:*`);
      expect(overflowSets.length).toBe(2 * redis.bands); // each copied document's 14 buckets
      const probe = [docs[300]!.sig, docs[301]!.sig, docs[3]!.sig];
      const found = await redis.queryMany(probe, { minScore: 0 });
      expect(found).toEqual(await memory.queryMany(probe, { minScore: 0 }));
      expect(found.map((m) => m.length).slice(0, 2)).toEqual([60, 20]);

      // Remove all but 3 copies of b, and every copy of a: sets shrink, then go with their field.
      const removed = entries
        .map((e) => e.key)
        .filter((k) => k.startsWith('copy-a-') || (k.startsWith('copy-b-') && Number(k.slice(7)) >= 40));
      for (const lsh of [redis, memory]) await lsh.removeMany(removed);
      expect(await redis.queryMany(probe, { minScore: 0 })).toEqual(
        await memory.queryMany(probe, { minScore: 0 }),
      );
      expect((await redis.query(docs[301]!.sig)).map((m) => m.key)).toEqual([
        'copy-b-0',
        'copy-b-15',
        'copy-b-30',
      ]);
      expect(await admin.keys(`${prefix}:o:*`)).toHaveLength(redis.bands); // b's, with 3 members each
      const layout = await inspect(prefix);
      expect(layout).toMatchObject({ pending: 0, orphans: 0, entries: entries.length - removed.length });
      expect(layout.memberships).toBe(layout.expectedMemberships);
      expect(await allPairs(redis)).toEqual(await allPairs(memory));
    });

    it('stores the parameters once and finds them again from another client; mismatches are refused', async () => {
      const prefix = freshPrefix('params');
      expect(await new RedisStorage({ client: newClient(), prefix }).readParams()).toBeUndefined();
      // Several processes creating the same index at once: one set of parameters wins, all see it.
      const racers = [0.9, 0.8, 0.7, 0.6, 0.5].map(
        (threshold) =>
          new MinHashLSH({ threshold, storage: new RedisStorage({ client: newClient(), prefix }) }),
      );
      const outcomes = await Promise.allSettled(racers.map((lsh) => lsh.ready()));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const winner = racers[outcomes.findIndex((o) => o.status === 'fulfilled')]!;
      for (const o of outcomes)
        if (o.status === 'rejected') {
          expect(o.reason).toBeInstanceOf(NeardupError);
          expect(String(o.reason)).toMatch(
            new RegExp(`threshold ${winner.threshold} \\(stored\\) vs 0\\.\\d \\(this index\\)`),
          );
        }
      await winner.insertMany(docs.slice(0, 30).map((d) => ({ key: d.key, signature: d.sig })));

      // Reopened later from another client, as another process would.
      const reopened = await MinHashLSH.open({ storage: new RedisStorage({ client: newClient(), prefix }) });
      expect(reopened.params).toEqual(winner.params);
      expect(await reopened.size()).toBe(30);
      expect(await reopened.query(docs[4]!.sig, { limit: 1 })).toEqual([{ key: 'doc-4', score: 1 }]);
      await expect(
        MinHashLSH.open({ storage: new RedisStorage({ client: newClient(), prefix }), numPerm: 64 }),
      ).rejects.toThrow('numPerm 128 (stored) vs 64 (requested)');
      const mismatch = new MinHashLSH({
        threshold: 0.3,
        storage: new RedisStorage({ client: newClient(), prefix }),
      });
      await expect(mismatch.insert('x', docs[0]!.sig)).rejects.toThrow(/threshold .* \(stored\) vs 0\.3/);
      expect(await reopened.has('x')).toBe(false);
    });

    it('refuses a prefix that holds something else, or another layout version', async () => {
      const junk = freshPrefix('junk');
      await admin.set(`${junk}:params`, 'not json');
      await expect(new RedisStorage({ client: admin, prefix: junk }).readParams()).rejects.toThrow(
        `Redis key "${junk}:params" is not a neardup index`,
      );
      const future = freshPrefix('future');
      await admin.set(`${future}:params`, JSON.stringify({ ...PARAMS, layout: 99 }));
      await expect(
        MinHashLSH.open({ storage: new RedisStorage({ client: admin, prefix: future }) }),
      ).rejects.toThrow('uses Redis layout 99; this version of neardup reads layout 1');
      const partial = freshPrefix('partial');
      await admin.set(`${partial}:params`, JSON.stringify({ layout: 1, numPerm: 128 }));
      await expect(new RedisStorage({ client: admin, prefix: partial }).readParams()).rejects.toThrow(
        'has no valid seed: undefined',
      );
    });

    it('inserting a key twice: an error by default, or skipped, or replaced (old buckets gone)', async () => {
      const prefix = freshPrefix('dup');
      const lsh = new MinHashLSH({
        threshold: 0.8,
        storage: new RedisStorage({ client: newClient(), prefix }),
      });
      const [a, b] = [docs[0]!, docs[1]!];
      expect(await lsh.insert('k', a.sig)).toBe(true);
      await expect(lsh.insert('k', b.sig)).rejects.toThrow(
        'key "k" is already in the index: nothing was inserted',
      );
      await expect(
        lsh.insertMany([
          { key: 'fresh', signature: b.sig },
          { key: 'k', signature: b.sig },
        ]),
      ).rejects.toThrow(NeardupError);
      expect(await lsh.has('fresh')).toBe(false); // nothing of a refused batch is written
      expect(await lsh.insertMany([{ key: 'k', signature: b.sig }], { ifExists: 'skip' })).toEqual({
        inserted: 0,
        existing: ['k'],
      });
      expect((await lsh.getSignature('k'))!.values).toEqual(a.sig.values);
      expect(await lsh.insert('k', b.sig, { ifExists: 'replace' })).toBe(false);
      expect((await lsh.getSignature('k'))!.values).toEqual(b.sig.values);
      expect(await lsh.query(a.sig, { minScore: 0 })).toEqual([]); // a and b share no band
      expect(await lsh.query(b.sig)).toEqual([{ key: 'k', score: 1 }]);
      expect(await lsh.size()).toBe(1);
      const layout = await inspect(prefix);
      expect(layout.memberships).toBe(lsh.bands);
      expect(layout.orphans).toBe(0);
    });
  });

  describe('concurrency', () => {
    const docs = corpus(420, 11);

    it('several writers inserting overlapping keys at once store each key once, in its buckets once', async () => {
      const prefix = freshPrefix('writers');
      const writers = Array.from(
        { length: 4 },
        () =>
          new MinHashLSH({
            threshold: 0.5,
            storage: new RedisStorage({ client: newClient(), prefix, batchSize: 25 }),
          }),
      );
      // Writer w takes documents [100w, 100w + 220): every document is wanted by one to three
      // writers, in a different order each, in batches of 40.
      const results = await Promise.all(
        writers.map(async (lsh, w) => {
          const mine = docs.slice(100 * w, 100 * w + 220);
          if (w % 2 === 1) mine.reverse();
          let inserted = 0;
          for (let i = 0; i < mine.length; i += 40) {
            const r = await lsh.insertMany(
              mine.slice(i, i + 40).map((d) => ({ key: d.key, signature: d.sig })),
              { ifExists: 'skip' },
            );
            inserted += r.inserted;
          }
          return inserted;
        }),
      );
      // Each key was inserted by exactly one writer; the others found it there.
      expect(results.reduce((x, y) => x + y, 0)).toBe(docs.length);
      expect(await writers[0]!.size()).toBe(docs.length);
      const layout = await inspect(prefix);
      expect(layout).toMatchObject({ entries: docs.length, ids: docs.length, pending: 0, orphans: 0 });
      expect(layout.memberships).toBe(layout.expectedMemberships);

      const memory = new MinHashLSH({ threshold: 0.5 });
      await memory.insertMany(docs.map((d) => ({ key: d.key, signature: d.sig })));
      const sigs = docs.map((d) => d.sig);
      expect(await writers[3]!.queryMany(sigs, { minScore: 0 })).toEqual(
        await memory.queryMany(sigs, { minScore: 0 }),
      );
    });

    it('readers querying during writes see each entry whole or not at all', async () => {
      const prefix = freshPrefix('readers');
      const make = () =>
        new MinHashLSH({ threshold: 0.5, storage: new RedisStorage({ client: newClient(), prefix }) });
      const writer = make();
      const reader = make();
      await writer.ready();
      const memory = new MinHashLSH({ threshold: 0.5 });
      await memory.insertMany(docs.map((d) => ({ key: d.key, signature: d.sig })));
      const expected = new Map<string, QueryMatch[]>();
      const full = await memory.queryMany(
        docs.map((d) => d.sig),
        { minScore: 0 },
      );
      for (let i = 0; i < docs.length; i++) expected.set(docs[i]!.key, full[i]!);

      let writing = true;
      const writes = (async () => {
        for (let i = 0; i < docs.length; i += 30)
          await writer.insertMany(docs.slice(i, i + 30).map((d) => ({ key: d.key, signature: d.sig })));
        writing = false;
      })();
      let checked = 0;
      while (writing) {
        const i = (checked * 37) % docs.length;
        const seen = await reader.query(docs[i]!.sig, { minScore: 0 });
        // Whatever is visible is a subset of the final answer, with the final scores.
        const final = new Map(expected.get(docs[i]!.key)!.map((m) => [m.key, m.score]));
        for (const m of seen) expect(final.get(m.key)).toBe(m.score);
        checked++;
      }
      await writes;
      expect(checked).toBeGreaterThan(0);
      expect(await reader.size()).toBe(docs.length);
    });
  });

  describe('crash safety', () => {
    const docs = corpus(40, 3);
    const entries = docs.map((d) => ({ key: d.key, signature: d.sig }));

    /** The shard key of band j's bucket h under the table state stored in P meta (see redis-lua.ts). */
    async function shardKey(prefix: string, j: number, h: number): Promise<string> {
      const [level, split] = (await admin.hmget(`${prefix}:meta`, 'level', 'split')).map((v) =>
        Number(v ?? 0),
      );
      const n = 2 ** level!;
      let a = h % n;
      if (a < split!) a = h % (2 * n);
      return `${prefix}:b:${j}:${a}`;
    }

    it('an entry whose write failed half-way is invisible, and inserting again completes it without duplicates', async () => {
      const prefix = freshPrefix('crash');
      const lsh = new MinHashLSH({
        threshold: 0.5,
        storage: new RedisStorage({ client: newClient(), prefix }),
      });
      await lsh.insertMany(entries.slice(0, 10));

      // Make band 3 of doc-10 (the next new entry) fail: a bucket marked as overflowed whose
      // overflow set is a string. The insert script then stops with WRONGTYPE after writing
      // doc-10's buckets of bands 0–2.
      const { bands, rows, numPerm } = lsh;
      const bandKeys = new Uint32Array(bands);
      writeBandKeys(docs[10]!.sig.values, 0, bands, rows, bandKeys, 0);
      const h = bandKeys[3]!;
      const field = Buffer.alloc(4);
      field.writeUInt32LE(h);
      await admin.hset(await shardKey(prefix, 3, h), field, '');
      await admin.set(`${prefix}:o:3:${h}`, 'in the way');

      const failed = lsh.insertMany(entries.slice(0, 20), { ifExists: 'skip' });
      await expect(failed).rejects.toThrow(NeardupError);
      await expect(failed).rejects.toThrow(/Redis insert on index ".*" failed: .*WRONGTYPE/);
      expect(await lsh.has('doc-10')).toBe(false);
      expect(await lsh.getSignature('doc-10')).toBeUndefined();
      expect(await lsh.size()).toBe(10);
      expect(await allKeys(lsh)).not.toContain('doc-10');
      // Take the obstacle away (splits during the failed script moved it with its shard).
      await admin.del(`${prefix}:o:3:${h}`);
      await admin.hdel(await shardKey(prefix, 3, h), field);
      let layout = await inspect(prefix);
      expect(layout.pending).toBe(1); // doc-10's band keys, kept to clean its buckets
      expect(layout.memberships).toBe(10 * bands + 3); // bands 0–2 of doc-10 were written
      expect(layout.orphans).toBe(3); // …and name an entry that is not visible
      // Queries ignore the half-written entry.
      expect((await lsh.query(docs[10]!.sig, { minScore: 0 })).map((m) => m.key)).not.toContain('doc-10');

      // Re-running the same insert completes doc-10 and the rest; the first ten are reported existing.
      const again = await lsh.insertMany(entries.slice(0, 20), { ifExists: 'skip' });
      expect(again.existing).toEqual(entries.slice(0, 10).map((e) => e.key));
      expect(again.inserted).toBe(10);
      layout = await inspect(prefix);
      expect(layout).toMatchObject({ entries: 20, ids: 20, pending: 0, orphans: 0 });
      expect(layout.memberships).toBe(layout.expectedMemberships);

      const memory = new MinHashLSH({ threshold: 0.5 });
      await memory.insertMany(entries.slice(0, 20));
      const sigs = docs.map((d) => d.sig);
      expect(await lsh.queryMany(sigs, { minScore: 0 })).toEqual(
        await memory.queryMany(sigs, { minScore: 0 }),
      );
      expect(numPerm).toBe(128);
    });

    it('removing a half-written key cleans its buckets; re-inserting it with another signature leaves none of the old', async () => {
      const prefix = freshPrefix('crash-remove');
      const lsh = new MinHashLSH({
        threshold: 0.5,
        storage: new RedisStorage({ client: newClient(), prefix }),
      });
      await lsh.ready();
      const { bands, rows } = lsh;
      for (const [doc, reinsert] of [
        [docs[0]!, 'remove'],
        [docs[1]!, 'other signature'],
      ] as const) {
        const bandKeys = new Uint32Array(bands);
        writeBandKeys(doc.sig.values, 0, bands, rows, bandKeys, 0);
        const h = bandKeys[5]!;
        const field = Buffer.alloc(4);
        field.writeUInt32LE(h);
        await admin.hset(await shardKey(prefix, 5, h), field, '');
        await admin.set(`${prefix}:o:5:${h}`, 'in the way');
        await expect(lsh.insert(doc.key, doc.sig)).rejects.toThrow(/WRONGTYPE/);
        await admin.del(`${prefix}:o:5:${h}`);
        await admin.hdel(await shardKey(prefix, 5, h), field);
        if (reinsert === 'remove') expect(await lsh.remove(doc.key)).toBe(false);
        else expect(await lsh.insert(doc.key, docs[3]!.sig)).toBe(true);
      }
      const layout = await inspect(prefix);
      expect(layout).toMatchObject({ entries: 1, ids: 1, pending: 0, orphans: 0, memberships: bands });
      // doc-1 now holds doc-3's signature; none of its first signature's buckets name it.
      expect(await lsh.query(docs[1]!.sig, { minScore: 0 })).toEqual([]);
      expect(await lsh.query(docs[3]!.sig)).toEqual([{ key: docs[1]!.key, score: 1 }]);
    });

    it('a failure in one chunk of a batch leaves the other chunks written; the rerun completes the batch', async () => {
      const prefix = freshPrefix('chunks');
      const lsh = new MinHashLSH({
        threshold: 0.5,
        storage: new RedisStorage({ client: newClient(), prefix, batchSize: 8 }),
      });
      await lsh.insertMany(entries.slice(0, 8));
      // In the next batch, chunk 2 (entries 8–15) fails at entry 12's band 3 (as above); chunks
      // 3–5 run after it in the same pipeline.
      const { bands, rows } = lsh;
      const bandKeys = new Uint32Array(bands);
      writeBandKeys(docs[12]!.sig.values, 0, bands, rows, bandKeys, 0);
      const h = bandKeys[3]!;
      const field = Buffer.alloc(4);
      field.writeUInt32LE(h);
      await admin.hset(await shardKey(prefix, 3, h), field, '');
      await admin.set(`${prefix}:o:3:${h}`, 'in the way');
      await expect(lsh.insertMany(entries, { ifExists: 'skip' })).rejects.toThrow(/WRONGTYPE/);
      await admin.del(`${prefix}:o:3:${h}`);
      await admin.hdel(await shardKey(prefix, 3, h), field);
      expect(await lsh.size()).toBe(entries.length - 4); // 12–15 missing
      expect(await lsh.has('doc-11')).toBe(true);
      expect(await lsh.has('doc-12')).toBe(false);
      const again = await lsh.insertMany(entries, { ifExists: 'skip' });
      expect(again.inserted).toBe(4);
      const layout = await inspect(prefix);
      expect(layout).toMatchObject({ entries: entries.length, pending: 0, orphans: 0 });
      expect(layout.memberships).toBe(layout.expectedMemberships);
    });
  });

  describe('round trips, connections and errors', () => {
    it('writes a batch in one pipeline, and answers a batched query in two', async () => {
      const client = newClient();
      let pipelines = 0;
      const pipeline = client.pipeline.bind(client);
      client.pipeline = ((...args: Parameters<typeof pipeline>) => {
        pipelines++;
        return pipeline(...args);
      }) as typeof client.pipeline;
      const storage = new RedisStorage({ client, prefix: freshPrefix('trips'), batchSize: 100 });
      const lsh = new MinHashLSH({ threshold: 0.8, storage });
      await lsh.ready();
      const docs = corpus(1000, 5);
      const entries = docs.map((d) => ({ key: d.key, signature: d.sig }));
      await lsh.insertMany(entries.slice(0, 1)); // loads the scripts
      pipelines = 0;
      await lsh.insertMany(entries.slice(1), { ifExists: 'skip' }); // 11 script calls
      expect(pipelines).toBe(1);
      pipelines = 0;
      await lsh.queryMany(docs.map((d) => d.sig)); // candidates, then signatures
      expect(pipelines).toBe(2);
      pipelines = 0;
      await lsh.removeMany(docs.slice(0, 500).map((d) => d.key));
      expect(pipelines).toBe(1);
    });

    it('keeps the index through a Redis crash and restart with an append-only file', async () => {
      const persistent = await startRedis({ persist: true });
      const dir = persistent.dir;
      let restarted: TestRedis | undefined;
      try {
        const docs = corpus(60, 21);
        const client = new Redis(persistent.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
        clients.push(client);
        client.on('error', () => undefined);
        const lsh = new MinHashLSH({ threshold: 0.5, storage: new RedisStorage({ client, prefix: 'kept' }) });
        await lsh.insertMany(docs.slice(0, 40).map((d) => ({ key: d.key, signature: d.sig })));
        const before = await lsh.queryMany(
          docs.map((d) => d.sig),
          { minScore: 0 },
        );
        await persistent.kill();
        await expect(lsh.size()).rejects.toThrow(/Redis size on index "kept" failed/);
        restarted = await startRedis({ port: persistent.port, dir, persist: true });
        // The same client reconnects; the restarted server has no scripts, so they are reloaded.
        expect(await lsh.size()).toBe(40);
        expect(
          await lsh.queryMany(
            docs.map((d) => d.sig),
            { minScore: 0 },
          ),
        ).toEqual(before);
        const again = await lsh.insertMany(
          docs.map((d) => ({ key: d.key, signature: d.sig })),
          { ifExists: 'skip' },
        );
        expect(again).toMatchObject({ inserted: docs.length - 40 });
        expect(await lsh.size()).toBe(docs.length);
      } finally {
        await restarted?.stop();
        await persistent.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 30_000);

    it('reloads its scripts when Redis has lost them (SCRIPT FLUSH, a restart)', async () => {
      const lsh = new MinHashLSH({
        storage: new RedisStorage({ client: newClient(), prefix: freshPrefix('flush') }),
      });
      const [a, b] = corpus(2, 9);
      await lsh.insert(a!.key, a!.sig);
      await admin.script('FLUSH');
      await lsh.insert(b!.key, b!.sig);
      expect(await lsh.query(b!.sig)).toEqual([{ key: b!.key, score: 1 }]);
    });

    it('connects from a URL, closes its own connection, and leaves a passed client open', async () => {
      const prefix = freshPrefix('url');
      const own = new RedisStorage({ url: server.url, prefix });
      const lsh = new MinHashLSH({ storage: own });
      const [a] = corpus(1, 2);
      await lsh.insert(a!.key, a!.sig);
      await own.close();
      await expect(lsh.has(a!.key)).rejects.toThrow(`RedisStorage "${prefix}" is closed`);
      const client = newClient();
      const borrowed = new RedisStorage({ client, prefix });
      expect(await MinHashLSH.open({ storage: borrowed }).then((l) => l.size())).toBe(1);
      await borrowed.close();
      expect(await client.ping()).toBe('PONG');
    });

    it("honours the client's keyPrefix", async () => {
      const client = new Redis(server.url, { keyPrefix: 'app:' });
      clients.push(client);
      const prefix = freshPrefix('kp');
      const lsh = new MinHashLSH({ storage: new RedisStorage({ client, prefix }) });
      const [a] = corpus(1, 4);
      await lsh.insert(a!.key, a!.sig);
      expect(await admin.exists(`app:${prefix}:params`, `app:${prefix}:e`)).toBe(2);
      expect(await admin.exists(`${prefix}:params`)).toBe(0);
      expect(await lsh.size()).toBe(1);
      expect(await new RedisStorage({ client, prefix }).readParams()).toEqual(lsh.params);
      const reopened = await MinHashLSH.open({ storage: new RedisStorage({ client, prefix }) });
      expect(await reopened.query(a!.sig)).toEqual([{ key: a!.key, score: 1 }]);
    });

    it("uses the URL's database, and fails rather than writing to database 0 when Redis refuses it", async () => {
      const prefix = freshPrefix('db');
      const [a] = corpus(1, 6);
      const inDb3 = new RedisStorage({ url: `${server.url}/3`, prefix });
      await new MinHashLSH({ storage: inDb3 }).insert(a!.key, a!.sig);
      await inDb3.close();
      const db3 = new Redis(`${server.url}/3`);
      clients.push(db3);
      expect(await db3.exists(`${prefix}:params`)).toBe(1);
      expect(await admin.exists(`${prefix}:params`)).toBe(0);

      // The test server has the default 16 databases: 99 does not exist.
      const missing = new RedisStorage({
        url: `${server.url}/99`,
        prefix,
        redis: { maxRetriesPerRequest: 1 },
      });
      await expect(new MinHashLSH({ storage: missing }).insert(a!.key, a!.sig)).rejects.toThrow(
        /Redis select on index ".*" failed: ERR DB index is out of range/,
      );
      await missing.close();
      expect(await admin.exists(`${prefix}:params`)).toBe(0);
    });

    it('reports a connection failure as a NeardupError naming the index', async () => {
      const storage = new RedisStorage({
        url: 'redis://127.0.0.1:1',
        prefix: 'nowhere',
        redis: { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true },
      });
      await expect(MinHashLSH.open({ storage })).rejects.toThrow(
        /Redis readParams on index "nowhere" failed: .*ECONNREFUSED 127\.0\.0\.1:1/,
      );
      await storage.close();
    });

    it('validates its options and keys', async () => {
      expect(() => new RedisStorage({ prefix: '' })).toThrow('prefix must be a non-empty string, got ""');
      expect(() => new RedisStorage({ prefix: 'x', batchSize: 0 })).toThrow(
        'batchSize must be an integer ≥ 1, got 0',
      );
      const storage = new RedisStorage({ client: admin, prefix: freshPrefix('keys') });
      await storage.initParams(PARAMS);
      await expect(
        storage.insert(batchOf([{ key: 'a\uD800', v: 1, bandKeys: [1, 2] }]), 'skip'),
      ).rejects.toThrow('key must be a non-empty, well-formed string, got "a\\ud800"');
      await expect(
        new RedisStorage({ client: admin, prefix: freshPrefix('none') }).has(['a']),
      ).rejects.toThrow('holds no index parameters yet');
    });
  });

  it('uses under 2× the raw signature and band-key bytes of Redis memory per document', async () => {
    // An upper-bound sanity check of the compact layout; docs/scaling-with-redis.md has the
    // measured figures (bench/redis-memory.ts).
    const docs = corpus(3000, 13);
    const lsh = new MinHashLSH({
      threshold: 0.8,
      storage: new RedisStorage({ client: newClient(), prefix: freshPrefix('mem') }),
    });
    await lsh.ready();
    const used = async () => Number((await admin.info('memory')).match(/used_memory:(\d+)/)![1]);
    const before = await used();
    for (let i = 0; i < docs.length; i += 500)
      await lsh.insertMany(docs.slice(i, i + 500).map((d) => ({ key: d.key, signature: d.sig })));
    const perDoc = ((await used()) - before) / docs.length;
    const raw = lsh.numPerm * 4 + lsh.bands * 4;
    expect(perDoc).toBeLessThan(2 * raw);
    expect(perDoc).toBeGreaterThan(lsh.numPerm * 4); // it does hold the signatures
  });
});

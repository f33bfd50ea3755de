// Section: memory per stored signature, serialised and in memory, next to the npm minhash package;
// and per document in an LSH index: in memory, in a snapshot and on Redis.

import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Redis } from 'ioredis';
import type { Minhash as PeerMinhash } from 'minhash';
import {
  DEFAULT_NUM_PERM,
  MinHashLSH,
  minhash,
  type Signature,
  signature,
  signatureToBase64,
  signatureToBytes,
} from '../../src/index.js';
import { RedisStorage } from '../../src/redis.js';
import { hasRedisServer, startRedis } from '../../test/redis-server.js';
import { documents, rng } from '../lib/corpus.js';
import type { BenchContext, Section, SectionResult } from '../lib/section.js';
import { num, type Table } from '../lib/table.js';

const require = createRequire(import.meta.url);
const { Minhash } = require('minhash') as typeof import('minhash');

// A full garbage collection on demand without restarting node with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function used(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Bytes per object (JS heap plus typed-array backing stores) of `count` objects made by `make`. */
function bytesPerObject<T>(count: number, make: (i: number) => T): number {
  const keep: T[] = new Array(count);
  const before = used();
  for (let i = 0; i < count; i++) keep[i] = make(i);
  const after = used();
  if (keep.length !== count) throw new Error('unreachable'); // keeps `keep` alive until measured
  return (after - before) / count;
}

const THRESHOLD = 0.8;

/**
 * Signatures of `count` documents of 615 shingles (a news article's worth) without making the
 * text: random shingle hashes, and every tenth document a copy of an earlier one with 5% of its
 * shingles replaced (Jaccard ≈ 0.9), so buckets are shared as in the LSH section's corpus.
 */
function indexSignatures(count: number): Signature[] {
  const next = rng(11);
  const kept: Uint32Array[] = [];
  const sigs: Signature[] = [];
  for (let i = 0; i < count; i++) {
    let hashes: Uint32Array;
    if (i % 10 === 9) {
      hashes = kept[Math.floor(next() * kept.length)]!.slice();
      for (let e = 0; e < hashes.length * 0.05; e++)
        hashes[Math.floor(next() * hashes.length)] = (next() * 2 ** 32) >>> 0;
    } else {
      hashes = new Uint32Array(615);
      for (let j = 0; j < hashes.length; j++) hashes[j] = (next() * 2 ** 32) >>> 0;
      if (kept.length < 2000) kept.push(hashes);
      else kept[Math.floor(next() * kept.length)] = hashes;
    }
    sigs.push(minhash({ k: 5, hashes }));
  }
  return sigs;
}

async function insertAll(index: MinHashLSH, sigs: readonly Signature[]): Promise<void> {
  for (let i = 0; i < sigs.length; i += 1000)
    await index.insertMany(
      sigs.slice(i, i + 1000).map((signature, k) => ({ key: `doc-${i + k}`, signature })),
    );
}

/** Redis's own count of its memory (INFO memory: used_memory, allocator rounding included). */
async function redisUsed(client: Redis): Promise<number> {
  return Number((await client.info('memory')).match(/used_memory:(\d+)/)![1]);
}

/** Bytes per document of an index on RedisStorage in a throwaway redis-server, or why not measured. */
async function redisBytes(sigs: readonly Signature[]): Promise<{ bytes: number; version: string } | string> {
  if (!hasRedisServer()) return 'no `redis-server` on the PATH';
  // Loaded only here, at the end of the suite: once ioredis is loaded, V8 runs string code such
  // as charCodeAt slower in the whole process (its `class VerbatimString extends String`), which
  // would slow every later measurement of tokenising and signing.
  const { Redis: Client } = await import('ioredis');
  const server = await startRedis();
  const client = new Client(server.url);
  try {
    const version = (await client.info('server')).match(/redis_version:(\S+)/)![1]!;
    const before = await redisUsed(client);
    await insertAll(
      new MinHashLSH({ threshold: THRESHOLD, storage: new RedisStorage({ client, prefix: 'bench' }) }),
      sigs,
    );
    return { bytes: ((await redisUsed(client)) - before) / sigs.length, version };
  } finally {
    await client.quit();
    await server.stop();
  }
}

export const memorySection: Section = {
  id: 'memory',
  title: 'Memory per stored signature and per indexed document',
  async run(ctx: BenchContext): Promise<SectionResult> {
    const count = ctx.quick ? 5000 : 50_000;
    const peerCount = ctx.quick ? 500 : 2000;
    ctx.log(`memory: ${count} signatures`);
    const texts = documents(50, 21);
    const prototypes = texts.map((t) => signature(t));
    // Fresh copies, as a store of signatures read back would hold them (values differ per document).
    const copy = (s: Signature): Signature => ({ ...s, values: s.values.slice() });
    const inMemory = bytesPerObject(count, (i) => copy(prototypes[i % prototypes.length]!));
    const packed = bytesPerObject(1, () => new Uint32Array(count * DEFAULT_NUM_PERM)) / count;
    const base64 = signatureToBase64(prototypes[0]!);
    // Each call builds a new flat string (not a slice or a rope sharing another string's memory).
    const base64Heap = bytesPerObject(count, (i) => signatureToBase64(prototypes[i % prototypes.length]!));
    const peerInMemory = bytesPerObject(peerCount, (i) => {
      const m: PeerMinhash = new Minhash({ numPerm: DEFAULT_NUM_PERM });
      m.update(`doc ${i}`);
      return m;
    });
    const serialised = signatureToBytes(prototypes[0]!).length;

    const indexCount = ctx.quick ? 10_000 : 100_000;
    ctx.log(`memory: an LSH index of ${num(indexCount)} documents`);
    const sigs = indexSignatures(indexCount);
    const before = used();
    const index = new MinHashLSH({ threshold: THRESHOLD });
    await insertAll(index, sigs);
    const indexInMemory = (used() - before) / indexCount;
    const snapshot = (await index.toBytes()).length / indexCount;
    ctx.log('memory: the same index on Redis');
    const redis = await redisBytes(sigs);
    const raw = 4 * DEFAULT_NUM_PERM + 4 * index.bands;
    const table: Table = {
      title: `Bytes per signature at ${DEFAULT_NUM_PERM} permutations (${num(count)} held; heap + array buffers after a full GC)`,
      columns: ['form', 'bytes per signature'],
      rows: [
        ['serialised: `signatureToBytes()`', String(serialised)],
        ['serialised: `signatureToBase64()` (characters)', String(base64.length)],
        ['in memory: base64 string', num(base64Heap)],
        ['in memory: `Signature` object (object + `Uint32Array` + buffer)', num(inMemory)],
        ['in memory: values only, packed in one `Uint32Array`', num(packed)],
        [`in memory: npm minhash \`Minhash\` object (${num(peerCount)} held)`, num(peerInMemory)],
      ],
    };
    const redisCell =
      typeof redis === 'string'
        ? `not measured (${redis}); bench/redis-memory.ts measured 962 at 100,000`
        : num(redis.bytes);
    const indexTable: Table = {
      title:
        `Bytes per document in an LSH index of ${num(indexCount)} documents (threshold ${THRESHOLD}: ` +
        `${index.bands} bands × ${index.rows} rows, keys \`doc-<n>\`)`,
      columns: ['where', 'bytes per document', '× raw'],
      rows: [
        [
          `raw: the signature (${4 * DEFAULT_NUM_PERM} B) and its ${index.bands} band keys`,
          String(raw),
          '1.00×',
        ],
        [
          'in memory: `MinHashLSH` on `MemoryStorage` (heap + array buffers after a full GC)',
          num(indexInMemory),
          `${(indexInMemory / raw).toFixed(2)}×`,
        ],
        [
          'snapshot: `toBytes()` (the file `saveIndex` writes)',
          num(snapshot),
          `${(snapshot / raw).toFixed(2)}×`,
        ],
        [
          `Redis: \`RedisStorage\` (growth of \`used_memory\`${typeof redis === 'string' ? '' : `, Redis ${redis.version}`})`,
          redisCell,
          typeof redis === 'string' ? '' : `${(redis.bytes / raw).toFixed(2)}×`,
        ],
      ],
    };
    return {
      tables: [table, indexTable],
      headlines: [
        `Memory: a 128-permutation signature serialises to ${serialised} bytes (${base64.length} base64 ` +
          `characters) and takes ${num(inMemory)} bytes in memory as a \`Signature\` object ` +
          `(npm minhash's \`Minhash\` object: ${num(peerInMemory)}).`,
        `Memory per indexed document (${num(indexCount)} documents): ${num(indexInMemory)} bytes in memory, ` +
          `${num(snapshot)} in a snapshot` +
          (typeof redis === 'string' ? '' : `, ${num(redis.bytes)} on Redis`) +
          ` (the signature and band keys alone: ${raw}).`,
      ],
      notes: [
        'In-memory sizes are measured, not computed: the growth of V8 heap plus array-buffer memory ' +
          '(`process.memoryUsage()`) after a full garbage collection, divided by the number of objects ' +
          'held. A `Signature` is a small object and a `Uint32Array` whose 512-byte store lives outside ' +
          'the heap; packing many signatures into one `Uint32Array` (as an index can) costs 4 bytes per ' +
          'permutation and nothing else. The npm package keeps its values in a plain array of numbers ' +
          'and gives every instance its own copies of the permutation parameters and of its methods.',
        'The index holds signatures made without text (615 random shingle hashes per document, every ' +
          'tenth a copy of an earlier one with 5% of them replaced, so some buckets are shared), inserted ' +
          'with `insertMany` in batches of 1,000. In memory, `MemoryStorage` keeps the values in pages of ' +
          'typed arrays and one open-addressing table per band; its arrays grow by doubling, so the ' +
          'figure depends a little on where the count falls between two sizes, and it includes the key ' +
          'strings and the key → slot map. A snapshot holds the parameters, the keys and the signature ' +
          'values; the band keys and tables are rebuilt when it is loaded. On Redis, the same signatures go into a throwaway ' +
          '`redis-server` (started for this and stopped after) through `RedisStorage`; ' +
          'docs/scaling-with-redis.md explains its layout, and bench/redis-memory.ts compares it with ' +
          'simpler ones.',
      ],
    };
  },
};

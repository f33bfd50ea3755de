// Redis memory per indexed document: RedisStorage's layout against two simpler ones, on the same
// signatures. Starts its own redis-server (Debian's package) on a free port, nothing saved.
//
//   npx esbuild bench/redis-memory.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=.bench/redis-memory.mjs && node .bench/redis-memory.mjs [sizes, default 10000,100000]
//
// Memory is Redis's own count (INFO memory used_memory, which includes allocator rounding) after
// the index is written, minus what it was on the empty server; keys by type come from MEMORY USAGE.
// The corpus: random-word documents of 200 words, every tenth an edited copy of an earlier one
// (Jaccard ≈ 0.9), keys "doc-<n>", signatures of 128 permutations, threshold 0.8 (14 bands × 9 rows).
// Layouts:
//   sets per bucket   a string key per entry (binary signature) and a Redis set of keys per bucket,
//                     as a straightforward port of datasketch's Redis storage would do
//   hash per band     the entries of RedisStorage, but one plain hash per band: band key → packed ids
//   RedisStorage      the entries, and buckets in listpack shards grown by linear hashing

import { Redis } from 'ioredis';
import { MinHashLSH, type Signature, signature } from '../src/index.js';
import { writeBandKeys } from '../src/lsh/bands.js';
import { RedisStorage } from '../src/redis.js';
import { startRedis } from '../test/redis-server.js';
import { randomWords, rng } from '../test/text-generators.js';

const sizes = (process.argv[2] ?? '10000,100000').split(',').map(Number);
const threshold = 0.8;

function corpus(count: number): { keys: string[]; sigs: Signature[] } {
  const next = rng(42);
  const kept: string[][] = [];
  const keys: string[] = [];
  const sigs: Signature[] = [];
  for (let i = 0; i < count; i++) {
    let w: string[];
    if (i % 10 === 9 && kept.length > 0) {
      w = kept[Math.floor(next() * kept.length)]!.slice();
      for (let e = 0; e < w.length * 0.01; e++) w[Math.floor(next() * w.length)] = randomWords(1, next)[0]!;
    } else w = randomWords(200, next);
    if (kept.length < 2000) kept.push(w);
    else kept[Math.floor(next() * kept.length)] = w;
    keys.push(`doc-${i}`);
    sigs.push(signature(w.join(' ')));
  }
  return { keys, sigs };
}

async function usedMemory(client: Redis): Promise<number> {
  const info = await client.info('memory');
  return Number(info.match(/used_memory:(\d+)/)![1]);
}

const le = (n: number) => {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

/** Band keys of every signature, and bucket → member indexes per band. */
function buckets(sigs: Signature[], bands: number, rows: number) {
  const bandKeys = new Uint32Array(sigs.length * bands);
  sigs.forEach((s, i) => {
    writeBandKeys(s.values, 0, bands, rows, bandKeys, i * bands);
  });
  const perBand = Array.from({ length: bands }, () => new Map<number, number[]>());
  for (let i = 0; i < sigs.length; i++)
    for (let j = 0; j < bands; j++) {
      const m = perBand[j]!;
      const k = bandKeys[i * bands + j]!;
      const list = m.get(k);
      if (list) list.push(i);
      else m.set(k, [i]);
    }
  return { bandKeys, perBand };
}

async function flushPipeline(client: Redis, commands: (string | Buffer)[][]): Promise<void> {
  for (let i = 0; i < commands.length; i += 5000) {
    const p = client.pipeline();
    for (const c of commands.slice(i, i + 5000)) p.call(c[0] as string, ...c.slice(1));
    await p.exec();
  }
}

async function setsPerBucket(client: Redis, keys: string[], sigs: Signature[], bands: number, rows: number) {
  const { perBand } = buckets(sigs, bands, rows);
  const cmds: (string | Buffer)[][] = [];
  sigs.forEach((s, i) => {
    cmds.push([
      'SET',
      `s:e:${keys[i]}`,
      Buffer.from(s.values.buffer, s.values.byteOffset, s.values.byteLength),
    ]);
  });
  perBand.forEach((m, j) => {
    for (const [k, members] of m) cmds.push(['SADD', `s:b:${j}:${k}`, ...members.map((i) => keys[i]!)]);
  });
  await flushPipeline(client, cmds);
}

async function hashPerBand(client: Redis, keys: string[], sigs: Signature[], bands: number, rows: number) {
  const { bandKeys, perBand } = buckets(sigs, bands, rows);
  const cmds: (string | Buffer)[][] = [];
  sigs.forEach((s, i) => {
    const id = le(i + 1);
    const key = Buffer.from(keys[i]!);
    const bk = Buffer.from(bandKeys.buffer, i * bands * 4, bands * 4);
    cmds.push(['HSET', 'h:id', key, id]);
    cmds.push(['HSET', 'h:e', id, Buffer.concat([bk, Buffer.from(s.values.buffer), key])]);
  });
  perBand.forEach((m, j) => {
    for (const [k, members] of m)
      cmds.push(['HSET', `h:b:${j}`, le(k), Buffer.concat(members.map((i) => le(i + 1)))]);
  });
  await flushPipeline(client, cmds);
}

async function redisStorage(client: Redis, keys: string[], sigs: Signature[]) {
  const lsh = new MinHashLSH({ threshold, storage: new RedisStorage({ client, prefix: 'r' }) });
  const t = performance.now();
  for (let i = 0; i < sigs.length; i += 1000)
    await lsh.insertMany(sigs.slice(i, i + 1000).map((signature, k) => ({ key: keys[i + k]!, signature })));
  return performance.now() - t;
}

/** MEMORY USAGE summed by kind of key (the part of the name after the prefix, digits dropped). */
async function byKind(client: Redis, pattern: string): Promise<Map<string, { keys: number; bytes: number }>> {
  const out = new Map<string, { keys: number; bytes: number }>();
  let cursor = '0';
  do {
    const [next, found] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    const p = client.pipeline();
    for (const k of found) p.call('MEMORY', 'USAGE', k, 'SAMPLES', '0');
    const sizes = (await p.exec())!.map(([, v]) => Number(v));
    found.forEach((k, i) => {
      const kind = k.replace(/^[a-z]+:/, '').replace(/:.*$/, '');
      const e = out.get(kind) ?? { keys: 0, bytes: 0 };
      e.keys++;
      e.bytes += sizes[i]!;
      out.set(kind, e);
    });
  } while (cursor !== '0');
  return out;
}

const server = await startRedis();
const client = new Redis(server.url);
try {
  const probe = new MinHashLSH({ threshold });
  const { bands, rows, numPerm } = probe;
  const raw = numPerm * 4;
  const rawWithBands = raw + bands * 4;
  console.log(
    `redis-server ${(await client.info('server')).match(/redis_version:(\S+)/)![1]}; ` +
      `numPerm ${numPerm}, threshold ${threshold}: ${bands} bands × ${rows} rows; ` +
      `raw signature ${raw} B, with band keys ${rawWithBands} B per document`,
  );
  console.log('\n| documents | layout | used_memory | per document | × raw signature + band keys |');
  console.log('|---:|---|---:|---:|---:|');
  for (const count of sizes) {
    const { keys, sigs } = corpus(count);
    const layouts: [string, () => Promise<unknown>][] = [
      ['sets per bucket', () => setsPerBucket(client, keys, sigs, bands, rows)],
      ['hash per band', () => hashPerBand(client, keys, sigs, bands, rows)],
      ['RedisStorage', () => redisStorage(client, keys, sigs)],
    ];
    for (const [name, write] of layouts) {
      await client.flushall();
      const before = await usedMemory(client);
      const ms = await write();
      const bytes = (await usedMemory(client)) - before;
      const per = bytes / count;
      console.log(
        `| ${count.toLocaleString('en-US')} | ${name} | ${(bytes / 1024 / 1024).toFixed(1)} MB | ` +
          `${per.toFixed(0)} B | ${(per / rawWithBands).toFixed(2)}× |`,
      );
      if (name === 'RedisStorage') {
        const kinds = await byKind(client, 'r:*');
        const meta = await client.hgetall('r:meta');
        const parts = [...kinds].map(
          ([k, v]) => `${k}: ${v.keys} keys, ${(v.bytes / count).toFixed(0)} B/doc`,
        );
        console.error(
          `  ${count} docs: ${parts.join('; ')}; meta ${JSON.stringify(meta)}; insert ${((ms as number) / 1000).toFixed(1)} s`,
        );
      }
    }
  }
} finally {
  await client.quit();
  await server.stop();
}

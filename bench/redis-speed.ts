// Throughput of MinHashLSH on RedisStorage against the in-memory default, on the same signatures,
// and how long Redis spends in each script call (INFO commandstats). Starts its own redis-server.
//
//   npx esbuild bench/redis-speed.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=.bench/redis-speed.mjs && node .bench/redis-speed.mjs [documents, default 20000]
//
// Documents: 200 random words each, so buckets are mostly singletons; batches of 1,000.

import { Redis } from 'ioredis';
import { MinHashLSH, signature } from '../src/index.js';
import { RedisStorage } from '../src/redis.js';
import { startRedis } from '../test/redis-server.js';
import { randomWords, rng } from '../test/text-generators.js';

const count = Number(process.argv[2] ?? 20_000);
const server = await startRedis();
const client = new Redis(server.url);

/** Mean microseconds Redis spent per EVALSHA since the last reset. */
async function scriptTime(): Promise<string> {
  const line = (await client.info('commandstats')).split('\n').find((l) => l.startsWith('cmdstat_evalsha:'));
  const perCall = Number(line?.match(/usec_per_call=([\d.]+)/)?.[1] ?? 0);
  const calls = Number(line?.match(/calls=(\d+)/)?.[1] ?? 0);
  return `${calls} script calls, ${(perCall / 1000).toFixed(1)} ms each in Redis`;
}

try {
  const next = rng(1);
  const docs = Array.from({ length: count }, (_, i) => ({
    key: `doc-${i}`,
    signature: signature(randomWords(200, next).join(' ')),
  }));
  const indexes = [
    [
      'RedisStorage',
      new MinHashLSH({ threshold: 0.8, storage: new RedisStorage({ client, prefix: 'speed' }) }),
    ],
    ['MemoryStorage', new MinHashLSH({ threshold: 0.8 })],
  ] as const;
  for (const [name, lsh] of indexes) {
    await lsh.ready();
    await client.config('RESETSTAT');
    let t = performance.now();
    for (let i = 0; i < count; i += 1000) await lsh.insertMany(docs.slice(i, i + 1000), { ifExists: 'skip' });
    const insertRate = count / ((performance.now() - t) / 1000);
    const insertScripts = await scriptTime();
    await client.config('RESETSTAT');
    t = performance.now();
    for (let i = 0; i < count; i += 1000)
      await lsh.queryMany(docs.slice(i, i + 1000).map((d) => d.signature));
    const queryRate = count / ((performance.now() - t) / 1000);
    const queryScripts = await scriptTime();
    t = performance.now();
    for (let i = 0; i < 1000; i++) await lsh.query(docs[(i * 7919) % count]!.signature);
    const single = (performance.now() - t) / 1000;
    console.log(
      `${name}: insertMany ${Math.round(insertRate)} documents/s, queryMany ${Math.round(queryRate)} queries/s, ` +
        `one query ${single.toFixed(3)} ms`,
    );
    if (name === 'RedisStorage') console.log(`  insert: ${insertScripts}; queryMany: ${queryScripts}`);
  }
} finally {
  await client.quit();
  await server.stop();
}

// The corpus commands (dedup, index, query) on generated corpora with planted near-duplicates,
// in process through main(); with Redis, against a real redis-server, including a crash of the
// server in the middle of an ingest and the resumed run.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { dedup } from '../src/index.js';
import { RedisStorage } from '../src/redis.js';
import { hasRedisServer, INSTALL_HINT, startRedis, type TestRedis } from './redis-server.js';
import { randomWords, rng } from './text-generators.js';

const dir = mkdtempSync(join(tmpdir(), 'neardup-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `count` documents of 120 random words; every 10th has a near-copy with one word changed (Jaccard ≈ 0.92). */
function corpus(count: number, seed: number): { id: string; text: string }[] {
  const next = rng(seed);
  const docs: { id: string; text: string }[] = [];
  for (let i = 0; docs.length < count; i++) {
    const words = randomWords(120, next);
    docs.push({ id: `doc-${i}`, text: words.join(' ') });
    if (i % 10 === 0 && docs.length < count) {
      words[60] = 'edited';
      docs.push({ id: `doc-${i}-copy`, text: words.join(' ') });
    }
  }
  return docs;
}

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const jsonl = (name: string, lines: string[]) => {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
};
const parseLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('neardup dedup', () => {
  const docs = corpus(200, 1);
  const file = jsonl(
    'docs.jsonl',
    docs.map((d) => JSON.stringify(d)),
  );

  it('prints the same clusters as the library, one JSON line each', async () => {
    const r = await run('dedup', file, '-q');
    expect(r.code).toBe(0);
    const clusters = parseLines(r.stdout);
    const expected = (await dedup(docs)).clusters;
    expect(clusters).toEqual(JSON.parse(JSON.stringify(expected)));
    // Every planted copy is found with its original, and nothing else is clustered.
    expect(clusters.map((c: { keys: string[] }) => c.keys)).toEqual(
      docs
        .filter((d) => d.id.endsWith('-copy'))
        .map((d) => [d.id.replace('-copy', ''), d.id])
        .sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
    );
  });

  it('reads a directory of .txt files, ids being their paths, and writes --out', async () => {
    const folder = join(dir, 'folder');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    for (const d of docs.slice(0, 30))
      writeFileSync(join(folder, d.id.endsWith('copy') ? 'sub' : '', `${d.id}.txt`), d.text);
    writeFileSync(join(folder, 'notes.md'), 'not a text file of the corpus');
    const out = join(dir, 'clusters.jsonl');
    const r = await run('dedup', folder, '--out', out, '--threshold', '0.7');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^neardup: 30 documents \(0 already indexed\), 3 clusters, 3 pairs\n$/);
    const keys = parseLines(readFileSync(out, 'utf8')).map((c: { keys: string[] }) => c.keys);
    expect(keys[0]).toEqual([join(folder, 'doc-0.txt'), join(folder, 'sub', 'doc-0-copy.txt')]);
  });

  it('stops at a bad JSONL line, naming it, after processing the lines before it', async () => {
    const lines = docs.slice(0, 20).map((d) => JSON.stringify(d));
    lines.splice(5, 0, '{"id": "x", "text": 42}');
    lines.splice(9, 0, 'not json');
    const bad = jsonl('bad.jsonl', lines);
    const fatal = await run('dedup', bad, '-q');
    expect(fatal.code).toBe(1);
    expect(fatal.stdout).toBe('');
    expect(fatal.stderr).toMatch(
      /^neardup: .*bad\.jsonl:6: "text" must be a string, got 42 \(the documents before it/,
    );
    const skipped = await run('dedup', bad, '--skip-bad-lines', '-q');
    expect(skipped.code).toBe(0);
    expect(skipped.stderr.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/skipped .*bad\.jsonl:6: "text" must be a string/),
      expect.stringMatching(/skipped .*bad\.jsonl:10: not valid JSON/),
    ]);
    expect(parseLines(skipped.stdout).map((c: { keys: string[] }) => c.keys)).toEqual([
      ['doc-0', 'doc-0-copy'],
      ['doc-10', 'doc-10-copy'],
    ]);
  });

  it.each([
    [['dedup'], /give at least one directory, \.txt or \.jsonl file/, 2],
    [['dedup', join(dir, 'missing.jsonl')], /missing\.jsonl: no such file or directory/, 1],
    [
      ['dedup', join(dir, 'docs.jsonl'), '--threshold', '1.5'],
      /--threshold must be a number in \(0, 1\], got "1\.5"/,
      2,
    ],
    [
      ['dedup', join(dir, 'docs.jsonl'), '--prefix', 'p'],
      /--prefix names an index in Redis: give --redis too/,
      2,
    ],
    [['dedup', join(dir, 'docs.jsonl'), '--batch', '0'], /--batch must be a whole number ≥ 1, got "0"/, 2],
    [['index', join(dir, 'docs.jsonl')], /index needs exactly one of --out FILE or --redis URL/, 2],
    [
      ['query', join(dir, 'docs.jsonl'), '--index', join(dir, 'none.ndlx')],
      /none\.ndlx: no such index file/,
      1,
    ],
  ])('rejects %j with one line and its exit code', async (args, message, code) => {
    const r = await run(...(args as string[]));
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.code).toBe(code);
  });
});

describe('neardup index and query', () => {
  it('builds a snapshot, extends it without duplicates, and finds the near-copies of new documents', async () => {
    const docs = corpus(100, 2);
    const first = jsonl(
      'first.jsonl',
      docs.slice(0, 60).map((d) => JSON.stringify(d)),
    );
    const all = jsonl(
      'all.jsonl',
      docs.map((d) => JSON.stringify(d)),
    );
    const snapshot = join(dir, 'corpus.ndlx');
    expect((await run('index', first, '--out', snapshot, '-q')).stdout).toBe(
      `indexed 60 new documents of 60 read (0 already there); ${snapshot} holds 60\n`,
    );
    expect((await run('index', all, '--out', snapshot, '-q')).stdout).toBe(
      `indexed 40 new documents of 100 read (60 already there); ${snapshot} holds 100\n`,
    );
    // A document not in the index, edited from an indexed one, finds it.
    const original = docs.find((d) => d.id === 'doc-30')!;
    const words = original.text.split(' ');
    words[3] = 'changed';
    const probe = join(dir, 'probe.txt');
    writeFileSync(probe, words.join(' '));
    const r = await run('query', probe, '--index', snapshot, '--limit', '5');
    expect(r.code).toBe(0);
    const [answer] = parseLines(r.stdout);
    expect(answer.id).toBe(probe);
    expect(answer.matches.map((m: { key: string }) => m.key).sort()).toEqual(['doc-30', 'doc-30-copy']);
    for (const m of answer.matches) expect(m.score).toBeGreaterThanOrEqual(0.8);
    // Parameters are the snapshot's: asking for others is an error that names both.
    const other = await run('query', probe, '--index', snapshot, '--perms', '64');
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/numPerm/);
  });
});

const available = hasRedisServer();
const inCI = process.env.CI === 'true';

describe.skipIf(!available && !inCI)('neardup with --redis (needs redis-server)', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    if (!available)
      throw new Error(`redis-server is not installed and CI=true requires these tests: ${INSTALL_HINT}`);
    redis = await startRedis({ persist: true });
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('resumes an ingest after Redis was killed mid-way: no duplicate entries, the same clusters', async () => {
    const docs = corpus(3000, 3);
    const file = jsonl(
      'redis.jsonl',
      docs.map((d) => JSON.stringify(d)),
    );
    const uninterrupted = await run('dedup', file, '-q');
    expect(uninterrupted.code).toBe(0);
    const args = ['dedup', file, '--redis', redis.url, '--prefix', 'crash', '--batch', '100', '-q'];

    // Kill the server once part of the corpus is indexed.
    const watcher = new RedisStorage({ url: redis.url, prefix: 'crash', redis: { maxRetriesPerRequest: 0 } });
    const interrupted = run(...args);
    for (let size = 0; size < 500; size = await watcher.size()) await new Promise((r) => setTimeout(r, 5));
    await redis.kill();
    await watcher.close().catch(() => {});
    const failed = await interrupted;
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(
      /^neardup: Redis redis:\/\/127\.0\.0\.1:\d+ \(prefix "crash"\): .*run the same command again to resume\n$/,
    );

    // Restart on the same files and run the same command again.
    redis = await startRedis({ port: redis.port, dir: redis.dir, persist: true });
    const storage = new RedisStorage({ url: redis.url, prefix: 'crash' });
    const kept = await storage.size();
    expect(kept).toBeGreaterThanOrEqual(500);
    expect(kept).toBeLessThan(docs.length);
    const resumed = await run(...args);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toBe(uninterrupted.stdout);
    expect(await storage.size()).toBe(docs.length);
    const keys: string[] = [];
    for await (const page of storage.keys(1000)) keys.push(...page);
    expect(new Set(keys).size).toBe(docs.length);
    await storage.close();
  });

  it('shares one index between runs: a second dedup finds every document already indexed', async () => {
    const docs = corpus(300, 4);
    const file = jsonl(
      'shared.jsonl',
      docs.map((d) => JSON.stringify(d)),
    );
    const args = ['dedup', file, '--redis', redis.url, '--prefix', 'shared'];
    const first = await run(...args);
    const second = await run(...args);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toMatch(/300 documents \(300 already indexed\)/);
    const query = await run('query', file, '--redis', redis.url, '--prefix', 'shared', '--limit', '1');
    expect(
      parseLines(query.stdout).every(
        (q: { id: string; matches: { key: string }[] }) => q.matches[0]!.key === q.id,
      ),
    ).toBe(true);
  });
});

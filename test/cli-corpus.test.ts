// The corpus commands (dedup, index, query) on generated corpora with planted near-duplicates,
// in process through main(); with Redis, against a real redis-server, including a crash of the
// server in the middle of an ingest and the resumed run.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startProgress } from '../src/cli/corpus.js';
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

  it('refuses an --out it could not write before reading any document', async () => {
    // A bad last line: reading the input through would end with its error instead.
    const lines = [...docs.slice(0, 10).map((d) => JSON.stringify(d)), 'not json'];
    const input = jsonl('out-check.jsonl', lines);
    for (const [out, why] of [
      [join(dir, 'no-such-dir', 'clusters.jsonl'), 'no such directory'],
      [dir, 'it is a directory'],
    ] as const) {
      const r = await run('dedup', input, '--out', out, '-q');
      expect(r).toEqual({ code: 1, stdout: '', stderr: `neardup: ${out}: cannot write (${why})\n` });
    }
  });

  it('stops at a bad JSONL line, naming it, and writes no clusters', async () => {
    const lines = docs.slice(0, 20).map((d) => JSON.stringify(d));
    lines.splice(5, 0, '{"id": "x", "text": 42}');
    lines.splice(9, 0, 'not json');
    const bad = jsonl('bad.jsonl', lines);
    const fatal = await run('dedup', bad, '-q');
    expect(fatal.code).toBe(1);
    expect(fatal.stdout).toBe('');
    expect(fatal.stderr).toMatch(
      /^neardup: .*bad\.jsonl:6: "text" must be a string, got 42 \(no clusters were written; --skip-bad-lines skips such lines\)\n$/,
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

describe('the documents of a corpus command', () => {
  const docs = corpus(20, 5);
  const lines = docs.map((d) => JSON.stringify(d));

  it('reads a JSONL file whose first line starts with a byte-order mark', async () => {
    const file = join(dir, 'bom.jsonl');
    writeFileSync(file, `\uFEFF${lines.join('\n')}\n`);
    const r = await run('dedup', file);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^neardup: 20 documents /);
    expect(parseLines(r.stdout)[0].keys).toEqual(['doc-0', 'doc-0-copy']);
  });

  it('reads a .txt file with a byte-order mark as its text, alone or in a directory', async () => {
    const folder = join(dir, 'bom-folder');
    mkdirSync(folder, { recursive: true });
    const a = join(folder, 'a.txt');
    const b = join(folder, 'b.txt');
    writeFileSync(a, `\uFEFF${docs[0]!.text}`);
    writeFileSync(b, docs[0]!.text);
    const pair = [{ keys: [a, b], pairs: [{ a, b, score: 1 }] }];
    for (const args of [[a, b], [folder]]) {
      const r = await run('dedup', ...args, '-q');
      expect(r.code).toBe(0);
      expect(parseLines(r.stdout)).toEqual(pair);
    }
  });

  it('takes an id repeated in the input for a bad line, naming both lines', async () => {
    const repeated = jsonl('repeated.jsonl', [
      ...lines.slice(0, 4),
      JSON.stringify({ id: 'doc-1', text: 'x' }),
    ]);
    const message =
      /repeated\.jsonl:5: id "doc-1" appears twice in the input \(first at .*repeated\.jsonl:3\)/;
    const fatal = await run('dedup', repeated, '-q');
    expect(fatal.code).toBe(1);
    expect(fatal.stderr).toMatch(message);
    const skipped = await run('dedup', repeated, '-q', '--skip-bad-lines');
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toMatch(new RegExp(`^neardup: skipped .*${message.source}\n$`));
    // A numeric id is its shortest string: 1.50 and "1.5" are the same id.
    const numbers = jsonl('numbers.jsonl', ['{"id": 1.50, "text": "a b"}', '{"id": "1.5", "text": "c d"}']);
    expect((await run('dedup', numbers)).stderr).toMatch(
      /numbers\.jsonl:2: id "1\.5" appears twice in the input \(first at .*numbers\.jsonl:1\)/,
    );
    // A .txt file given twice is its path twice.
    const txt = join(dir, 'twice.txt');
    writeFileSync(txt, 'some text');
    expect((await run('dedup', txt, txt)).stderr).toMatch(/twice\.txt: id ".*twice\.txt" appears twice/);
  });

  it('refuses an integer id too large to be read exactly, and an id UTF-8 cannot store', async () => {
    const file = jsonl('ids.jsonl', [
      '{"id": 12345678901234567891, "text": "a"}',
      '{"id": "\\ud800", "text": "b"}',
    ]);
    const r = await run('dedup', file, '--skip-bad-lines', '-q');
    expect(r.code).toBe(0);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/ids\.jsonl:1: "id" 12345678901234567000 is too large to be read exactly/),
      expect.stringMatching(/ids\.jsonl:2: "id" "\\ud800" has a lone UTF-16 surrogate/),
    ]);
  });

  it.each([
    ['the same batch', '10'],
    ['a later batch', '2'],
  ])('index: an id repeated in %s is a bad line; the documents before it are saved', async (_, batch) => {
    const repeated = jsonl('index-repeated.jsonl', [...lines.slice(0, 4), lines[1]!, ...lines.slice(4, 6)]);
    const out = join(dir, `repeated-${batch}.ndlx`);
    const fatal = await run('index', repeated, '--out', out, '--batch', batch, '-q');
    expect(fatal.code).toBe(1);
    expect(fatal.stdout).toBe('');
    expect(fatal.stderr).toMatch(
      /^neardup: .*index-repeated\.jsonl:5: id "doc-0-copy" appears twice in the input \(first at .*index-repeated\.jsonl:2\) \(the documents before it are kept: indexed 4 new documents of 4 read .* holds 4; fix the line and run the same command again to resume; --skip-bad-lines skips such lines\)\n$/,
    );
    const { loadIndex } = await import('../src/node.js');
    expect(await (await loadIndex(out)).size()).toBe(4);
    const skipped = await run('index', repeated, '--out', out, '--batch', batch, '-q', '--skip-bad-lines');
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toMatch(/skipped .*index-repeated\.jsonl:5: id "doc-0-copy" appears twice/);
    expect(skipped.stdout).toBe(`indexed 2 new documents of 6 read (4 already there); ${out} holds 6\n`);
  });

  it('index: an unreadable .txt file keeps the documents before it', async () => {
    const good = join(dir, 'good.txt');
    const bad = join(dir, 'bad.txt');
    writeFileSync(good, docs[0]!.text);
    writeFileSync(bad, Buffer.from([0x61, 0xff]));
    const out = join(dir, 'unreadable.ndlx');
    const r = await run('index', good, bad, '--out', out, '-q');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^neardup: .*bad\.txt: not valid UTF-8 \(byte offset 1\); the documents indexed so far are kept\n$/,
    );
    const { loadIndex } = await import('../src/node.js');
    expect(await (await loadIndex(out)).size()).toBe(1);
  });

  it('index: a document already indexed with another text is an error naming its line', async () => {
    const out = join(dir, 'changed.ndlx');
    await run('index', jsonl('before.jsonl', lines.slice(0, 3)), '--out', out, '-q');
    const changed = jsonl('changed.jsonl', [
      lines[0]!,
      JSON.stringify({ id: docs[1]!.id, text: 'new text' }),
    ]);
    const r = await run('index', changed, '--out', out, '-q');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^neardup: .*changed\.jsonl:2: document "doc-0-copy" is already in the index with a different signature .*; the documents indexed so far are kept\n$/,
    );
  });

  it('query: writes the results of the documents before a bad line, a batch at a time', async () => {
    const snapshot = join(dir, 'query-bad.ndlx');
    await run('index', jsonl('query-all.jsonl', lines), '--out', snapshot, '-q');
    const bad = jsonl('query-bad.jsonl', [...lines.slice(0, 5), 'not json', ...lines.slice(5)]);
    const { MinHashLSH } = await import('../src/index.js');
    const spy = vi.spyOn(MinHashLSH.prototype, 'queryMany');
    const written: string[] = [];
    const progress = new Writable({
      write(chunk, _encoding, done) {
        written.push(String(chunk));
        done();
      },
    });
    let stdout = '';
    let stderr = '';
    const code = await main(['query', bad, '--index', snapshot, '--batch', '2'], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      progress,
    });
    const batches = spy.mock.calls.length;
    spy.mockRestore();
    expect(code).toBe(1);
    expect(parseLines(stdout).map((q: { id: string }) => q.id)).toEqual(docs.slice(0, 5).map((d) => d.id));
    expect(stderr).toMatch(
      /^neardup: .*query-bad\.jsonl:6: not valid JSON .*\(the results of the 5 documents before it were written; --skip-bad-lines skips such lines\)\n$/,
    );
    expect(batches).toBe(3); // batches of 2, 2 and 1
    expect(written.join('')).toMatch(/5 documents \| \d+ docs\/s/);
  });
});

describe('flags the index refuses', () => {
  const file = join(dir, 'docs.jsonl');
  const snapshot = join(dir, 'flags.ndlx');
  beforeAll(async () => {
    await run('index', file, '--out', snapshot, '-q');
  });
  const bad = [
    ['--perms', '0', /--perms must be an integer in 1\.\.65535, got "0"/],
    ['--perms', '70000', /--perms must be an integer in 1\.\.65535, got "70000"/],
    ['--shingle', '0', /--shingle must be an integer in 1\.\.65535, got "0"/],
    ['--seed', '99999999999', /--seed must be an integer in 0\.\.4294967295, got "99999999999"/],
    ['--threshold', '0', /--threshold must be a number in \(0, 1\], got "0"/],
  ] as const;
  const commands = [
    ['dedup', []],
    ['index', ['--out', join(dir, 'new.ndlx')]],
    ['index', ['--out', snapshot]],
    ['query', ['--index', snapshot]],
    ['dedup', ['--redis', 'redis://127.0.0.1:1']],
    ['index', ['--redis', 'redis://127.0.0.1:1']],
    ['query', ['--redis', 'redis://127.0.0.1:1']],
  ] as const;
  it.each(
    commands.flatMap(([command, extra]) =>
      bad.map(([flag, value, message]) => [command, [...extra, flag, value], message] as const),
    ),
  )('%s %j: a one-line usage error', async (command, args, message) => {
    const r = await run(command, file, ...args, '-q');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.code).toBe(2);
  });
});

describe('without the ioredis package', () => {
  afterAll(() => {
    vi.doUnmock('ioredis');
  });
  it('--redis says to install it, in one line', async () => {
    vi.doMock('ioredis', () => {
      throw Object.assign(new Error("Cannot find package 'ioredis'"), { code: 'ERR_MODULE_NOT_FOUND' });
    });
    const r = await run('dedup', join(dir, 'docs.jsonl'), '--redis', 'redis://127.0.0.1:1', '-q');
    expect(r.stderr).toBe('neardup: --redis needs the ioredis package: npm install ioredis\n');
    expect(r.code).toBe(1);
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

describe('the progress bar', () => {
  it("leaves the terminal's cursor and line wrapping alone, which a Ctrl-C could not restore", () => {
    let written = '';
    const terminal = Object.assign(
      new Writable({
        write(chunk, _encoding, done) {
          written += String(chunk);
          done();
        },
      }),
      { isTTY: true, columns: 80, cursorTo() {}, clearLine() {}, moveCursor() {} },
    );
    const progress = startProgress(terminal, 1000, false, true);
    progress.update(500, { pairs: 3 });
    progress.stop();
    expect(written).toContain('500/1000 documents');
    // Hiding the cursor (?25l) or turning off wrapping (?7l): only stop() would turn them back on.
    const esc = String.fromCharCode(0x1b);
    expect(written).not.toMatch(new RegExp(`${esc}\\[\\?(25|7)l`));
    // Instead, each line of the bar is cut to the terminal's width.
    for (const line of written.split(new RegExp(`\\r|\\n|${esc}\\[\\d*[GK]|${esc}7`)))
      expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe('neardup index --out, one writer at a time', () => {
  const docs = corpus(40, 5);
  const first = jsonl(
    'lock-first.jsonl',
    docs.slice(0, 20).map((d) => JSON.stringify(d)),
  );
  const second = jsonl(
    'lock-second.jsonl',
    docs.slice(20).map((d) => JSON.stringify(d)),
  );

  it('refuses a snapshot another running process is extending, which would overwrite its documents', async () => {
    const snapshot = join(dir, 'locked.ndlx');
    expect((await run('index', first, '--out', snapshot, '-q')).code).toBe(0);
    const before = readFileSync(snapshot);
    // What a concurrent `neardup index --out` holds while it works: a lock naming a live process.
    writeFileSync(`${snapshot}.lock`, `${process.pid}\n`);
    const r = await run('index', second, '--out', snapshot, '-q');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `neardup: ${snapshot} is being extended by another neardup process (pid ${process.pid}): wait for ` +
        `it to finish (several writers at once need --redis); if none runs, delete ${snapshot}.lock\n`,
    );
    expect(readFileSync(snapshot).equals(before)).toBe(true);
    // Queries only read the snapshot: the lock does not stop them.
    expect((await run('query', first, '--index', snapshot, '-q')).code).toBe(0);
    rmSync(`${snapshot}.lock`);
    const r2 = await run('index', second, '--out', snapshot, '-q');
    expect(r2.stdout).toBe(`indexed 20 new documents of 20 read (0 already there); ${snapshot} holds 40\n`);
    expect(existsSync(`${snapshot}.lock`)).toBe(false);
  });

  it('takes over a lock left by a process that was killed', async () => {
    const snapshot = join(dir, 'stale.ndlx');
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.on('exit', resolve));
    writeFileSync(`${snapshot}.lock`, `${gone.pid}\n`);
    const r = await run('index', first, '--out', snapshot, '-q');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`indexed 20 new documents of 20 read (0 already there); ${snapshot} holds 20\n`);
    expect(existsSync(`${snapshot}.lock`)).toBe(false);
  });
});

describe('neardup index --out, interrupted (the built dist/cli.js)', () => {
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

  /** Runs the built CLI; calls `onStderr` with its stderr so far as it grows. */
  function spawnCli(args: string[], onStderr?: (text: string, child: ChildProcess) => void) {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr, child);
    });
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.on('close', (code) => resolve({ code, stdout, stderr })),
    );
  }

  const total = 40_000;
  /** A JSONL file of `total` documents of 40 random words, long enough to interrupt. */
  function bigCorpus(name: string, seed: number): string {
    const next = rng(seed);
    const lines: string[] = [];
    for (let i = 0; i < total; i++)
      lines.push(JSON.stringify({ id: `doc-${i}`, text: randomWords(40, next).join(' ') }));
    return jsonl(name, lines);
  }

  /** Runs the built CLI and sends it SIGINT 100 ms after its first output on stderr. */
  function interruptCli(args: string[]) {
    // The progress bar's first line comes once the index is open and the signal handler is set.
    let sent = false;
    return spawnCli(args, (_, child) => {
      if (sent) return;
      sent = true;
      setTimeout(() => child.kill('SIGINT'), 100);
    });
  }

  it('saves what it indexed on Ctrl-C; running it again ends with the index of an uninterrupted run', async () => {
    const file = bigCorpus('interrupt.jsonl', 7);
    const out = join(dir, 'interrupted.ndlx');
    const args = ['index', file, '--out', out, '--batch', '500'];
    const interrupted = await interruptCli(args);
    expect(interrupted.code).toBe(130);
    expect(interrupted.stdout).toBe('');
    const saved =
      /neardup: interrupted: indexed (\d+) new documents of \1 read \(0 already there\); .* holds \1; run the same command again to resume\n$/.exec(
        interrupted.stderr,
      );
    expect(saved, interrupted.stderr).not.toBeNull();
    const kept = Number(saved![1]);
    expect(kept).toBeGreaterThanOrEqual(500); // whole batches: the first is always finished
    expect(kept).toBeLessThan(total);
    const { loadIndex } = await import('../src/node.js');
    expect(await (await loadIndex(out)).size()).toBe(kept);

    const resumed = await spawnCli([...args, '-q']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toBe(
      `indexed ${total - kept} new documents of ${total} read (${kept} already there); ${out} holds ${total}\n`,
    );
    const whole = join(dir, 'uninterrupted.ndlx');
    expect((await run('index', file, '--out', whole, '-q')).code).toBe(0);
    expect(readFileSync(out).equals(readFileSync(whole))).toBe(true);
  }, 60_000);

  it('dedup stops reading on Ctrl-C and says that no clusters were written', async () => {
    const file = bigCorpus('interrupt-dedup.jsonl', 8);
    const out = join(dir, 'interrupted-clusters.jsonl');
    const r = await interruptCli(['dedup', file, '--out', out, '--batch', '500']);
    expect(r.code).toBe(130);
    expect(r.stdout).toBe('');
    const said = /neardup: interrupted after (\d+) documents; no clusters were written\n$/.exec(r.stderr);
    expect(said, r.stderr).not.toBeNull();
    expect(Number(said![1])).toBeLessThan(total);
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});

const available = hasRedisServer();
const inCI = process.env.CI === 'true';
if (!available && !inCI)
  console.warn(`Skipping the CLI's Redis tests: redis-server is not installed; ${INSTALL_HINT}.`);

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

  it('query never creates an index: a prefix without one is a one-line error', async () => {
    const r = await run('query', join(dir, 'docs.jsonl'), '--redis', redis.url, '--prefix', 'typo');
    expect(r.stderr).toMatch(/^neardup: Redis redis:\/\/127\.0\.0\.1:\d+ \(prefix "typo"\): no index there/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const storage = new RedisStorage({ url: redis.url, prefix: 'typo' });
    expect(await storage.readParams()).toBeUndefined();
    await storage.close();
  });

  it('dedup: a document indexed earlier with another text is an error naming its line', async () => {
    const docs = corpus(5, 6);
    const args = ['--redis', redis.url, '--prefix', 'changed', '-q'];
    expect(
      (
        await run(
          'dedup',
          jsonl(
            'changed-1.jsonl',
            docs.map((d) => JSON.stringify(d)),
          ),
          ...args,
        )
      ).code,
    ).toBe(0);
    const changed = jsonl('changed-2.jsonl', [
      JSON.stringify(docs[0]),
      JSON.stringify({ id: docs[2]!.id, text: 'new' }),
    ]);
    const r = await run('dedup', changed, ...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^neardup: .*changed-2\.jsonl:2: Redis .*: document "doc-1" is already in the index with a different signature .*; the documents indexed so far are kept\n$/,
    );
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

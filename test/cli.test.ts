// The CLI, in process through main() (so coverage sees it) and as users run it: the built
// dist/cli.js in a child process (npm test builds first).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli.js');
const seedA = join(root, 'seeds/kim-warm-feelings.txt');
const seedB = join(root, 'seeds/putin-kim-thursday.txt');
const checker = join(root, '../shared/tools/check-report.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'neardup-cli-'));

/** The built CLI in a child process. */
function spawn(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
/** The CLI's main() in this process. */
async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}
function file(name: string, content: string | Uint8Array) {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

describe('neardup compare', () => {
  it('prints the seeds comparison as text', () => {
    const r = spawn('compare', seedA, seedB);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Passages shared verbatim (≥ 8 words): 13');
    expect(r.stdout).toContain('#1  8 words   A 3:1-3:56   B 3:1-3:56');
    expect(r.stdout).toMatch(/Paragraphs paired: 10 \(6 identical, 4 near, 1 moved\)/);
  });

  it('writes a JSON report whose every range and text is consistent', () => {
    const r = spawn('compare', seedA, seedB, '--format', 'json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.schema).toBe('neardup.report/1');
    const kinds = report.passages.map((p: { kind: string }) => p.kind);
    expect([
      kinds.filter((k: string) => k === 'verbatim').length,
      kinds.filter((k: string) => k === 'near').length,
    ]).toEqual([13, 4]);
    const a = readFileSync(seedA, 'utf8');
    for (const p of report.passages) expect(a.slice(p.a.start, p.a.end)).toBe(p.text);
    if (existsSync(checker)) {
      const check = spawnSync(process.execPath, [checker, file('seeds.json', r.stdout), seedA, seedB], {
        encoding: 'utf8',
      });
      expect(check.stdout).toContain('ok: 17 passages');
      expect(check.status).toBe(0);
    }
  });

  it('takes --mode: verbatim reports exact runs only, near adds edited passages', async () => {
    const verbatim = JSON.parse(
      (await run('compare', seedA, seedB, '--format', 'json', '--mode', 'verbatim')).stdout,
    );
    expect(verbatim.options.mode).toBe('verbatim');
    expect(verbatim.passages.map((p: { kind: string }) => p.kind)).toEqual(Array(13).fill('verbatim'));
    const text = (await run('compare', seedA, seedB, '--mode', 'near')).stdout;
    expect(text).toContain('Passages shared with edits: 4');
    expect(text).toContain('[-tensions-]{+issue+}');
    expect(text).toContain('[-Kremlin adviser Yuri-]{+Mr+} Ushakov said');
  });

  it('passes its options to the library', async () => {
    const r = await run(
      'compare',
      seedA,
      seedB,
      '--format',
      'json',
      '--min-words',
      '12',
      '--shingle',
      '3',
      '--perms',
      '64',
    );
    const report = JSON.parse(r.stdout);
    expect(report.options).toMatchObject({ minWords: 12, shingleSize: 3, numPerm: 64 });
    expect(report.passages.every((p: { words: number }) => p.words >= 12)).toBe(true);
  });

  it('keeps a byte-order mark so offsets match what other tools read', async () => {
    const bom = file('bom.txt', `\uFEFF${readFileSync(seedA, 'utf8')}`);
    const r = await run('compare', bom, seedB, '--format', 'json');
    const first = JSON.parse(r.stdout).passages[0];
    expect(first.a.start).toBe(readFileSync(bom, 'utf8').indexOf("Russia's president"));
  });

  it('gives a valid report with nothing shared for an empty file', async () => {
    const r = await run('compare', file('empty.txt', ''), seedB, '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ passages: [], paragraphs: [], coverage: { a: 0, b: 0 } });
  });

  it.each([
    ['a missing file', () => [join(tmp, 'missing.txt'), seedB], /missing\.txt: no such file$/],
    ['a directory', () => [tmp, seedB], /: is a directory, expected a text file$/],
    [
      'a binary file',
      () => [seedA, file('bin.dat', Uint8Array.of(0x47, 0x49, 0x46, 0, 1))],
      /bin\.dat: looks binary \(NUL byte at offset 3\)/,
    ],
    [
      'a NUL byte far into a large file (read as a stream, the offset counts across chunks)',
      () => [seedA, file('late-nul.txt', new Uint8Array(300_000).fill(0x61).fill(0, 200_001, 200_002))],
      /late-nul\.txt: looks binary \(NUL byte at offset 200001\)/,
    ],
    // An endless device: the first chunk's NUL stops the read (it used to read until memory ran out).
    ['/dev/zero', () => ['/dev/zero', seedB], /\/dev\/zero: looks binary \(NUL byte at offset 0\)/],
    [
      'UTF-16 (little-endian, with its byte-order mark)',
      () => [seedA, file('utf16.txt', Uint8Array.of(0xff, 0xfe, 0x68, 0x00, 0x69, 0x00))],
      /utf16\.txt: looks like UTF-16 \(byte-order mark\), expected UTF-8 text; convert it first$/,
    ],
    [
      'UTF-16 (big-endian)',
      () => [seedA, file('utf16be.txt', Uint8Array.of(0xfe, 0xff, 0x00, 0x68, 0x00, 0x69))],
      /utf16be\.txt: looks like UTF-16/,
    ],
    [
      'invalid UTF-8',
      () => [seedA, file('latin1.txt', Uint8Array.of(0x63, 0x61, 0x66, 0xe9, 0x0a))],
      /latin1\.txt: not valid UTF-8 \(byte offset 3\)$/,
    ],
    [
      'an overlong UTF-8 encoding',
      () => [seedA, file('overlong.txt', Uint8Array.of(0xc0, 0xaf))],
      /not valid UTF-8 \(byte offset 0\)$/,
    ],
    [
      'a UTF-8 surrogate',
      () => [seedA, file('surrogate.txt', Uint8Array.of(0x61, 0xed, 0xa0, 0x80))],
      /not valid UTF-8 \(byte offset 1\)$/,
    ],
    [
      'a truncated sequence',
      () => [seedA, file('cut.txt', Uint8Array.of(0x61, 0xe2, 0x82))],
      /not valid UTF-8 \(byte offset 1\)$/,
    ],
  ])('fails with one line naming the file for %s', async (_, files, message) => {
    const r = await run('compare', ...(files() as string[]));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(/^neardup: /);
    expect(r.stderr.trimEnd()).toMatch(message);
  });

  it.each([
    [['compare', seedA], /compare takes two files, got 1/],
    [['compare', seedA, seedB, '--format', 'xml'], /--format must be json, text or html, got "xml"/],
    [['compare', seedA, seedB, '--min-words', 'eight'], /--min-words must be a whole number, got "eight"/],
    [['compare', seedA, seedB, '--min-words', '0'], /--min-words must be an integer ≥ 1, got 0/],
    [['compare', seedA, seedB, '--perms', '70000'], /--perms must be an integer in 1..65535, got 70000/],
    [
      ['compare', seedA, seedB, '--bogus'],
      /^neardup: unknown option --bogus \(see "neardup compare --help"\)\n$/,
    ],
    [['dedup', seedA, '--bogus=1'], /^neardup: unknown option --bogus \(see "neardup dedup --help"\)\n$/],
    [['compare', seedA, seedB, '--mode', 'fuzzy'], /--mode must be near or verbatim, got "fuzzy"/],
    [['frobnicate'], /unknown command "frobnicate"/],
    // parseArgs words these over three lines
    [['compare', seedA, seedB, '--seed', '-1'], /Option '--seed' argument is ambiguous\. Did you forget/],
    [['dedup', seedA, '--threshold', '-1'], /Option '--threshold' argument is ambiguous\. Did you forget/],
  ])('rejects bad usage %j with exit code 2', async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('--max-repeats sets the limit its warnings name: text and JSON say when it applied', async () => {
    const line = 'Read more: the same boilerplate line appears under every paragraph here';
    const side = (name: string) =>
      Array.from({ length: 12 }, (_, i) => `${line}\n\nParagraph ${i} of ${name} says w${i}${name}.`).join(
        '\n\n',
      );
    const [a, b] = [file('boiler-a.txt', side('a')), file('boiler-b.txt', side('b'))];
    const json = async (...flags: string[]) =>
      JSON.parse((await run('compare', a, b, '--format', 'json', ...flags)).stdout);
    const lifted = await json();
    expect(lifted.options.maxRepeats).toBe(100);
    expect(lifted.warnings).toEqual([]);
    const limited = await json('--max-repeats', '10');
    expect(limited.options.maxRepeats).toBe(10);
    expect(limited.warnings.join('\n')).toMatch(/more than maxRepeats \(10\) times/);
    expect(limited.passages.length).toBeLessThan(lifted.passages.length);
    expect((await json('--max-repeats', '0')).passages).toEqual(lifted.passages);
    const text = await run('compare', a, b, '--max-repeats', '10');
    expect(text.stdout).toMatch(/^Warning: .*maxRepeats \(10\)/m);
    expect(await run('compare', a, b, '--max-repeats', 'many')).toMatchObject({
      code: 2,
      stderr: 'neardup: --max-repeats must be a whole number, got "many"\n',
    });
  });

  it('prints help and version', async () => {
    const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
    expect(spawn('--version').stdout).toBe(`${version}\n`);
    expect(await run('--help')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('neardup compare A B'),
    });
    expect(await run('compare', '--help')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('--min-words N'),
    });
    // No command at all is a usage error: the usage goes to stderr, nothing to stdout.
    expect(await run()).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringContaining('neardup compare A B'),
    });
  });

  it('exits with a one-line error from the real binary too', () => {
    const missing = join(tmp, 'missing.txt');
    expect(spawn('compare', missing, seedB)).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `neardup: ${missing}: no such file\n`,
    });
  });
});

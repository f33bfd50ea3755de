// dedup's sign hook and workerSigner (neardup/node): signatures made in worker threads equal
// signature()'s, dedup finds the same clusters with and without them for any batch size, worker
// failures reject with a NeardupError, close() stops the pool, the built package works from ESM
// and CJS, and `neardup dedup --workers N`.
//
// The library tests run the worker built from the sources here (esbuild, like tsup); the CLI and
// the package tests use dist/ (npm test builds it first).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import {
  type DedupProgress,
  type DedupSigner,
  dedup,
  MemoryStorage,
  MinHashLSH,
  NeardupError,
  type Signature,
  signature,
} from '../src/index.js';
import { workerSigner } from '../src/node.js';
import { randomWords, rng } from './text-generators.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'neardup-workers-'));
const script = join(dir, 'sign-worker.mjs');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  await build({
    entryPoints: [join(root, 'src/node/sign-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: script,
    logLevel: 'warning',
  });
});

interface Doc {
  id: string;
  text: string;
}

/**
 * `count` news-length documents of random words; every 8th gets 1–3 edited copies (a few words
 * replaced: Jaccard ≈ 0.85–0.95 with the original), shuffled among the rest.
 */
function corpus(count: number, seed: number): { docs: Doc[]; planted: string[][] } {
  const next = rng(seed);
  const docs: Doc[] = [];
  const planted: string[][] = [];
  for (let i = 0; docs.length < count; i++) {
    const words = randomWords(150 + Math.floor(next() * 300), next);
    const id = `doc-${String(i).padStart(4, '0')}`;
    docs.push({ id, text: words.join(' ') });
    if (i % 8 !== 0) continue;
    const group = [id];
    for (let c = 0; c <= i % 3; c++) {
      const copy = words.slice();
      for (let e = 0; e <= c; e++) copy[Math.floor(next() * copy.length)] = 'edited';
      docs.push({ id: `${id}-copy${c}`, text: copy.join(' ') });
      group.push(`${id}-copy${c}`);
    }
    planted.push(group.sort());
  }
  for (let i = docs.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [docs[i], docs[j]] = [docs[j]!, docs[i]!];
  }
  return { docs, planted: planted.sort((a, b) => (a[0]! < b[0]! ? -1 : 1)) };
}

const { docs, planted } = corpus(400, 6);
const sigOptions = { numPerm: 128, seed: 1, shingleSize: 5 };

/** A sign hook on this thread that answers after a few macrotasks: dedup must not depend on timing. */
const delayedSigner =
  (delays: readonly number[]): DedupSigner =>
  async (texts, options) => {
    const wait = delays[texts.length % delays.length]!;
    for (let i = 0; i < wait; i++) await new Promise((r) => setTimeout(r, 0));
    return texts.map((t) => signature(t, options));
  };

describe('workerSigner', () => {
  it.each([1, 2, 3])('with %i workers, signs every text exactly as signature() does', async (workers) => {
    const signer = workerSigner({ workers, script });
    try {
      const texts = [
        ...docs.slice(0, 25).map((d) => d.text),
        '',
        'short',
        'Ünïcödé wörds, and 😀 emoji; punctuation!',
        randomWords(5000, rng(1)).join(' '),
      ];
      const options = [
        sigOptions,
        { numPerm: 64, seed: 7, shingleSize: 3 },
        { numPerm: 13, seed: 0, shingleSize: 1 },
      ];
      for (const o of options) {
        const sigs = await signer.sign(texts, o);
        expect(sigs).toHaveLength(texts.length);
        expect(sigs).toEqual(texts.map((t) => signature(t, o)));
      }
      // Fewer texts than workers, one text, none.
      expect(await signer.sign(['one text'], sigOptions)).toEqual([signature('one text', sigOptions)]);
      expect(await signer.sign([], sigOptions)).toEqual([]);
      expect(signer.workers).toBe(workers);
    } finally {
      await signer.close();
    }
  });

  it('answers concurrent batches each with its own signatures', async () => {
    const signer = workerSigner({ workers: 2, script });
    try {
      const batches = [0, 1, 2, 3].map((b) => docs.slice(b * 30, b * 30 + 30).map((d) => d.text));
      const all = await Promise.all(batches.map((texts) => signer.sign(texts, sigOptions)));
      expect(all).toEqual(batches.map((texts) => texts.map((t) => signature(t))));
    } finally {
      await signer.close();
    }
  });

  it('defaults to one worker per core', async () => {
    const signer = workerSigner({ script });
    expect(signer.workers).toBe((await import('node:os')).availableParallelism());
    await signer.close();
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses workers: %s', (workers) => {
    expect(() => workerSigner({ workers, script })).toThrow(NeardupError);
    expect(() => workerSigner({ workers, script })).toThrow(`workers must be an integer ≥ 1, got ${workers}`);
  });

  it('rejects with the error signature() threw in the worker, and goes on signing', async () => {
    const signer = workerSigner({ workers: 2, script });
    try {
      const bad = signer.sign(['a b c', 'd e f'], { numPerm: 0, seed: 1, shingleSize: 5 });
      await expect(bad).rejects.toThrow(NeardupError);
      await expect(bad).rejects.toThrow(
        'neardup: signing worker: numPerm must be an integer in 1..65535, got 0',
      );
      expect(await signer.sign(['a b c'], sigOptions)).toEqual([signature('a b c', sigOptions)]);
    } finally {
      await signer.close();
    }
  });

  const badScript = (name: string, code: string) => {
    const path = join(dir, name);
    writeFileSync(path, code);
    return path;
  };

  it.each([
    [
      'throws when it loads',
      'load.mjs',
      'throw new Error("boom at load");',
      /signing worker \(.*load\.mjs\) failed: boom at load/,
    ],
    [
      'throws on a message',
      'message.mjs',
      'import { parentPort } from "node:worker_threads"; parentPort.on("message", () => { throw new Error("boom on message"); });',
      /signing worker \(.*message\.mjs\) failed: boom on message/,
    ],
    [
      'exits',
      'exit.mjs',
      'import { parentPort } from "node:worker_threads"; parentPort.on("message", () => process.exit(3));',
      /signing worker stopped with exit code 3/,
    ],
    [
      'does not exist',
      'missing.mjs',
      undefined,
      /signing worker \(.*missing\.mjs\) failed: Cannot find module/,
    ],
  ])('rejects with a NeardupError when the worker %s', async (_, name, code, message) => {
    const path = code === undefined ? join(dir, name) : badScript(name, code);
    const signer = workerSigner({ workers: 2, script: path });
    try {
      const p = signer.sign(['a b c d e f g', 'h i j k l m n'], sigOptions);
      await expect(p).rejects.toThrow(NeardupError);
      await expect(p).rejects.toThrow(message);
      // dedup rejects with it too, and leaves no batch behind.
      await expect(dedup(docs, { batchSize: 50, sign: signer.sign })).rejects.toThrow(message);
    } finally {
      await signer.close();
    }
  });

  it('rejects with a NeardupError when the worker cannot start', async () => {
    const signer = workerSigner({ workers: 1, script: 'sign-worker.mjs' });
    await expect(signer.sign(['a b c'], sigOptions)).rejects.toThrow(
      /^neardup: cannot start a signing worker \(sign-worker\.mjs\): .*absolute/,
    );
    await signer.close();
  });

  it('close() rejects the signing in flight and every later call; closing twice is fine', async () => {
    const signer = workerSigner({ workers: 2, script });
    const texts = Array.from({ length: 200 }, (_, i) => docs[i % docs.length]!.text);
    expect(await signer.sign(texts.slice(0, 3), sigOptions)).toHaveLength(3);
    const inFlight = expect(signer.sign(texts, sigOptions)).rejects.toThrow(
      'neardup: the worker signer was closed',
    );
    await signer.close();
    await inFlight;
    await expect(signer.sign(['a b c'], sigOptions)).rejects.toThrow('neardup: the worker signer was closed');
    await signer.close();
  });
});

describe('dedup with a sign hook', () => {
  it('finds the planted clusters with workers, the same result as without, for any batch size', async () => {
    const reference = await dedup(docs, { threshold: 0.8 });
    expect(reference.clusters.map((c) => c.keys)).toEqual(planted);
    const signer = workerSigner({ workers: 2, script });
    try {
      for (const batchSize of [1, 7, 64, 399, 400, 1000])
        expect(await dedup(docs, { threshold: 0.8, batchSize, sign: signer.sign })).toEqual(reference);
    } finally {
      await signer.close();
    }
  });

  it('gives the same result and the same progress reports, whatever the batch size and signing delays (property)', async () => {
    const small = docs.slice(0, 120);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 5 }),
        async (batchSize, progressEvery, delays) => {
          const plain: DedupProgress[] = [];
          const hooked: DedupProgress[] = [];
          const options = { threshold: 0.7, batchSize, progressEvery };
          const a = await dedup(small, { ...options, onProgress: (p) => void plain.push(p) });
          const b = await dedup(small, {
            ...options,
            onProgress: (p) => void hooked.push(p),
            sign: delayedSigner(delays),
          });
          expect(b).toEqual(a);
          expect(hooked).toEqual(plain);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('indexes the same documents as without a hook when the input has a bad document', async () => {
    const input = docs.slice(0, 45).concat([{ id: docs[3]!.id, text: 'again' }], docs.slice(45, 60));
    const sizes = [];
    for (const sign of [undefined, delayedSigner([2])]) {
      const index = new MinHashLSH();
      await expect(dedup(input, { index, batchSize: 10, sign })).rejects.toThrow(
        `document id "${docs[3]!.id}" appears twice in the input (documents 3 and 45)`,
      );
      sizes.push(await index.size());
    }
    expect(sizes).toEqual([40, 40]);
  });

  it('stops at the first failing batch and resumes to the same clusters', async () => {
    const reference = await dedup(docs, { threshold: 0.8, batchSize: 50 });
    const storage = new MemoryStorage();
    let calls = 0;
    const failing: DedupSigner = async (texts, options) => {
      if (++calls === 4) throw new NeardupError('signing failed on purpose');
      return texts.map((t) => signature(t, options));
    };
    const first = dedup(docs, { threshold: 0.8, batchSize: 50, storage, sign: failing });
    await expect(first).rejects.toThrow('neardup: signing failed on purpose');
    expect(await storage.size()).toBe(150); // the three batches signed before it
    const signer = workerSigner({ workers: 2, script });
    try {
      const resumed = await dedup(docs, { threshold: 0.8, batchSize: 50, storage, sign: signer.sign });
      expect(resumed.clusters).toEqual(reference.clusters);
      expect(resumed.alreadyIndexed).toBe(150);
      expect(await storage.size()).toBe(docs.length);
    } finally {
      await signer.close();
    }
  });

  it('rejects a hook that returns too few signatures', async () => {
    const short: DedupSigner = (texts, options) => texts.slice(1).map((t) => signature(t, options));
    await expect(dedup(docs, { batchSize: 10, sign: short })).rejects.toThrow(
      'neardup: sign returned 9 signatures for a batch of 10 texts',
    );
  });

  it('checks the hook signatures against the index', async () => {
    const wrong: DedupSigner = (texts) => texts.map((t) => signature(t, { numPerm: 64 }) as Signature);
    await expect(dedup(docs, { batchSize: 10, sign: wrong })).rejects.toThrow(NeardupError);
  });
});

describe('the built package (dist/)', () => {
  // The child processes read their input from a file (too long for a command line).
  const data = join(dir, 'input.json');
  writeFileSync(
    data,
    JSON.stringify({ texts: docs.slice(0, 40).map((d) => d.text), docs: docs.slice(0, 120) }),
  );
  const read = `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(data)}, 'utf8'))`;
  const expected = async () => ({
    same: true,
    clusters: (await dedup(docs.slice(0, 120), { threshold: 0.7 })).clusters.length,
  });

  it('signs in workers from an ESM consumer, and an unclosed signer lets Node exit', async () => {
    const code = `
      import { workerSigner } from ${JSON.stringify(join(root, 'dist/node.js'))};
      import { dedup, signature } from ${JSON.stringify(join(root, 'dist/index.js'))};
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const { texts, docs } = ${read};
      const signer = workerSigner({ workers: 2 });
      const sigs = await signer.sign(texts, { numPerm: 128, seed: 1, shingleSize: 5 });
      const same = sigs.every((s, i) => s.values.join() === signature(texts[i]).values.join());
      const { clusters } = await dedup(docs, { threshold: 0.7, sign: signer.sign });
      console.log(JSON.stringify({ same, clusters: clusters.length }));
      // No close(): the idle workers must not keep the process alive.`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(JSON.parse(out)).toEqual(await expected());
  });

  it('signs in workers from a CJS consumer', async () => {
    const code = `
      const { workerSigner } = require(${JSON.stringify(join(root, 'dist/node.cjs'))});
      const { dedup, signature, NeardupError } = require(${JSON.stringify(join(root, 'dist/index.cjs'))});
      const { texts, docs } = ${read};
      (async () => {
        const signer = workerSigner({ workers: 2 });
        const sigs = await signer.sign(texts, { numPerm: 128, seed: 1, shingleSize: 5 });
        const same = sigs.every((s, i) => s.values.join() === signature(texts[i]).values.join());
        const { clusters } = await dedup(docs, { threshold: 0.7, sign: signer.sign });
        const error = await signer.sign(['x'], { numPerm: 0, seed: 1, shingleSize: 5 }).catch((e) => e);
        await signer.close();
        if (!(error instanceof NeardupError)) throw new Error('not a NeardupError: ' + error);
        console.log(JSON.stringify({ same, clusters: clusters.length }));
      })();`;
    const out = execFileSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 30_000 });
    expect(JSON.parse(out)).toEqual(await expected());
  });
});

describe('neardup dedup --workers', () => {
  const file = join(dir, 'docs.jsonl');
  writeFileSync(file, `${docs.map((d) => JSON.stringify(d)).join('\n')}\n`);

  async function run(...args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  }

  it('prints the same clusters with 0, 1, 2 and "auto" workers', async () => {
    const plain = await run('dedup', file, '-q', '--batch', '37');
    expect(plain.code).toBe(0);
    const keys = plain.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).keys);
    expect(keys).toEqual(planted);
    for (const workers of ['0', '1', '2', 'auto']) {
      const r = await run('dedup', file, '-q', '--batch', '37', '--workers', workers);
      expect(r).toEqual(plain);
    }
  });

  it.each(['two', '-1', '1.5', ''])('refuses --workers %j with exit code 2', async (value) => {
    const r = await run('dedup', file, '-q', `--workers=${value}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`neardup: --workers must be a whole number or "auto", got "${value}"\n`);
  });

  it('documents --workers in its usage', async () => {
    const r = await run('dedup', '--help');
    expect(r.stdout).toMatch(/--workers N {10}sign the documents in N worker threads/);
  });
});

import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  MemoryStorage,
  MinHashLSH,
  NeardupError,
  SNAPSHOT_VERSION,
  signature,
  signatureToBytes,
} from '../src/index.js';
import { SIGNATURE_HASH_SCHEME } from '../src/lsh/bands.js';
import { loadIndex, saveIndex } from '../src/node.js';
import { fcParams } from './generators.js';
import { randomWords, rng } from './text-generators.js';

function corpus(count: number, seed: number): { key: string; text: string }[] {
  const next = rng(seed);
  return Array.from({ length: count }, (_, i) => ({
    key: `doc-${i}`,
    text: randomWords(80, next).join(' '),
  }));
}

async function build(options: ConstructorParameters<typeof MinHashLSH>[0] = {}, count = 40) {
  const lsh = new MinHashLSH(options);
  const docs = corpus(count, 3);
  await lsh.insertMany(
    docs.map((d) => ({
      key: d.key,
      signature: signature(d.text, {
        numPerm: lsh.numPerm,
        seed: lsh.params.seed,
        shingleSize: lsh.params.shingleSize,
      }),
    })),
  );
  return { lsh, docs };
}

async function entries(lsh: MinHashLSH): Promise<[string, number[]][]> {
  const out: [string, number[]][] = [];
  for await (const key of lsh.keys()) out.push([key, Array.from((await lsh.getSignature(key))!.values)]);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Rewrites the trailing checksum so a deliberately edited snapshot passes it. */
function reseal(bytes: Uint8Array, fix: (view: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  fix(view);
  // Checksum: Murmur3 block hash (seed 0x4e444c58) of the 32-bit words before it, as in src/hash.ts.
  let h = 0x4e444c58;
  const words = (copy.length - 4) / 4;
  for (let i = 0; i < words; i++) {
    let k = Math.imul(view.getUint32(4 * i, true), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= words;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  view.setUint32(copy.length - 4, h >>> 0, true);
  return copy;
}

describe('index snapshots (bytes)', () => {
  it('round-trip parameters, keys, signatures and query answers; writing again gives the same bytes', async () => {
    const { lsh, docs } = await build({
      threshold: 0.7,
      numPerm: 96,
      seed: 12,
      shingleSize: 4,
      bands: 12,
      rows: 7,
    });
    const bytes = await lsh.toBytes();
    expect(Array.from(bytes.subarray(0, 4), (b) => String.fromCharCode(b)).join('')).toBe('NDLX');
    expect(bytes[4]).toBe(SNAPSHOT_VERSION);
    const copy = await MinHashLSH.fromBytes(bytes);
    expect(copy.params).toEqual(lsh.params);
    expect(await entries(copy)).toEqual(await entries(lsh));
    const q = signature(docs[5]!.text, { numPerm: 96, seed: 12, shingleSize: 4 });
    expect(await copy.query(q, { minScore: 0 })).toEqual(await lsh.query(q, { minScore: 0 }));
    expect(await copy.toBytes()).toEqual(bytes);
  });

  it('keeps what survived removals and replacements, and unicode keys', async () => {
    const { lsh, docs } = await build();
    await lsh.removeMany(['doc-1', 'doc-7', 'doc-8']);
    await lsh.insert('doc-2', signature(docs[9]!.text), { ifExists: 'replace' });
    await lsh.insert('ключ 🔑 キー', signature(docs[1]!.text));
    const copy = await MinHashLSH.fromBytes(await lsh.toBytes());
    expect(await entries(copy)).toEqual(await entries(lsh));
    expect(await copy.has('doc-7')).toBe(false);
    expect((await copy.query(signature(docs[9]!.text))).map((m) => m.key)).toEqual(['doc-2', 'doc-9']);
  });

  it('reads a snapshot at any byte offset (e.g. a slice of a larger buffer)', async () => {
    const { lsh } = await build({}, 10);
    const bytes = await lsh.toBytes();
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const copy = await MinHashLSH.fromBytes(shifted.subarray(3));
    expect(await entries(copy)).toEqual(await entries(lsh));
  });

  it('round-trips an empty index', async () => {
    const lsh = new MinHashLSH({ threshold: 0.6 });
    const copy = await MinHashLSH.fromBytes(await lsh.toBytes());
    expect(copy.params).toEqual(lsh.params);
    expect(await copy.size()).toBe(0);
  });

  it('property: any set of entries round-trips', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 40 }),
        async (keys, numPerm) => {
          const lsh = new MinHashLSH({ numPerm, bands: 1, rows: 1, threshold: 0.5 });
          const next = rng(numPerm);
          const sigs = keys.map((key) => ({
            key,
            signature: signature(randomWords(10, next).join(' '), { numPerm }),
          }));
          await lsh.insertMany(sigs);
          const copy = await MinHashLSH.fromBytes(await lsh.toBytes());
          expect(await entries(copy)).toEqual(await entries(lsh));
        },
      ),
      fcParams(50),
    );
  });

  it('loads into a storage of your choice', async () => {
    const { lsh } = await build();
    const storage = new MemoryStorage();
    const copy = await MinHashLSH.fromBytes(await lsh.toBytes(), { storage });
    expect(copy.storage).toBe(storage);
    expect(await storage.size()).toBe(40);
    expect(await storage.readParams()).toEqual(lsh.params);
  });

  it('records the signature hash scheme that signatureToBytes records', () => {
    expect(signatureToBytes(signature('a b c'))[5]).toBe(SIGNATURE_HASH_SCHEME);
  });

  describe('refuses bad snapshots with a clear error', () => {
    let bytes: Uint8Array;
    beforeAll(async () => {
      bytes = await (await build({}, 5)).lsh.toBytes();
    });
    const load = (b: Uint8Array) => MinHashLSH.fromBytes(b);

    it('bad magic', async () => {
      const wrong = bytes.slice();
      wrong[0] = 0x58;
      await expect(load(wrong)).rejects.toThrow('neardup: not a neardup index snapshot (bad magic bytes)');
      await expect(load(signatureToBytes(signature('some text here')))).rejects.toThrow('bad magic bytes');
    });

    it('unknown version or hash scheme', async () => {
      await expect(load(reseal(bytes, (v) => v.setUint8(4, 9)))).rejects.toThrow(
        'unknown index snapshot version 9 (this neardup reads version 1)',
      );
      await expect(load(reseal(bytes, (v) => v.setUint8(5, 2)))).rejects.toThrow(
        'index snapshot uses signature hash scheme 2; this neardup uses 1',
      );
      await expect(load(reseal(bytes, (v) => v.setUint8(6, 3)))).rejects.toThrow(
        'index snapshot uses band hash scheme 3; this neardup uses 1',
      );
    });

    it('truncated anywhere', async () => {
      await expect(load(bytes.subarray(0, 20))).rejects.toThrow('index snapshot too short: 20 bytes');
      for (const cut of [44, 100, bytes.length - 50, bytes.length - 1]) {
        await expect(load(bytes.subarray(0, cut))).rejects.toThrow(NeardupError);
        await expect(load(bytes.subarray(0, cut))).rejects.toThrow(/truncated|corrupted/);
      }
      await expect(load(bytes.subarray(0, 200))).rejects.toThrow(
        `index snapshot is truncated: 200 bytes, but its header announces 5 entries of 128 values, which need at least`,
      );
    });

    it('corrupted or padded', async () => {
      const flipped = bytes.slice();
      flipped[300]! ^= 1;
      await expect(load(flipped)).rejects.toThrow('index snapshot is corrupted (checksum mismatch)');
      const longer = new Uint8Array(bytes.length + 8);
      longer.set(bytes);
      await expect(load(longer)).rejects.toThrow('index snapshot has 8 bytes after its end');
    });

    it('made with other parameters than requested, listing both', async () => {
      await expect(MinHashLSH.fromBytes(bytes, { numPerm: 256, threshold: 0.8 })).rejects.toThrow(
        'neardup: the snapshot was made with other parameters: numPerm 128 (snapshot) vs 256 (requested)',
      );
      await expect(MinHashLSH.fromBytes(bytes, { shingleSize: 3, bands: 2 })).rejects.toThrow(
        'shingleSize 5 (snapshot) vs 3 (requested), bands 14 (snapshot) vs 2 (requested)',
      );
      expect((await MinHashLSH.fromBytes(bytes, { numPerm: 128, threshold: 0.8 })).params.numPerm).toBe(128);
    });

    it('into a storage that holds another index', async () => {
      const storage = new MemoryStorage();
      await new MinHashLSH({ threshold: 0.9, storage }).ready();
      await expect(MinHashLSH.fromBytes(bytes, { storage })).rejects.toThrow(
        'the storage holds an index with other parameters: threshold 0.9 (stored) vs 0.8 (this index)',
      );
    });
  });
});

describe('index snapshot files (neardup/node)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'neardup-lsh-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves and loads an index, atomically (no temporary file left)', async () => {
    const { lsh, docs } = await build();
    const path = join(dir, 'index.ndlx');
    const written = await saveIndex(path, lsh);
    expect(written).toBe((await readFile(path)).length);
    expect(await readdir(dir)).toEqual(['index.ndlx']);
    const loaded = await loadIndex(path, { threshold: 0.8 });
    expect(await entries(loaded)).toEqual(await entries(lsh));
    expect((await loaded.query(signature(docs[3]!.text))).map((m) => m.key)).toEqual(['doc-3']);
    // Saving over an existing snapshot replaces it.
    await lsh.remove('doc-3');
    await saveIndex(path, lsh);
    expect(await (await loadIndex(path)).size()).toBe(39);
  });

  it('flushes the snapshot to disk before renaming it into place', async () => {
    // FileHandle is not exported: take its prototype from an open handle.
    const probe = await open(join(dir, 'probe'), 'w');
    const FileHandle = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    await rm(join(dir, 'probe'));
    const synced: string[] = [];
    const sync = vi.spyOn(FileHandle, 'sync').mockImplementation(async () => {
      synced.push((await readdir(dir)).filter((name) => name.endsWith('.tmp')).join());
    });
    try {
      await saveIndex(join(dir, 'synced.ndlx'), (await build({}, 3)).lsh);
    } finally {
      sync.mockRestore();
    }
    expect(synced).toEqual([expect.stringMatching(/^synced\.ndlx\..*\.tmp$/)]); // once, under its temporary name
  });

  it('names the file in every error', async () => {
    await expect(loadIndex(join(dir, 'missing.ndlx'))).rejects.toThrow(
      `neardup: cannot read index snapshot ${join(dir, 'missing.ndlx')}: no such file`,
    );
    await expect(loadIndex(dir)).rejects.toThrow(`cannot read index snapshot ${dir}: it is a directory`);
    const junk = join(dir, 'junk.ndlx');
    await writeFile(
      junk,
      'not an index at all, just some text that is long enough to have a header '.repeat(2),
    );
    await expect(loadIndex(junk)).rejects.toThrow(
      `neardup: ${junk}: not a neardup index snapshot (bad magic bytes)`,
    );
    const path = join(dir, 'other.ndlx');
    await saveIndex(path, (await build({ numPerm: 64 }, 3)).lsh);
    await expect(loadIndex(path, { numPerm: 128 })).rejects.toThrow(
      `${path}: the snapshot was made with other parameters: numPerm 64 (snapshot) vs 128 (requested)`,
    );
    await expect(saveIndex(join(dir, 'no-such-dir', 'x.ndlx'), (await build({}, 1)).lsh)).rejects.toThrow(
      `cannot write index snapshot ${join(dir, 'no-such-dir', 'x.ndlx')}`,
    );
  });
});

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Minhash } from 'minhash';
import { describe, expect, it } from 'vitest';
import {
  estimateJaccard,
  exactJaccard,
  minhash,
  NeardupError,
  shingle,
  signature,
  signatureFromBase64,
  signatureFromBytes,
  signatureToBase64,
  signatureToBytes,
  standardError,
  tokenize,
} from '../src/index.js';
import { textPairWithJaccard } from './text-generators.js';

const A = readFileSync(new URL('../seeds/kim-warm-feelings.txt', import.meta.url), 'utf8');
const B = readFileSync(new URL('../seeds/putin-kim-thursday.txt', import.meta.url), 'utf8');

describe('MinHash estimates', () => {
  const targets = [0, 0.05, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.97, 1];
  const trials = 24;

  it.each(targets)('stay within 3 standard errors of the exact Jaccard near J = %s', (target) => {
    const errors: number[] = [];
    for (let t = 0; t < trials; t++) {
      const [a, b] = textPairWithJaccard(target, 400, 1000 * t + Math.round(target * 100));
      const sa = shingle(tokenize(a).hashes);
      const sb = shingle(tokenize(b).hashes);
      const exact = exactJaccard(sa.hashes, sb.hashes);
      const estimate = estimateJaccard(minhash(sa), minhash(sb));
      const se = standardError(exact, 128);
      expect(
        Math.abs(estimate - exact),
        `trial ${t}: exact ${exact}, estimate ${estimate}`,
      ).toBeLessThanOrEqual(3 * se + 1e-12);
      errors.push(estimate - exact);
    }
    // Unbiased, and as spread as independent permutations make it (a correlated family spreads more).
    const mean = errors.reduce((s, e) => s + e, 0) / trials;
    const rms = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / trials);
    const se = standardError(target, 128);
    expect(Math.abs(mean)).toBeLessThanOrEqual(3 * (se / Math.sqrt(trials)) + 0.005);
    expect(rms).toBeLessThanOrEqual(1.5 * se + 0.005);
  });

  it('agrees with the npm minhash package on the seeds (cross-check)', () => {
    const words = (t: string) => tokenize(t).words;
    const peer = (t: string) => {
      const m = new Minhash();
      const w = words(t);
      for (let i = 0; i + 5 <= w.length; i++) m.update(w.slice(i, i + 5).join(' '));
      return m;
    };
    const theirs = peer(A).jaccard(peer(B));
    const exact = exactJaccard(shingle(tokenize(A).hashes).hashes, shingle(tokenize(B).hashes).hashes);
    const ours = estimateJaccard(signature(A), signature(B));
    const se = standardError(exact, 128);
    expect(Math.abs(theirs - exact)).toBeLessThanOrEqual(3 * se);
    expect(Math.abs(ours - exact)).toBeLessThanOrEqual(3 * se);
  });

  it('gives 1 for identical texts and 0 when either text has no words', () => {
    expect(estimateJaccard(signature(A), signature(A))).toBe(1);
    expect(estimateJaccard(signature(''), signature(''))).toBe(0);
    expect(estimateJaccard(signature('...'), signature(A))).toBe(0);
    expect(exactJaccard(new Uint32Array(0), new Uint32Array(0))).toBe(0);
    expect(exactJaccard(Uint32Array.of(1, 2, 3, 3), Uint32Array.of(2, 3, 4))).toBe(0.5);
  });

  it('treats a text shorter than one shingle as one shingle of all its words', () => {
    expect(shingle(tokenize('just three words').hashes, 5).hashes).toHaveLength(1);
    expect(estimateJaccard(signature('just three words'), signature('Just  three WORDS!'))).toBe(1);
  });
});

describe('MinHash determinism', () => {
  // The seed A signature (defaults) as base64. If this changes, every signature and index users
  // have stored breaks: bump the hash scheme in src/minhash.ts instead of editing this value.
  const SNAPSHOT =
    'TkRNSAEBBQCAAAAAAQAAAJKMiAByCjkANCofAEWx5gD6XYQB3mxYAbLuMQFpmu8AK52aAGchwwE0vL8BX6mPANYCzgE9ha4A' +
    'yy83AOa7KQCa4C8Afao9AFffJwAbwBkAsSgNAPAsCwAB0/0ACY5UAKoLRwA3wBgAJdcFACFzgQB1SdAATQ9MAFEVLADs7l4A' +
    'odUIAD8EdACLM+YAoyEUAZ5kUgCiJb4AO/wGAEbjHADqbBwAWckdAN6jhwCqQIwA7seqADAGRQAjWx4AyFAZAGOhTgC4eXIA' +
    'YxL0AJH9RwCeOBQA5ki/AIsvcQBQB28AphmQAG25BgB0fVoAUeIfAI+tXACtMxoAYkYoAWe5QgC49XACA6tjAHETJwBo2U4A' +
    'SzWPAPJ8OgK05VQAFGELAG12OQAsPKQAUf1oAAj2MwEP5/YA2dzNAGltLgCYuywAJWTwAOnkBABYBgoAwYBFAEnXYwDGbsAA' +
    'FRocAeomFABgcxYAU4eZAOZGSwAs2zwAQz8rAO22MQDAkxsAX1cCACoUTgBnwVkA3YIlAJPMXQCP4SMARtdsAKDJTgBe8XQA' +
    'AMIlAHaQAgBHFCMAHJ5EAIZXZgAAGB8AMpzEAZjAMQA/rAQAcFdfAPNzZgB7AyMBq8VbAPAtNADmARAAq48YACt4JgDDrDwA' +
    '9SsGAO4YHgCmSbMA8MQAAN6XOQCtXygA';

  it('gives the same signature in this process and in a fresh one', () => {
    const here = signatureToBase64(signature(A));
    const script = `import('${new URL('../dist/index.js', import.meta.url).href}').then(async (m) => {
      const { readFileSync } = await import('node:fs');
      process.stdout.write(m.signatureToBase64(m.signature(readFileSync(${JSON.stringify(
        new URL('../seeds/kim-warm-feelings.txt', import.meta.url).pathname,
      )}, 'utf8'))));
    })`;
    const there = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(there).toBe(here);
    expect(here).toBe(SNAPSHOT);
  });

  it('depends on the seed and the number of permutations', () => {
    expect(signature(A, { seed: 2 }).values).not.toEqual(signature(A).values);
    expect(signature(A, { numPerm: 64 }).values).toHaveLength(64);
  });
});

describe('signature serialisation', () => {
  const sig = signature(A, { numPerm: 64, seed: 7, shingleSize: 4 });

  it('round-trips through bytes and base64 with its parameters', () => {
    const bytes = signatureToBytes(sig);
    expect(bytes).toHaveLength(16 + 4 * 64);
    expect(signatureFromBytes(bytes)).toEqual(sig);
    expect(signatureFromBase64(signatureToBase64(sig))).toEqual(sig);
    // A view into a larger buffer reads the same.
    const padded = new Uint8Array(bytes.length + 8);
    padded.set(bytes, 8);
    expect(signatureFromBytes(padded.subarray(8))).toEqual(sig);
  });

  it('rejects foreign, truncated or newer data with a message that says so', () => {
    const bytes = signatureToBytes(sig);
    expect(() => signatureFromBytes(bytes.subarray(0, 10))).toThrow(/too short/);
    expect(() => signatureFromBytes(bytes.subarray(0, 40))).toThrow(/expected 272/);
    const newer = bytes.slice();
    newer[4] = 9;
    expect(() => signatureFromBytes(newer)).toThrow(/unknown signature format version 9/);
    const foreign = bytes.slice();
    foreign[0] = 0;
    expect(() => signatureFromBytes(foreign)).toThrow(/not a neardup signature/);
    expect(() => signatureFromBase64('***')).toThrow(NeardupError);
  });

  it('refuses to compare signatures made with different parameters', () => {
    expect(() => estimateJaccard(signature(A), signature(B, { seed: 2 }))).toThrow(
      /different parameters.*seed 1 vs 2/,
    );
    expect(() => estimateJaccard(signature(A), signature(B, { numPerm: 64 }))).toThrow(/numPerm 128 vs 64/);
    expect(() => estimateJaccard(signature(A), signature(B, { shingleSize: 3 }))).toThrow(
      /shingleSize 5 vs 3/,
    );
  });

  it('rejects out-of-range parameters', () => {
    expect(() => signature(A, { numPerm: 0 })).toThrow(/numPerm must be an integer in 1..65535, got 0/);
    expect(() => signature(A, { seed: -1 })).toThrow(/seed must be/);
    expect(() => signature(A, { shingleSize: 1.5 })).toThrow(/shingle size must be an integer ≥ 1, got 1.5/);
  });
});

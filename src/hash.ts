// 32-bit hashing shared by every stage. Everything is Math.imul / shifts on int32 values, so the
// results are identical in every JavaScript engine and process (no BigInt, no platform hashing).

/** Murmur3's 32-bit finaliser: a bijection on 32-bit integers with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units, finished with {@link fmix32}. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

/**
 * Order-sensitive hash of `values[start..end)` (Murmur3's block step over 32-bit words).
 * Used for word shingles: the same words in the same order give the same hash in any text.
 */
export function hashRange(values: Uint32Array, start: number, end: number, seed = 0): number {
  let h = seed | 0;
  for (let i = start; i < end; i++) {
    let k = Math.imul(values[i]!, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return fmix32(h ^ (end - start));
}

/** A small, fast, seeded PRNG (splitmix32) used to derive per-permutation salts. */
export function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    return fmix32(state);
  };
}

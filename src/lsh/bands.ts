// Band keys: one 32-bit hash per band of a signature.
//
// Two signatures are candidates when all `rows` values of some band agree. Storing the band's
// values themselves would cost rows × 4 bytes per band and per document; a 32-bit hash of them
// costs 4. Unequal bands collide with probability 2⁻³² per band and pair, which only adds a
// candidate that the Jaccard check then drops (at a million documents and 25 bands, 0.006 extra
// candidates per query), so 32 bits are enough and keep keys small integers in memory and in Redis.

/** Version of the band-key hash below; stored with every index so a change is detected. */
export const BAND_HASH_SCHEME = 1;
/**
 * Version of the signature hash, as recorded in byte 5 of {@link signatureToBytes}'s output
 * (src/minhash.ts; a test keeps the two equal). Stored with every index.
 */
export const SIGNATURE_HASH_SCHEME = 1;

const EMPTY = 0xffffffff;

/**
 * Writes the `bands` band keys of `values` (one signature) to `out[offset … offset + bands)`.
 * Band j hashes values `[j·rows, (j+1)·rows)` with Murmur3's block step seeded with j (so equal
 * values in different bands give different keys, and a store may keep all bands in one table).
 */
export function writeBandKeys(
  values: Uint32Array,
  valuesOffset: number,
  bands: number,
  rows: number,
  out: Uint32Array,
  offset: number,
): void {
  for (let j = 0; j < bands; j++) {
    let h = j;
    const start = valuesOffset + j * rows;
    const end = start + rows;
    for (let i = start; i < end; i++) {
      let k = Math.imul(values[i]!, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      h ^= Math.imul(k, 0x1b873593);
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    h ^= rows;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    out[offset + j] = h >>> 0;
  }
}

/** True when `values[offset … offset + numPerm)` is the signature of an empty set (all 0xFFFFFFFF). */
export function isEmptyValues(values: Uint32Array, offset: number, numPerm: number): boolean {
  for (let i = offset; i < offset + numPerm; i++) if (values[i] !== EMPTY) return false;
  return true;
}

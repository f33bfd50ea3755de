// The binary snapshot of an index: every parameter, then the keys and signatures. Buckets are
// not stored; they are rebuilt from the signatures on load (a hash per band and entry, far
// cheaper than reading them back), which also keeps the format independent of any storage.
//
// Layout, little-endian, version 1:
//    0  "NDLX" magic            4  u8 format version     5  u8 signature hash scheme
//    6  u8 band hash scheme     7  u8 reserved (0)
//    8  u32 numPerm            12  u32 seed             16  u32 shingleSize
//   20  u32 bands              24  u32 rows             28  u32 entry count n
//   32  f64 threshold
//   40  n × numPerm u32 signature values, entry by entry
//       n × u32 key lengths in UTF-8 bytes, then the keys' UTF-8 bytes, zero-padded to 4 bytes
//  end−4  u32 checksum: Murmur3 block hash of every 32-bit word before it

import { NeardupError } from '../errors.js';
import { hashRange } from '../hash.js';
import type { IndexParams } from '../storage/types.js';
import { BAND_HASH_SCHEME, SIGNATURE_HASH_SCHEME } from './bands.js';
import type { MinHashLSH } from './minhash-lsh.js';

const MAGIC = 0x584c444e; // "NDLX" read as a little-endian u32
/**
 * Version of the index snapshot format that {@link MinHashLSH.toBytes} writes and `fromBytes` reads.
 *
 * @example
 * ```ts
 * const bytes = await lsh.toBytes();
 * bytes[4] === SNAPSHOT_VERSION; // => true: byte 4, after the magic "NDLX", holds the version
 * ```
 */
export const SNAPSHOT_VERSION = 1;
const HEADER_BYTES = 40;
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The contents of a snapshot: parameters, keys, and their signatures packed entry by entry. */
export interface SnapshotData {
  /** The index's parameters. */
  readonly params: IndexParams;
  /** The keys, in snapshot order. */
  readonly keys: readonly string[];
  /** `keys.length × numPerm` signature values: entry i at `[i·numPerm, (i+1)·numPerm)`. */
  readonly values: Uint32Array;
}

/** The little-endian 32-bit words of `bytes` (whose length is a multiple of 4), as a Uint32Array. */
function words(bytes: Uint8Array, byteOffset: number, count: number): Uint32Array {
  const at = bytes.byteOffset + byteOffset;
  if (LITTLE_ENDIAN && at % 4 === 0) return new Uint32Array(bytes.buffer, at, count);
  const out = new Uint32Array(count);
  const view = new DataView(bytes.buffer, at, count * 4);
  for (let i = 0; i < count; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}

function checksum(bytes: Uint8Array, length: number): number {
  return hashRange(words(bytes, 0, length / 4), 0, length / 4, 0x4e444c58);
}

/** Serialises an index's parameters, keys and signature values (see the layout above). */
export function encodeSnapshot(data: SnapshotData): Uint8Array {
  const { params, keys, values } = data;
  const n = keys.length;
  if (values.length !== n * params.numPerm)
    throw new NeardupError(`snapshot of ${n} keys needs ${n * params.numPerm} values, got ${values.length}`);
  const encoder = new TextEncoder();
  const encoded = keys.map((k) => encoder.encode(k));
  const keyBytes = encoded.reduce((sum, k) => sum + k.length, 0);
  const padded = Math.ceil(keyBytes / 4) * 4;
  const valuesAt = HEADER_BYTES;
  const lengthsAt = valuesAt + 4 * values.length;
  const keysAt = lengthsAt + 4 * n;
  const total = keysAt + padded + 4;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint8(4, SNAPSHOT_VERSION);
  view.setUint8(5, params.signatureHash);
  view.setUint8(6, params.bandHash);
  view.setUint32(8, params.numPerm, true);
  view.setUint32(12, params.seed, true);
  view.setUint32(16, params.shingleSize, true);
  view.setUint32(20, params.bands, true);
  view.setUint32(24, params.rows, true);
  view.setUint32(28, n, true);
  view.setFloat64(32, params.threshold, true);
  if (LITTLE_ENDIAN) new Uint32Array(bytes.buffer, valuesAt, values.length).set(values);
  else for (let i = 0; i < values.length; i++) view.setUint32(valuesAt + 4 * i, values[i]!, true);
  let at = keysAt;
  for (let i = 0; i < n; i++) {
    view.setUint32(lengthsAt + 4 * i, encoded[i]!.length, true);
    bytes.set(encoded[i]!, at);
    at += encoded[i]!.length;
  }
  view.setUint32(total - 4, checksum(bytes, total - 4), true);
  return bytes;
}

/**
 * Reads a snapshot written by {@link encodeSnapshot}.
 *
 * @throws {@link NeardupError} if the bytes are not a neardup index snapshot, come from an
 * unknown format version or hash scheme, are truncated or corrupted.
 */
export function decodeSnapshot(bytes: Uint8Array): SnapshotData {
  if (bytes.length < HEADER_BYTES + 4)
    throw new NeardupError(
      `index snapshot too short: ${bytes.length} bytes (the header alone has ${HEADER_BYTES})`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC)
    throw new NeardupError('not a neardup index snapshot (bad magic bytes)');
  const version = view.getUint8(4);
  if (version !== SNAPSHOT_VERSION)
    throw new NeardupError(
      `unknown index snapshot version ${version} (this neardup reads version ${SNAPSHOT_VERSION})`,
    );
  const signatureHash = view.getUint8(5);
  const bandHash = view.getUint8(6);
  if (signatureHash !== SIGNATURE_HASH_SCHEME)
    throw new NeardupError(
      `index snapshot uses signature hash scheme ${signatureHash}; this neardup uses ${SIGNATURE_HASH_SCHEME}`,
    );
  if (bandHash !== BAND_HASH_SCHEME)
    throw new NeardupError(
      `index snapshot uses band hash scheme ${bandHash}; this neardup uses ${BAND_HASH_SCHEME}`,
    );
  const numPerm = view.getUint32(8, true);
  const n = view.getUint32(28, true);
  const params: IndexParams = {
    numPerm,
    seed: view.getUint32(12, true),
    shingleSize: view.getUint32(16, true),
    bands: view.getUint32(20, true),
    rows: view.getUint32(24, true),
    threshold: view.getFloat64(32, true),
    signatureHash,
    bandHash,
  };
  const lengthsAt = HEADER_BYTES + 4 * n * numPerm;
  const keysAt = lengthsAt + 4 * n;
  const truncated = (need: number) =>
    new NeardupError(
      `index snapshot is truncated: ${bytes.length} bytes, but its header announces ${n} entries ` +
        `of ${numPerm} values, which need at least ${need}`,
    );
  if (bytes.length < keysAt + 4) throw truncated(keysAt + 4);
  let keyBytes = 0;
  for (let i = 0; i < n; i++) keyBytes += view.getUint32(lengthsAt + 4 * i, true);
  const total = keysAt + Math.ceil(keyBytes / 4) * 4 + 4;
  if (bytes.length < total) throw truncated(total);
  if (bytes.length > total)
    throw new NeardupError(`index snapshot has ${bytes.length - total} bytes after its end (${total} bytes)`);
  const stored = view.getUint32(total - 4, true);
  const computed = checksum(bytes, total - 4);
  if (stored !== computed) throw new NeardupError('index snapshot is corrupted (checksum mismatch)');
  const values = words(bytes, HEADER_BYTES, n * numPerm).slice();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const keys: string[] = new Array(n);
  let at = keysAt;
  for (let i = 0; i < n; i++) {
    const length = view.getUint32(lengthsAt + 4 * i, true);
    keys[i] = decoder.decode(bytes.subarray(at, at + length));
    at += length;
  }
  return { params, keys, values };
}

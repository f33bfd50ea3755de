// Saving an index snapshot to a file and loading it back (Node only: node:fs).

import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { NeardupError } from '../errors.js';
import { type FromBytesOptions, MinHashLSH } from '../lsh/minhash-lsh.js';

/**
 * Writes a snapshot of the index ({@link MinHashLSH.toBytes}) to `path`. The file is written
 * under a temporary name beside it, flushed to disk, and then renamed, so a crash (of the
 * program or the machine) never leaves a half-written snapshot where a good one was.
 *
 * @returns the number of bytes written.
 * @throws {@link index!NeardupError | NeardupError} naming the path if it cannot be written.
 * @example
 * ```ts
 * import { saveIndex } from 'neardup/node';
 * await saveIndex('corpus.ndlx', lsh);
 * ```
 */
export async function saveIndex(path: string, lsh: MinHashLSH): Promise<number> {
  const bytes = await lsh.toBytes();
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeDurably(temp, bytes);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new NeardupError(`cannot write index snapshot ${path}: ${(error as Error).message}`);
  }
  return bytes.length;
}

/** Writes `bytes` to a new file and fsyncs it: without that, a power loss after the rename may leave an empty file. */
async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
  const file = await open(path, 'wx');
  try {
    await file.writeFile(bytes);
    await file.sync();
  } finally {
    await file.close();
  }
}

/**
 * Reads a snapshot written by {@link saveIndex} into a new index (in memory unless
 * `options.storage` says otherwise). Parameters given in `options` must match the snapshot's.
 *
 * @throws {@link index!NeardupError | NeardupError} naming the path if it cannot be read, and with the reason if it
 * is not a valid snapshot (bad magic bytes, unknown version, truncated, corrupted) or was made
 * with other parameters than those requested.
 * @example
 * ```ts
 * import { loadIndex } from 'neardup/node';
 * const lsh = await loadIndex('corpus.ndlx', { threshold: 0.8 });
 * const matches = await lsh.query(signature(text));
 * ```
 */
export async function loadIndex(path: string, options: FromBytesOptions = {}): Promise<MinHashLSH> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new NeardupError(`cannot read index snapshot ${path}: ${why}`);
  }
  try {
    return await MinHashLSH.fromBytes(bytes, options);
  } catch (error) {
    if (error instanceof NeardupError)
      throw new NeardupError(`${path}: ${error.message.replace(/^neardup: /, '')}`);
    throw error;
  }
}

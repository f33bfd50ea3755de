// Reading an input file as text, with one clear error per way it can fail.

import { readFile, stat } from 'node:fs/promises';
import { CliError } from './errors.js';

/** Offset of the first byte that breaks UTF-8 (RFC 3629: no overlongs, surrogates or > U+10FFFF), or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * Reads a UTF-8 text file. A byte-order mark is kept (as U+FEFF), so offsets match what
 * `readFileSync(path, 'utf8')` gives other tools.
 *
 * @throws {@link CliError} naming the file: missing, a directory, unreadable, binary (NUL bytes)
 * or not valid UTF-8.
 */
export async function readTextFile(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    if ((await stat(path)).isDirectory()) throw new CliError(`${path}: is a directory, expected a text file`);
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error);
    throw new CliError(`${path}: ${why}`);
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1)
    throw new CliError(`${path}: looks binary (NUL byte at offset ${nul}), expected UTF-8 text`);
  const bad = invalidUtf8Offset(bytes);
  if (bad !== -1) throw new CliError(`${path}: not valid UTF-8 (byte offset ${bad})`);
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

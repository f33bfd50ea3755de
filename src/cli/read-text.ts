// Reading an input file as text, with one clear error per way it can fail.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
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

// The UTF-16 byte-order marks, little- and big-endian: FF FE, FE FF.
const isUtf16Bom = (b: Buffer) =>
  b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff));

// V8's longest string is 2^29 − 24 UTF-16 units; a file of more bytes may not decode into one.
const MAX_BYTES = 2 ** 29 - 24;

/**
 * Reads a UTF-8 text file. A byte-order mark is kept (as U+FEFF), so offsets match what
 * `readFileSync(path, 'utf8')` gives other tools. The file is read as a stream that stops at the
 * first NUL byte, so a device such as /dev/zero or a huge binary fails at once, while pipes
 * (`<(command)`) work.
 *
 * @throws {@link CliError} naming the file: missing, a directory, unreadable, binary (NUL bytes),
 * too large for one string, or not valid UTF-8.
 */
export async function readTextFile(path: string): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    if ((await stat(path)).isDirectory()) throw new CliError(`${path}: is a directory, expected a text file`);
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      const nul = chunk.indexOf(0);
      if (length === 0 && isUtf16Bom(chunk))
        throw new CliError(
          `${path}: looks like UTF-16 (byte-order mark), expected UTF-8 text; convert it first`,
        );
      if (nul !== -1)
        throw new CliError(`${path}: looks binary (NUL byte at offset ${length + nul}), expected UTF-8 text`);
      length += chunk.length;
      if (length > MAX_BYTES)
        throw new CliError(`${path}: too large (over ${MAX_BYTES} bytes), more than one string can hold`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error);
    throw new CliError(`${path}: ${why}`);
  }
  const bytes = Buffer.concat(chunks, length);
  const bad = invalidUtf8Offset(bytes);
  if (bad !== -1) throw new CliError(`${path}: not valid UTF-8 (byte offset ${bad})`);
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

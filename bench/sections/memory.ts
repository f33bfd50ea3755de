// Section: memory per stored signature, serialised and in memory, next to the npm minhash package.

import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Minhash as PeerMinhash } from 'minhash';
import {
  DEFAULT_NUM_PERM,
  type Signature,
  signature,
  signatureToBase64,
  signatureToBytes,
} from '../../src/index.js';
import { documents } from '../lib/corpus.js';
import type { BenchContext, Section, SectionResult } from '../lib/section.js';
import { num, type Table } from '../lib/table.js';

const require = createRequire(import.meta.url);
const { Minhash } = require('minhash') as typeof import('minhash');

// A full garbage collection on demand without restarting node with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function used(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Bytes per object (JS heap plus typed-array backing stores) of `count` objects made by `make`. */
function bytesPerObject<T>(count: number, make: (i: number) => T): number {
  const keep: T[] = new Array(count);
  const before = used();
  for (let i = 0; i < count; i++) keep[i] = make(i);
  const after = used();
  if (keep.length !== count) throw new Error('unreachable'); // keeps `keep` alive until measured
  return (after - before) / count;
}

export const memorySection: Section = {
  id: 'memory',
  title: 'Memory per stored signature',
  run(ctx: BenchContext): SectionResult {
    const count = ctx.quick ? 5000 : 50_000;
    const peerCount = ctx.quick ? 500 : 2000;
    ctx.log(`memory: ${count} signatures`);
    const texts = documents(50, 21);
    const prototypes = texts.map((t) => signature(t));
    // Fresh copies, as a store of signatures read back would hold them (values differ per document).
    const copy = (s: Signature): Signature => ({ ...s, values: s.values.slice() });
    const inMemory = bytesPerObject(count, (i) => copy(prototypes[i % prototypes.length]!));
    const packed = bytesPerObject(1, () => new Uint32Array(count * DEFAULT_NUM_PERM)) / count;
    const base64 = signatureToBase64(prototypes[0]!);
    // Each call builds a new flat string (not a slice or a rope sharing another string's memory).
    const base64Heap = bytesPerObject(count, (i) => signatureToBase64(prototypes[i % prototypes.length]!));
    const peerInMemory = bytesPerObject(peerCount, (i) => {
      const m: PeerMinhash = new Minhash({ numPerm: DEFAULT_NUM_PERM });
      m.update(`doc ${i}`);
      return m;
    });
    const serialised = signatureToBytes(prototypes[0]!).length;
    const table: Table = {
      title: `Bytes per signature at ${DEFAULT_NUM_PERM} permutations (${num(count)} held; heap + array buffers after a full GC)`,
      columns: ['form', 'bytes per signature'],
      rows: [
        ['serialised: `signatureToBytes()`', String(serialised)],
        ['serialised: `signatureToBase64()` (characters)', String(base64.length)],
        ['in memory: base64 string', num(base64Heap)],
        ['in memory: `Signature` object (object + `Uint32Array` + buffer)', num(inMemory)],
        ['in memory: values only, packed in one `Uint32Array`', num(packed)],
        [`in memory: npm minhash \`Minhash\` object (${num(peerCount)} held)`, num(peerInMemory)],
      ],
    };
    return {
      tables: [table],
      headlines: [
        `Memory: a 128-permutation signature serialises to ${serialised} bytes (${base64.length} base64 ` +
          `characters) and takes ${num(inMemory)} bytes in memory as a \`Signature\` object ` +
          `(npm minhash's \`Minhash\` object: ${num(peerInMemory)}).`,
      ],
      notes: [
        'In-memory sizes are measured, not computed: the growth of V8 heap plus array-buffer memory ' +
          '(`process.memoryUsage()`) after a full garbage collection, divided by the number of objects ' +
          'held. A `Signature` is a small object and a `Uint32Array` whose 512-byte store lives outside ' +
          'the heap; packing many signatures into one `Uint32Array` (as an index can) costs 4 bytes per ' +
          'permutation and nothing else. The npm package keeps its values in a plain array of numbers ' +
          'and gives every instance its own copies of the permutation parameters and of its methods.',
      ],
    };
  },
};

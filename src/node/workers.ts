// workerSigner(): dedup's signing spread over worker threads (Node only: node:worker_threads).
//
// Each batch is cut into one contiguous run of texts per worker, balanced by characters (signing
// time grows with text length); each worker signs its run with neardup's signature() and sends
// the values back in one transferred buffer (src/node/sign-worker.ts). Workers start at the first
// batch and are unref'd while idle, so a signer that is never closed does not keep Node running.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { NeardupError } from '../errors.js';
import type { DedupSigner } from '../lsh/dedup.js';
import type { Signature } from '../minhash.js';
import type { SignReply, SignRequest } from './sign-worker.js';

/**
 * Options of {@link workerSigner}.
 *
 * @example
 * ```ts
 * import { availableParallelism } from 'node:os';
 *
 * // Leave a core for the main thread, which inserts and queries while the workers sign.
 * const options: WorkerSignerOptions = { workers: Math.max(1, availableParallelism() - 1) };
 * const signer = workerSigner(options);
 * ```
 */
export interface WorkerSignerOptions {
  /** Worker threads to sign in, an integer ≥ 1. @default os.availableParallelism(): one per core */
  workers?: number;
  /**
   * The worker script, a path or a `file:` URL. Set it only when neardup is bundled into another
   * file, to where `neardup/dist/sign-worker.mjs` is copied.
   * @default sign-worker.mjs beside neardup's own dist/ files
   */
  script?: string | URL;
}

/**
 * A pool of worker threads that sign texts for {@link index!dedup | dedup}: made by {@link workerSigner}.
 *
 * @example
 * ```ts
 * const signer: WorkerSigner = workerSigner({ workers: 4 });
 * const sigs = await signer.sign(texts, { numPerm: 128, seed: 1, shingleSize: 5 }); // as signature(t)
 * await signer.close();
 * ```
 */
export interface WorkerSigner {
  /**
   * Signs `texts` in the workers: resolves to one signature per text, in order, each equal to
   * `signature(text, options)`. Pass it as dedup's `sign` option.
   * @throws {@link index!NeardupError | NeardupError} if a worker cannot start (e.g. a relative `script` path)
   * or fails (its message, or how it stopped), or the signer is closed.
   */
  readonly sign: DedupSigner;
  /** The number of worker threads. */
  readonly workers: number;
  /**
   * Stops the workers; signing still in flight is rejected, and later calls of `sign` too. Not
   * needed for Node to exit (idle workers do not keep it running) but it frees them at once.
   */
  close(): Promise<void>;
}

interface Task {
  resolve(values: Uint32Array): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker | undefined;
  readonly tasks: Map<number, Task>;
}

/**
 * The worker script built beside this module: dist/sign-worker.mjs, whether this runs from
 * dist/*.js, dist/*.cjs (tsup shims import.meta.url) or the CLI bundle. From the TypeScript
 * sources (the tests), Node cannot run the .ts worker: the built one is used (npm test builds
 * dist/ first).
 */
function defaultScript(): URL {
  const here = import.meta.url;
  return new URL(here.endsWith('.ts') ? '../../dist/sign-worker.mjs' : './sign-worker.mjs', here);
}

/**
 * The parent's Node options for the workers (they inherit them by default) minus --input-type,
 * which makes a worker started from a file fail (`node --input-type=module -e …`).
 */
function workerExecArgv(): string[] {
  const argv = process.execArgv;
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--input-type') i++;
    else if (!argv[i]!.startsWith('--input-type=')) out.push(argv[i]!);
  }
  return out;
}

/** Cuts `texts` into at most `parts` contiguous runs of about equal length in characters: [start, end) each. */
function split(texts: readonly string[], parts: number): [number, number][] {
  let total = 0;
  for (const t of texts) total += t.length + 1; // + 1: an empty text costs something too
  const runs: [number, number][] = [];
  let start = 0;
  let sum = 0;
  for (let i = 0; i < texts.length; i++) {
    sum += texts[i]!.length + 1;
    if (sum >= (total * (runs.length + 1)) / parts || i === texts.length - 1) {
      runs.push([start, i + 1]);
      start = i + 1;
    }
  }
  return runs;
}

/**
 * A pool of `worker_threads` that sign documents for {@link index!dedup | dedup}: give its `sign` as
 * dedup's `sign` option, and dedup signs each batch across the workers while it indexes the
 * previous one. The clusters are the same as without it; the speedup is up to the number of
 * cores (see docs/benchmarks.md). `neardup dedup --workers N` uses it.
 *
 * @throws {@link index!NeardupError | NeardupError} if `workers` is not an integer ≥ 1.
 * @example
 * ```ts
 * import { dedup } from 'neardup';
 * import { workerSigner } from 'neardup/node';
 *
 * const signer = workerSigner(); // one worker per core
 * try {
 *   const { clusters } = await dedup(docs, { threshold: 0.8, sign: signer.sign });
 * } finally {
 *   await signer.close();
 * }
 * ```
 */
export function workerSigner(options: WorkerSignerOptions = {}): WorkerSigner {
  const count = options.workers ?? availableParallelism();
  if (!Number.isInteger(count) || count < 1)
    throw new NeardupError(`workers must be an integer ≥ 1, got ${count}`);
  const script = options.script ?? defaultScript();
  const scriptName = script instanceof URL && script.protocol === 'file:' ? script.pathname : String(script);
  const slots: Slot[] = Array.from({ length: count }, () => ({ worker: undefined, tasks: new Map() }));
  let closed = false;
  let nextId = 0;

  /** Rejects the slot's tasks and forgets its worker (a new one starts at the next batch). */
  const fail = (slot: Slot, worker: Worker, error: Error) => {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    for (const task of slot.tasks.values()) task.reject(error);
    slot.tasks.clear();
    void worker.terminate();
  };

  const start = (slot: Slot): Worker => {
    const worker = new Worker(script, { name: 'neardup-sign', execArgv: workerExecArgv() });
    worker.on('message', (reply: SignReply) => {
      const task = slot.tasks.get(reply.id);
      if (!task) return;
      slot.tasks.delete(reply.id);
      if (slot.tasks.size === 0) worker.unref();
      if ('error' in reply)
        task.reject(new NeardupError(`signing worker: ${reply.error.replace(/^neardup: /, '')}`));
      else task.resolve(reply.values);
    });
    worker.on('error', (error) =>
      fail(slot, worker, new NeardupError(`signing worker (${scriptName}) failed: ${error.message}`)),
    );
    worker.on('messageerror', (error) =>
      fail(slot, worker, new NeardupError(`signing worker sent an unreadable message: ${error.message}`)),
    );
    worker.on('exit', (code) =>
      fail(
        slot,
        worker,
        new NeardupError(
          closed ? 'the worker signer was closed' : `signing worker stopped with exit code ${code}`,
        ),
      ),
    );
    slot.worker = worker;
    return worker;
  };

  const run = (slot: Slot, request: SignRequest) =>
    new Promise<Uint32Array>((resolve, reject) => {
      let worker: Worker;
      try {
        worker = slot.worker ?? start(slot);
      } catch (error) {
        // e.g. a relative script path: Node wants it absolute or starting with ./
        throw new NeardupError(`cannot start a signing worker (${scriptName}): ${(error as Error).message}`);
      }
      slot.tasks.set(request.id, { resolve, reject });
      worker.ref(); // busy: keep Node running until the reply comes
      worker.postMessage(request);
    });

  const sign: DedupSigner = async (texts, signOptions) => {
    if (closed) throw new NeardupError('the worker signer was closed');
    const { numPerm, seed, shingleSize } = signOptions;
    const options = { numPerm, seed, shingleSize };
    const runs = split(texts, count);
    const values = await Promise.all(
      runs.map(([from, to], w) => run(slots[w]!, { id: nextId++, texts: texts.slice(from, to), options })),
    );
    const out: Signature[] = new Array(texts.length);
    runs.forEach(([from, to], w) => {
      const v = values[w]!;
      if (v.length !== (to - from) * numPerm)
        throw new NeardupError(
          `signing worker returned ${v.length} values for ${to - from} texts of ${numPerm}`,
        );
      for (let i = from; i < to; i++)
        out[i] = {
          numPerm,
          seed,
          shingleSize,
          values: v.subarray((i - from) * numPerm, (i - from + 1) * numPerm),
        };
    });
    return out;
  };

  const close = async () => {
    closed = true;
    await Promise.all(slots.map((slot) => slot.worker?.terminate()));
  };

  return { sign, workers: count, close };
}

// dedup with its signing in worker threads (workerSigner from neardup/node) against dedup signing
// in the main thread, on the same documents: used by the suite's worker section
// (bench/sections/workers.ts) and by bench/dedup-workers.ts.

import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { buildSync } from 'esbuild';
import { type DedupDocument, type DedupResult, dedup } from '../../src/index.js';
import { workerSigner } from '../../src/node.js';

/**
 * Builds the worker script from the sources (src/node/sign-worker.ts) into `outfile`, so the
 * workers run the code being measured whatever state dist/ is in.
 */
export function buildSignWorker(outfile = '.bench/sign-worker.mjs'): URL {
  const path = resolve(outfile);
  mkdirSync(dirname(path), { recursive: true });
  buildSync({
    entryPoints: ['src/node/sign-worker.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: path,
    logLevel: 'warning',
  });
  return pathToFileURL(path);
}

/** One configuration's runs. */
export interface WorkerConfigTimes {
  /** 0: signing in the main thread (no hook); n ≥ 1: n worker threads. */
  workers: number;
  /** Elapsed milliseconds of each run. */
  wall: number[];
  /** CPU milliseconds of the whole process (every thread) in each run. */
  cpu: number[];
}

/** What {@link timeWorkerDedup} measured. */
export interface WorkerDedupTimes {
  configs: WorkerConfigTimes[];
  /** The clusters every configuration found (checked equal). */
  clusters: number;
  pairs: number;
}

/** Options of {@link timeWorkerDedup}. */
export interface WorkerDedupOptions {
  /** Worker counts to run, 0 for the main thread only. @default [0, 1, 2] */
  configs?: number[];
  /** Runs per configuration, interleaved (one of each, then again). @default 3 */
  runs?: number;
  /** dedup's threshold. @default 0.8 */
  threshold?: number;
  /** The worker script (see {@link buildSignWorker}). */
  script: URL;
  log?: (message: string) => void;
}

/** A label for a configuration: "main thread only", "1 worker thread", "2 worker threads". */
export const workersLabel = (w: number) =>
  w === 0 ? 'main thread only' : `${w} worker thread${w > 1 ? 's' : ''}`;

/** The median of a list of numbers (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Times dedup of `docs` with its signing in the main thread and in worker threads, after one
 * warm-up run; the workers are started and closed inside each timing. Throws if a configuration
 * finds other clusters than the first run.
 */
export async function timeWorkerDedup(
  docs: readonly DedupDocument[],
  options: WorkerDedupOptions,
): Promise<WorkerDedupTimes> {
  const { configs = [0, 1, 2], runs = 3, threshold = 0.8, script, log } = options;
  const once = async (workers: number): Promise<{ wall: number; cpu: number; result: DedupResult }> => {
    const w0 = performance.now();
    const c0 = cpuNow();
    const signer = workers > 0 ? workerSigner({ workers, script }) : undefined;
    try {
      const result = await dedup(docs, { threshold, sign: signer?.sign });
      return { wall: performance.now() - w0, cpu: cpuNow() - c0, result };
    } finally {
      await signer?.close();
    }
  };
  const reference = (await once(0)).result; // warm-up: the JIT, and the first index of the process
  const times = configs.map((workers) => ({ workers, wall: [] as number[], cpu: [] as number[] }));
  for (let r = 0; r < runs; r++)
    for (const t of times) {
      log?.(`workers: run ${r + 1} of ${runs}, ${workersLabel(t.workers)}`);
      const { wall, cpu, result } = await once(t.workers);
      if (!isDeepStrictEqual(result.clusters, reference.clusters))
        throw new Error(`${workersLabel(t.workers)} found other clusters than the main thread`);
      t.wall.push(wall);
      t.cpu.push(cpu);
    }
  return { configs: times, clusters: reference.clusters.length, pairs: reference.pairs };
}

// Timing with tinybench, and the statistics the report needs on top of it.

import { Bench } from 'tinybench';

/** Per-call latency of one task, in milliseconds. */
export interface Timing {
  /** Mean time per call. */
  mean: number;
  /** Median time per call. */
  p50: number;
  /** 99th percentile time per call. */
  p99: number;
  /** Relative margin of error of the mean at 95%, in percent. */
  rme: number;
  /** Number of timed calls. */
  samples: number;
}

/** How long and how often to time a task. */
export interface TimeOptions {
  /** Time budget in milliseconds (tinybench keeps going until both this and `iterations` are met). */
  time: number;
  /** Least number of timed calls. */
  iterations: number;
  /** Warm-up calls before timing (the JIT compiles the hot paths during these). */
  warmupIterations?: number;
}

/**
 * What a timing counts: `wall`, elapsed time (what a user waits); `cpu`, this process's CPU time
 * (user + system, from process.cpuUsage()), which other processes on a busy machine inflate far
 * less. The two agree on an idle machine, except that cpu also counts the garbage collector's
 * helper threads.
 */
export type Clock = 'wall' | 'cpu';

let clock: Clock = 'wall';

/** Sets the clock every later {@link time} call uses. */
export function useClock(c: Clock): void {
  clock = c;
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The current time in milliseconds on the clock set by {@link useClock}. */
export function now(): number {
  return clock === 'cpu' ? cpuNow() : performance.now();
}

/** Times `fn` with tinybench (warmed up first) and returns its per-call latency. */
export function time(name: string, fn: () => unknown, options: TimeOptions): Timing {
  const bench = new Bench({
    ...(clock === 'cpu' ? { now: cpuNow } : {}),
    time: options.time,
    iterations: options.iterations,
    warmupIterations: options.warmupIterations ?? Math.min(16, options.iterations),
    warmupTime: Math.min(250, options.time / 4),
    throws: true,
  });
  bench.add(name, fn);
  const [task] = bench.runSync();
  const result = task!.result;
  if (!('latency' in result)) throw new Error(`benchmark "${name}" did not complete: ${result.state}`);
  const { latency } = result;
  return {
    mean: latency.mean,
    p50: latency.p50,
    p99: latency.p99,
    rme: latency.rme,
    samples: latency.samplesCount,
  };
}

/**
 * Least-squares slope of log(y) on log(x): the exponent b in y ≈ c·xᵇ. A slope of 1 is linear
 * growth; 2 is quadratic.
 */
export function growthExponent(points: readonly { x: number; y: number }[]): number {
  const xs = points.map((p) => Math.log(p.x));
  const ys = points.map((p) => Math.log(p.y));
  const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
  const my = ys.reduce((s, v) => s + v, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxy / sxx;
}

/** Wall time of one call of `fn`, in milliseconds (for stages too slow or too stateful to repeat). */
export function once<T>(fn: () => T): { ms: number; value: T } {
  const t0 = now();
  const value = fn();
  return { ms: now() - t0, value };
}

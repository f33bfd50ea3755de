// Section: dedup with its signing in worker threads (workerSigner, `neardup dedup --workers`)
// against signing in the main thread, on the same documents: the speedup of 1 and 2 workers.

import os from 'node:os';
import { plantedCorpus } from '../lib/corpus.js';
import type { BenchContext, Section, SectionResult } from '../lib/section.js';
import { int, type Table } from '../lib/table.js';
import { buildSignWorker, median, timeWorkerDedup, workersLabel } from '../lib/workers.js';

export const workersSection: Section = {
  id: 'workers',
  title: 'dedup with worker threads',
  async run(ctx: BenchContext): Promise<SectionResult> {
    const count = ctx.quick ? 5000 : 20_000;
    const runs = ctx.quick ? 1 : 3;
    ctx.log(`workers: ${int(count)} documents`);
    const docs = Array.from(plantedCorpus(count, 7), ({ id, text }) => ({ id, text }));
    const load = os.loadavg();
    const times = await timeWorkerDedup(docs, { runs, script: buildSignWorker(), log: ctx.log });
    const loadEnd = os.loadavg();
    const rate = (ms: number) => count / (ms / 1000);
    const base = rate(median(times.configs[0]!.wall));
    const rows = times.configs.map((t) => {
      const m = rate(median(t.wall));
      const busy = t.cpu.reduce((a, b) => a + b, 0) / t.wall.reduce((a, b) => a + b, 0);
      return {
        workers: t.workers,
        speedup: m / base,
        cells: [
          workersLabel(t.workers),
          int(m),
          t.wall.map((w) => int(rate(w))).join(', '),
          busy.toFixed(2),
          `${(m / base).toFixed(2)}×`,
        ],
      };
    });
    const two = rows.find((r) => r.workers === 2);
    const one = rows.find((r) => r.workers === 1);
    const table: Table = {
      title:
        `dedup() of ${int(count)} news-length documents (threshold 0.8, batches of 1,000), ` +
        `${runs} run${runs > 1 ? 's' : ''} per configuration interleaved, elapsed time`,
      columns: ['signing in', 'documents/s (median)', 'runs', 'CPU time / elapsed', 'speedup'],
      rows: rows.map((r) => r.cells),
    };
    return {
      tables: [table],
      headlines: two
        ? [
            `dedup with its signing in 2 worker threads: **${two.speedup.toFixed(2)}×** the documents per ` +
              `second of signing in the main thread (1 worker: ${one?.speedup.toFixed(2)}×; elapsed time, ` +
              `load average ${load[0]!.toFixed(1)} on ${os.availableParallelism()} cores when it started).`,
          ]
        : [],
      notes: [
        'Each run is a whole `dedup()` of documents already in memory (from `plantedCorpus(count, 7)`), ' +
          'with the workers (`workerSigner({ workers })` from `neardup/node`, the script built from ' +
          'src/node/sign-worker.ts) started and closed inside the timing; every run must find the same ' +
          `clusters as signing in the main thread (${int(times.clusters)} clusters, ${int(times.pairs)} ` +
          'pairs), and did. With workers, dedup signs batch k + 1 in them while the main thread inserts ' +
          'and queries batch k: with 1 worker, signing and indexing overlap; with 2, signing is spread ' +
          'over both cores too.',
        'This table is always elapsed time, whatever `--clock` says: the point of workers is to use more ' +
          'CPU per second, which a CPU-time clock would count against them. "CPU time / elapsed" is the ' +
          'whole process (every thread): how many cores the run kept busy on average. On a machine busy ' +
          `with other work (load average ${load.map((l) => l.toFixed(2)).join(', ')} at the start of this ` +
          `section, ${loadEnd.map((l) => l.toFixed(2)).join(', ')} at its end) the second core is partly ` +
          'taken, and the speedup is lower than on an idle one.',
      ],
    };
  },
};

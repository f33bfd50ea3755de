// The LSH scale measurement (issue 6): a stream of news-length documents with planted
// near-duplicates (plantedCorpus) through dedup() on an in-memory index, then the index alone on
// the same signatures, single-query latency, and the recall of the planted pairs. bench/lsh-scale.ts
// runs it in a process of its own, so the peak RSS it reports is this work's alone; the suite's
// LSH section (bench/sections/lsh.ts) starts that process.

import {
  collisionProbability,
  dedup,
  exactJaccard,
  MinHashLSH,
  type Signature,
  shingle,
  signature,
  tokenize,
} from '../../src/index.js';
import { type PlantedDocument, plantedCorpus } from './corpus.js';

/** What to measure. */
export interface IngestOptions {
  /** Documents to index. */
  count: number;
  /** Documents of the same stream after those, not indexed, to query with. */
  fresh: number;
  /** Single queries of indexed documents to time. */
  queries: number;
  /** The index's threshold. */
  threshold: number;
  /** Seed of the corpus. */
  seed: number;
  /** Progress (stderr). */
  log(message: string): void;
}

/** Elapsed and CPU time of one stage, in milliseconds. */
export interface StageTime {
  wall: number;
  cpu: number;
}

/**
 * Latency of single queries, in elapsed milliseconds (always: a CPU-time clock counts in whole
 * microseconds, too coarse for calls of a few).
 */
export interface Latency {
  count: number;
  p50: number;
  p99: number;
  max: number;
  /** Queries that returned at least one match other than the document itself. */
  matched: number;
}

/** Recall of the planted pairs whose exact Jaccard is in [lo, hi). */
export interface RecallBin {
  lo: number;
  hi: number;
  pairs: number;
  /** Pairs whose two documents dedup put in one cluster. */
  clustered: number;
  /** Pairs whose original a query of the copy (against the full index) returned. */
  queried: number;
  /** Mean LSH candidate probability 1 − (1 − Jʳ)ᵇ over the bin's pairs (before the score check). */
  candidate: number;
}

/** Everything measured, JSON-serialisable (it crosses a process boundary). */
export interface IngestResult {
  count: number;
  meanChars: number;
  threshold: number;
  bands: number;
  rows: number;
  /** Generating the text alone (the first pass over the stream). */
  generate: StageTime;
  /** dedup() streaming the generated documents: generating them included. */
  dedup: StageTime;
  clusters: number;
  pairs: number;
  /** Verified pairs between documents that are not copies of one original (false positives). */
  unplantedPairs: number;
  /** Process peak RSS (bytes) when dedup returned, and V8 heap in use then. */
  peakRssDedup: number;
  heapAfterDedup: number;
  /** The index alone on the same signatures, batches of 1,000: insertMany, then queryMany of the batch. */
  insert: StageTime;
  queryMany: StageTime;
  indexed: Latency;
  fresh: Latency;
  planted: number;
  recall: RecallBin[];
  /** Process peak RSS (bytes) at the end, after the index-alone run held a second index. */
  peakRssEnd: number;
}

const BINS = [0, 0.7, 0.75, 0.8, 0.85, 0.9, 1.01];

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const shingles = (text: string) => shingle(tokenize(text).hashes, 5).hashes;

function latency(times: number[], matched: number): Latency {
  const s = times.slice().sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { count: s.length, p50: at(0.5), p99: at(0.99), max: s[s.length - 1]!, matched };
}

/** The first `n` documents of a stream, as dedup's input, leaving the stream open for the rest. */
function* take(stream: Iterator<PlantedDocument>, n: number): Generator<{ id: string; text: string }> {
  for (let i = 0; i < n; i++) {
    const r = stream.next();
    if (r.done) return;
    yield { id: r.value.id, text: r.value.text };
  }
}

/** Runs the measurement (see the file comment). */
export async function ingest(options: IngestOptions): Promise<IngestResult> {
  const { count, threshold, seed, log } = options;

  // Pass 1: time the generator alone, 100 documents at a time (so the clocks are read rarely and
  // the ground truth computed in between is left out), and note each planted pair with its exact
  // Jaccard.
  log(
    `lsh: generating ${count.toLocaleString('en-US')} documents (timed alone) and the planted pairs' Jaccard`,
  );
  const generate: StageTime = { wall: 0, cpu: 0 };
  const planted: { copy: string; original: string; jaccard: number }[] = [];
  const family = new Map<string, string>(); // copy → its original
  let chars = 0;
  const first = plantedCorpus(count, seed);
  for (let done = false; !done; ) {
    const chunk: PlantedDocument[] = [];
    const w = performance.now();
    const c = cpuNow();
    while (chunk.length < 100) {
      const r = first.next();
      if (r.done) {
        done = true;
        break;
      }
      chunk.push(r.value);
    }
    generate.cpu += cpuNow() - c;
    generate.wall += performance.now() - w;
    for (const doc of chunk) {
      chars += doc.text.length;
      if (!doc.copyOf) continue;
      planted.push({
        copy: doc.id,
        original: doc.copyOf.id,
        jaccard: exactJaccard(shingles(doc.text), shingles(doc.copyOf.text)),
      });
      family.set(doc.id, doc.copyOf.id);
    }
  }

  // Pass 2: dedup() streaming the same documents (generated again on the fly; none is held).
  log('lsh: dedup() of the stream into an in-memory index');
  const index = new MinHashLSH({ threshold });
  const stream = plantedCorpus(count + options.fresh, seed);
  const w0 = performance.now();
  const c0 = cpuNow();
  const result = await dedup(take(stream, count), {
    index,
    batchSize: 1000,
    progressEvery: 10_000,
    onProgress: (p) => log(`lsh: dedup ${p.documents.toLocaleString('en-US')} documents, ${p.pairs} pairs`),
  });
  const dedupTime = { wall: performance.now() - w0, cpu: cpuNow() - c0 };
  const peakRssDedup = process.resourceUsage().maxRSS * 1024;
  const heapAfterDedup = process.memoryUsage().heapUsed;

  const clusterOf = new Map<string, number>();
  result.clusters.forEach((c, i) => {
    for (const k of c.keys) clusterOf.set(k, i);
  });
  const root = (k: string) => family.get(k) ?? k;
  let unplantedPairs = 0;
  for (const c of result.clusters) for (const p of c.pairs) if (root(p.a) !== root(p.b)) unplantedPairs++;

  // The index alone: the same signatures (read back from dedup's index) into a new index, in
  // batches of 1,000 as dedup does: insertMany, then queryMany of the batch.
  log('lsh: the index alone on the same signatures');
  const keys = Array.from({ length: count }, (_, i) => `doc-${i}`);
  const sigs: Signature[] = [];
  for (let i = 0; i < count; i += 1000)
    for (const s of await index.getSignatures(keys.slice(i, i + 1000))) sigs.push(s!);
  const bare = new MinHashLSH({ threshold });
  const insert: StageTime = { wall: 0, cpu: 0 };
  const queryMany: StageTime = { wall: 0, cpu: 0 };
  const lap = (into: StageTime, w: number, c: number) => {
    into.wall += performance.now() - w;
    into.cpu += cpuNow() - c;
  };
  for (let start = 0; start < count; start += 1000) {
    const batch = sigs.slice(start, start + 1000);
    const entries = batch.map((signature, i) => ({ key: keys[start + i]!, signature }));
    let w = performance.now();
    let c = cpuNow();
    await bare.insertMany(entries);
    lap(insert, w, c);
    w = performance.now();
    c = cpuNow();
    await bare.queryMany(batch);
    lap(queryMany, w, c);
  }

  // Recall by query: each planted copy's signature against the full index.
  const sigOf = (key: string) => sigs[Number(key.slice(4))]!;
  const queried = new Set<string>();
  for (let i = 0; i < planted.length; i += 1000) {
    const part = planted.slice(i, i + 1000);
    const matches = await index.queryMany(part.map((p) => sigOf(p.copy)));
    part.forEach((p, j) => {
      if (matches[j]!.some((m) => m.key === p.original)) queried.add(p.copy);
    });
  }
  const recall: RecallBin[] = [];
  for (let b = 0; b + 1 < BINS.length; b++) {
    const inBin = planted.filter((p) => p.jaccard >= BINS[b]! && p.jaccard < BINS[b + 1]!);
    recall.push({
      lo: BINS[b]!,
      hi: Math.min(1, BINS[b + 1]!),
      pairs: inBin.length,
      clustered: inBin.filter((p) => {
        const c = clusterOf.get(p.copy);
        return c !== undefined && c === clusterOf.get(p.original);
      }).length,
      queried: inBin.filter((p) => queried.has(p.copy)).length,
      candidate:
        inBin.reduce((s, p) => s + collisionProbability(p.jaccard, index.bands, index.rows), 0) /
        Math.max(1, inBin.length),
    });
  }

  // Single-query latency against the full index: indexed documents (each finds itself, and its
  // near-duplicates), after a warm-up; then documents of the same stream that were not indexed.
  log('lsh: single queries');
  const timeQueries = async (qs: Signature[], self: (i: number) => string | undefined) => {
    const times: number[] = [];
    let matched = 0;
    for (let i = 0; i < qs.length; i++) {
      const t = performance.now();
      const found = await index.query(qs[i]!);
      times.push(performance.now() - t);
      if (found.some((m) => m.key !== self(i))) matched++;
    }
    return latency(times, matched);
  };
  const sample = Array.from({ length: options.queries }, (_, i) => (i * 7919) % count);
  await timeQueries(
    sample.slice(0, 1000).map((i) => sigs[i]!),
    () => undefined,
  ); // warm-up
  const indexed = await timeQueries(
    sample.map((i) => sigs[i]!),
    (i) => keys[sample[i]!],
  );
  const freshSigs = Array.from(stream, (d) => signature(d.text));
  const fresh = await timeQueries(freshSigs, () => undefined);

  return {
    count,
    meanChars: chars / count,
    threshold,
    bands: index.bands,
    rows: index.rows,
    generate,
    dedup: dedupTime,
    clusters: result.clusters.length,
    pairs: result.pairs,
    unplantedPairs,
    peakRssDedup,
    heapAfterDedup,
    insert,
    queryMany,
    indexed,
    fresh,
    planted: planted.length,
    recall,
    peakRssEnd: process.resourceUsage().maxRSS * 1024,
  };
}

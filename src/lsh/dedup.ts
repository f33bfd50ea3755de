// dedup(): stream documents through signatures and an LSH index, and group near-duplicates.
//
// Each batch of documents is inserted, then queried; a pair is kept when the other document came
// earlier in the input (or is in the index without being in the input), so each pair is found
// once, when its second document arrives. Inserting skips keys already stored, so re-running
// after a crash (the index already holds part of the input) stores nothing twice and finds the
// same pairs: a document stored by the crashed run that comes later in the input is recognised
// when it arrives, and the pair found early through it is dropped as a repeat.
//
// A document whose signature equals an earlier one's (boilerplate, a page crawled twice) is paired
// with that first document only and not looked up: it would match exactly what the first matched.
// Without this, a group of n identical documents costs n²/2 lookups, pairs and output lines.
//
// With a `sign` hook (e.g. worker threads, neardup/node's workerSigner), batch k+1 is signed
// while batch k is inserted and queried: one batch in flight, processed in input order, so the
// pairs and clusters are those of inline signing.

import { NeardupError } from '../errors.js';
import { hashRange } from '../hash.js';
import { isEmptySignature, type Signature } from '../minhash.js';
import { type SignatureOptions, signature } from '../signature.js';
import { checkKey, type LSHOptions, MinHashLSH } from './minhash-lsh.js';

/**
 * A document for {@link dedup}.
 *
 * @example
 * ```ts
 * import { readdirSync, readFileSync } from 'node:fs';
 *
 * const folder: DedupDocument[] = readdirSync('articles').map((name) => ({
 *   id: name,
 *   text: readFileSync(`articles/${name}`, 'utf8'),
 * }));
 * const { clusters } = await dedup(folder);
 * ```
 */
export interface DedupDocument {
  /** The document's id: a non-empty string, unique in the input; it becomes its key in the index. */
  readonly id: string;
  /** The document's text. */
  readonly text: string;
}

/**
 * Progress of {@link dedup}, passed to {@link DedupOptions.onProgress}.
 *
 * @example
 * ```ts
 * const onProgress = (p: DedupProgress) =>
 *   console.error(`${p.documents} read, ${p.indexed} new, ${p.pairs} pairs of ${p.candidates} candidates`);
 * await dedup(docs, { onProgress, progressEvery: 10_000 });
 * ```
 */
export interface DedupProgress {
  /** Documents read and processed so far. */
  readonly documents: number;
  /** Of those, documents newly inserted into the index. */
  readonly indexed: number;
  /** Of those, documents the index already held (a resumed run, or an index built earlier). */
  readonly alreadyIndexed: number;
  /** Verified pairs found so far. */
  readonly pairs: number;
  /** Candidates scored so far (each document's matches from the index, itself excluded). */
  readonly candidates: number;
}

/**
 * Signs a batch of texts for {@link dedup} ({@link DedupOptions.sign}): resolves to one signature
 * per text, in order, each equal to {@link signature}`(text, options)`.
 *
 * @example
 * ```ts
 * // Inline signing, what dedup does without a hook:
 * const sign: DedupSigner = async (texts, options) => texts.map((t) => signature(t, options));
 * ```
 */
export type DedupSigner = (
  texts: readonly string[],
  options: Required<SignatureOptions>,
) => Promise<readonly Signature[]> | readonly Signature[];

/**
 * Options of {@link dedup}: those of {@link MinHashLSH} plus batching, progress and an index to reuse.
 *
 * @example
 * ```ts
 * const options: DedupOptions = { threshold: 0.9, batchSize: 5000, progressEvery: 50_000 };
 * const { clusters } = await dedup(docs, { ...options, onProgress: (p) => console.error(p.documents) });
 * ```
 */
export interface DedupOptions extends LSHOptions {
  /**
   * The index to insert into and query, e.g. one on Redis so the work survives a crash and
   * several runs share it. Its parameters are used; any of threshold, numPerm, seed, shingleSize,
   * bands or rows also given here must agree with them. Without it, an index is opened on
   * `storage` ({@link MinHashLSH.open}: its stored parameters if it holds an index, else new
   * ones from these options). @default a new in-memory index
   */
  index?: MinHashLSH;
  /** Documents per batch: one storage write and one batched lookup each. @default 1000 */
  batchSize?: number;
  /**
   * Called with the progress every `progressEvery` documents (at the end of the batch that
   * reaches them) and once at the end (unless that batch's report was already the final state).
   * @default undefined: no progress reports
   */
  onProgress?: (progress: DedupProgress) => void | Promise<void>;
  /** Documents between two progress reports. @default 1000 */
  progressEvery?: number;
  /**
   * Signs each batch instead of the calling thread, e.g. in worker threads (`workerSigner` from
   * `neardup/node`). While it signs a batch, dedup inserts and queries the previous one; the
   * results are the same as without it. Its signatures must be those of {@link signature} with
   * the options it is given (the index's numPerm, seed and shingle size).
   * @default inline: {@link signature} on each document, in the calling thread
   */
  sign?: DedupSigner;
}

/**
 * A verified near-duplicate pair: `a < b` (string order), and their estimated Jaccard similarity.
 *
 * @example
 * ```ts
 * const { clusters } = await dedup(docs);
 * const pairs: ScoredPair[] = clusters.flatMap((c) => c.pairs);
 * for (const { a, b, score } of pairs) console.log(`${a} ~ ${b} (${score.toFixed(2)})`);
 * ```
 */
export interface ScoredPair {
  /** The smaller id. */
  readonly a: string;
  /** The larger id. */
  readonly b: string;
  /** Estimated Jaccard similarity of the two documents' signatures (≥ the threshold). */
  readonly score: number;
}

/**
 * A cluster of near-duplicates: documents connected by verified pairs.
 *
 * @example
 * ```ts
 * const summary = (c: DedupCluster) => `${c.keys.length} versions, ${c.pairs.length} pairs: ${c.keys.join(', ')}`;
 * for (const c of (await dedup(docs)).clusters) console.log(summary(c));
 * ```
 */
export interface DedupCluster {
  /** The ids in the cluster (at least two), sorted. */
  readonly keys: readonly string[];
  /**
   * The verified pairs that connect them, sorted by `a` then `b`. A document whose signature is
   * identical to an earlier document's is paired with that first document only (score 1), so a
   * group of n exact copies gives n − 1 pairs, not n(n − 1)/2.
   */
  readonly pairs: readonly ScoredPair[];
}

/**
 * What {@link dedup} found.
 *
 * @example
 * ```ts
 * const result: DedupResult = await dedup(docs);
 * console.log(`${result.documents} documents, ${result.pairs} pairs in ${result.clusters.length} clusters`);
 * ```
 */
export interface DedupResult {
  /** Clusters of at least two documents, sorted by their first id. */
  readonly clusters: DedupCluster[];
  /** Documents read. */
  readonly documents: number;
  /** Documents newly inserted into the index. */
  readonly indexed: number;
  /** Documents the index already held (a resumed run, or an index built earlier). */
  readonly alreadyIndexed: number;
  /** Verified pairs, over all clusters. */
  readonly pairs: number;
}

const COMPARED = ['threshold', 'numPerm', 'seed', 'shingleSize', 'bands', 'rows'] as const;

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new NeardupError(`${name} must be an integer ≥ 1, got ${value}`);
  return value;
}

function sameValues(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const compareStrings = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/** A 53-bit fingerprint of a signature's values: equal signatures, equal fingerprints. */
function fingerprint(sig: Signature): number {
  const v = sig.values;
  return (hashRange(v, 0, v.length, 1) >>> 0) * 0x200000 + (hashRange(v, 0, v.length, 2) >>> 11);
}

/** Clusters (connected components of the pairs) by union-find, sorted deterministically. */
function cluster(pairs: ScoredPair[]): DedupCluster[] {
  const id = new Map<string, number>();
  const names: string[] = [];
  const parent: number[] = [];
  const node = (key: string) => {
    let n = id.get(key);
    if (n === undefined) {
      n = names.length;
      id.set(key, n);
      names.push(key);
      parent.push(n);
    }
    return n;
  };
  const find = (n: number) => {
    while (parent[n] !== n) {
      parent[n] = parent[parent[n]!]!; // path halving
      n = parent[n]!;
    }
    return n;
  };
  for (const p of pairs) {
    const ra = find(node(p.a));
    const rb = find(node(p.b));
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  const groups = new Map<number, { keys: string[]; pairs: ScoredPair[] }>();
  const group = (root: number) => {
    let g = groups.get(root);
    if (!g) {
      g = { keys: [], pairs: [] };
      groups.set(root, g);
    }
    return g;
  };
  for (let n = 0; n < names.length; n++) group(find(n)).keys.push(names[n]!);
  for (const p of pairs) group(find(id.get(p.a)!)).pairs.push(p);
  const clusters = Array.from(groups.values(), (g) => ({
    keys: g.keys.sort(compareStrings),
    pairs: g.pairs.sort((x, y) => compareStrings(x.a, y.a) || compareStrings(x.b, y.b)),
  }));
  return clusters.sort((x, y) => compareStrings(x.keys[0]!, y.keys[0]!));
}

/**
 * Finds the near-duplicates in a stream of documents: each is tokenised, shingled and signed
 * ({@link signature}), inserted into an LSH index in batches, and checked against the documents
 * before it; pairs whose estimated Jaccard reaches the threshold are joined into clusters
 * (union-find). Besides the index, memory holds the ids and the pairs, not the texts.
 *
 * Signing is most of the work: `sign` moves it off the calling thread (see
 * {@link DedupOptions.sign}).
 *
 * A document without words (an empty text, punctuation only) is inserted but matches nothing, so
 * it is in no cluster, not even with another such document.
 *
 * Resumable: documents already in the index (from an interrupted run on the same persistent
 * index) are not inserted again but still matched, so a re-run stores nothing twice and returns
 * the same clusters as a run that was never interrupted. A document already in the index under
 * its id but with another text is an error.
 *
 * @throws {@link NeardupError} on a document without a non-empty string id or a string text, an
 * id repeated in the input (naming both positions), an id already indexed with another text,
 * options that disagree with the given index (or both `index` and `storage` given), `batchSize`
 * or `progressEvery` not an integer ≥ 1, invalid index options (as {@link MinHashLSH.open}), or
 * a `sign` hook that returns the wrong number of signatures.
 * @example
 * ```ts
 * import { workerSigner } from 'neardup/node';
 *
 * const { clusters } = await dedup(
 *   docs, // an array or an async iterable of { id, text }
 *   { threshold: 0.8, onProgress: (p) => console.error(`${p.documents} documents, ${p.pairs} pairs`) },
 * );
 * for (const c of clusters) console.log(c.keys.join(' ~ '));
 *
 * // Signing on every core (Node):
 * const signer = workerSigner();
 * try {
 *   console.log((await dedup(docs, { sign: signer.sign })).clusters.length);
 * } finally {
 *   await signer.close();
 * }
 * ```
 */
export async function dedup(
  docs: AsyncIterable<DedupDocument> | Iterable<DedupDocument>,
  options: DedupOptions = {},
): Promise<DedupResult> {
  const batchSize = positiveInteger('batchSize', options.batchSize ?? 1000);
  const progressEvery = positiveInteger('progressEvery', options.progressEvery ?? 1000);
  if (options.index && options.storage)
    throw new NeardupError('give dedup an index or a storage, not both (the index has its storage)');
  // On a storage that already holds an index, MinHashLSH.open uses its parameters (checking any given).
  const index = options.index ?? (await MinHashLSH.open(options));
  if (options.index) {
    const diffs = COMPARED.filter((n) => options[n] !== undefined && options[n] !== index.params[n]).map(
      (n) => `${n} ${index.params[n]} (index) vs ${options[n]} (options)`,
    );
    if (diffs.length > 0)
      throw new NeardupError(`dedup options disagree with the given index: ${diffs.join(', ')}`);
  }
  await index.ready();
  const { numPerm, seed, shingleSize, threshold } = index.params;
  const sigOptions = { numPerm, seed, shingleSize };

  const ordinal = new Map<string, number>(); // every input id → its position
  // The first document of each distinct signature, by fingerprint (not the signature: memory
  // holds ids, not signatures); and each later document with the very same signature → that one.
  const firstWith = new Map<number, string>();
  const copyOf = new Map<string, string>();
  const pairs: ScoredPair[] = [];
  const outside: { pair: ScoredPair; other: string }[] = []; // pairs with a key not (yet) seen in the input
  let documents = 0;
  let indexed = 0;
  let alreadyIndexed = 0;
  let candidates = 0;
  let reported = 0;
  let last: DedupProgress | undefined;
  const report = async () => {
    reported = documents;
    last = { documents, indexed, alreadyIndexed, pairs: pairs.length, candidates };
    await options.onProgress?.(last);
  };

  const orient = (x: string, y: string, score: number): ScoredPair =>
    x < y ? { a: x, b: y, score } : { a: y, b: x, score };

  // The documents of a batch to look up: all but exact copies of an earlier signature, which are
  // paired with its first document instead (a fingerprint match, confirmed against the index).
  const lookupsOf = async (docsNow: DedupDocument[], sigs: readonly Signature[]) => {
    const hits: { i: number; first: string }[] = [];
    sigs.forEach((sig, i) => {
      if (isEmptySignature(sig)) return; // no words: a near-duplicate of nothing, looked up to no effect
      const fp = fingerprint(sig);
      const first = firstWith.get(fp);
      if (first === undefined) firstWith.set(fp, docsNow[i]!.id);
      else hits.push({ i, first });
    });
    const copies = new Set<number>();
    if (hits.length > 0) {
      const stored = await index.getSignatures(hits.map((h) => h.first));
      hits.forEach(({ i, first }, k) => {
        if (!sameValues(stored[k]?.values ?? new Uint32Array(0), sigs[i]!.values)) return; // fingerprints collided
        copies.add(i);
        copyOf.set(docsNow[i]!.id, first);
        pairs.push(orient(first, docsNow[i]!.id, 1));
      });
    }
    return docsNow.map((_, i) => i).filter((i) => !copies.has(i));
  };

  const processBatch = async (docsNow: DedupDocument[], sigs: readonly Signature[]) => {
    if (sigs.length !== docsNow.length)
      throw new NeardupError(
        `sign returned ${sigs.length} signatures for a batch of ${docsNow.length} texts`,
      );
    const result = await index.insertMany(
      docsNow.map((d, i) => ({ key: d.id, signature: sigs[i]! })),
      { ifExists: 'skip' },
    );
    indexed += result.inserted;
    alreadyIndexed += result.existing.length;
    if (result.existing.length > 0) {
      // Already stored: by an interrupted run (same text, same signature) — or another text.
      const stored = await index.getSignatures(result.existing);
      const position = new Map(docsNow.map((d, i) => [d.id, i]));
      result.existing.forEach((key, i) => {
        if (!sameValues(stored[i]?.values ?? new Uint32Array(0), sigs[position.get(key)!]!.values))
          throw new NeardupError(
            `document ${JSON.stringify(key)} is already in the index with a different signature ` +
              `(its text changed, or another document has that id); remove it from the index or rename it`,
          );
      });
    }
    const lookups = await lookupsOf(docsNow, sigs);
    const matches = await index.queryMany(
      lookups.map((i) => sigs[i]!),
      { minScore: threshold },
    );
    for (let m = 0; m < lookups.length; m++) {
      const id = docsNow[lookups[m]!]!.id;
      const mine = ordinal.get(id)!;
      for (const { key, score } of matches[m]!) {
        if (key === id) continue;
        candidates++;
        if (copyOf.has(key)) continue; // its first document is a match too, with the same score
        const theirs = ordinal.get(key);
        if (theirs === undefined) outside.push({ pair: orient(id, key, score), other: key });
        else if (theirs < mine) pairs.push(orient(id, key, score));
        // theirs > mine: found again when that document is processed.
      }
    }
    documents += docsNow.length;
    if (options.onProgress && documents - reported >= progressEvery) await report();
  };

  const sign = options.sign;
  // With a sign hook: the batch being signed. Its rejection is handled when it is awaited, or
  // dropped if dedup fails first (no unhandled rejection).
  let signing: { docs: DedupDocument[]; sigs: Promise<readonly Signature[]> } | undefined;
  let failed = false; // processing a batch failed: nothing more is processed
  const processPending = async () => {
    const pending = signing;
    signing = undefined;
    if (pending) await processBatch(pending.docs, await pending.sigs);
  };
  let batch: DedupDocument[] = [];
  const flush = async () => {
    const docsNow = batch;
    batch = [];
    try {
      if (!sign) {
        const sigs = docsNow.map((d) => signature(d.text, sigOptions));
        if (docsNow.length > 0) await processBatch(docsNow, sigs);
        return;
      }
      const previous = signing;
      signing = undefined;
      if (docsNow.length > 0) {
        const texts = docsNow.map((d) => d.text);
        const sigs = (async () => sign(texts, sigOptions))();
        sigs.catch(() => {});
        signing = { docs: docsNow, sigs };
      }
      if (previous) await processBatch(previous.docs, await previous.sigs);
    } catch (error) {
      failed = true;
      throw error;
    }
  };

  let position = 0;
  try {
    for await (const doc of docs) {
      const where = `document ${position}`;
      if (doc === null || typeof doc !== 'object')
        throw new NeardupError(`${where} is not an object { id, text }`);
      checkKey(doc.id, `${where}: id`);
      if (typeof doc.text !== 'string')
        throw new NeardupError(
          `${where} (id ${JSON.stringify(doc.id)}): text must be a string, got ${typeof doc.text}`,
        );
      const before = ordinal.get(doc.id);
      if (before !== undefined)
        throw new NeardupError(
          `document id ${JSON.stringify(doc.id)} appears twice in the input (documents ${before} and ${position})`,
        );
      ordinal.set(doc.id, position++);
      batch.push(doc);
      if (batch.length >= batchSize) await flush();
    }
  } catch (error) {
    // A bad document or a failing input: the batches before it are processed, as without a hook.
    if (!failed) await processPending();
    throw error;
  }
  await flush();
  await processPending(); // with a hook, the last batch was still being signed

  // A key met before its own turn came (stored by an interrupted run) was paired again when it
  // arrived; only keys that never came are outside the input.
  for (const { pair, other } of outside) if (!ordinal.has(other)) pairs.push(pair);
  // The final report, unless the last batch's report already said it all.
  if (options.onProgress && (last?.documents !== documents || last.pairs !== pairs.length)) await report();
  return { clusters: cluster(pairs), documents, indexed, alreadyIndexed, pairs: pairs.length };
}

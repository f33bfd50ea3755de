/**
 * neardup/node: the parts of neardup that need Node's built-in modules, kept out of the main
 * entry so that one runs in browsers too. Saving and loading index snapshots as files:
 * {@link saveIndex} and {@link loadIndex}; signing dedup's documents in worker threads:
 * {@link workerSigner}.
 *
 * @packageDocumentation
 */

export type { WorkerSigner, WorkerSignerOptions } from './node/workers.js';
export { workerSigner } from './node/workers.js';
export { loadIndex, saveIndex } from './storage/file.js';

/**
 * neardup/node: the parts of neardup that need Node's built-in modules, kept out of the main
 * entry so that one runs in browsers too. Saving and loading index snapshots as files:
 * {@link saveIndex} and {@link loadIndex}.
 *
 * @packageDocumentation
 */

export { loadIndex, saveIndex } from './storage/file.js';

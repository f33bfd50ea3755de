/**
 * neardup: find near-duplicate text and show exactly what two texts share.
 *
 * The pipeline, one module per stage: {@link tokenize} and {@link segmentParagraphs} (text),
 * {@link shingle}, {@link minhash}, {@link alignParagraphs}, {@link findSharedRuns} (passages),
 * and {@link compare}, which runs them all and returns a {@link Report}.
 *
 * At corpus scale: {@link MinHashLSH}, an index of signatures that finds near-duplicates without
 * comparing all pairs (bands and rows from {@link optimalBandsRows}, entries in an
 * {@link LSHStorage}, in memory by default), and {@link dedup}, which streams documents through it
 * into clusters. Snapshot files: `saveIndex` and `loadIndex` from `neardup/node`.
 *
 * @packageDocumentation
 */

export type {
  AlignOptions,
  AlignSide,
  PairKind,
  ParagraphAlignment,
  ParagraphMatch,
} from './align.js';
export { alignParagraphs, wordEditSimilarity } from './align.js';
export { NeardupError } from './errors.js';
export type { PanAnnotation, PanDocumentPair, PanMeasures } from './eval/pan.js';
export { panMeasures } from './eval/pan.js';
export type {
  DedupCluster,
  DedupDocument,
  DedupOptions,
  DedupProgress,
  DedupResult,
  DedupSigner,
  ScoredPair,
} from './lsh/dedup.js';
export { dedup } from './lsh/dedup.js';
export type {
  FromBytesOptions,
  InsertEntry,
  InsertOptions,
  InsertResult,
  LSHOptions,
  LSHPair,
  PairsOptions,
  QueryMatch,
  QueryOptions,
} from './lsh/minhash-lsh.js';
export { MinHashLSH } from './lsh/minhash-lsh.js';
export type { BandsRows, BandsRowsOptions, LSHWeights, OptimalBandsRows } from './lsh/params.js';
export {
  collisionProbability,
  DEFAULT_THRESHOLD,
  DEFAULT_WEIGHTS,
  falseNegativeArea,
  falsePositiveArea,
  optimalBandsRows,
  resolveBandsRows,
} from './lsh/params.js';
export { SNAPSHOT_VERSION } from './lsh/snapshot.js';
export type { MinHashOptions, Signature } from './minhash.js';
export {
  DEFAULT_NUM_PERM,
  DEFAULT_SEED,
  estimateJaccard,
  exactJaccard,
  isEmptySignature,
  minhash,
  signatureFromBase64,
  signatureFromBytes,
  signatureToBase64,
  signatureToBytes,
  standardError,
} from './minhash.js';
export type { DiffOp, DiffStep, LineBounds, NearMatch, NearOptions, NearSide } from './near.js';
export { findNearPassages } from './near.js';
export type { CompareOptions, ResolvedCompareOptions } from './options.js';
export { defaultCompareOptions, resolveCompareOptions } from './options.js';
export type { SharedRuns, WordRun } from './passages.js';
export { findSharedRuns } from './passages.js';
export type {
  NearPassage,
  ParagraphPair,
  Passage,
  PerText,
  Report,
  VerbatimPassage,
  WordDiffStep,
} from './report/compare.js';
export { compare, REPORT_SCHEMA } from './report/compare.js';
export type { TextFormatOptions } from './report/format.js';
export { formatJson, formatText } from './report/format.js';
export type { HtmlFormatOptions } from './report/html.js';
export { formatHtml } from './report/html.js';
export type { Shingles } from './shingle.js';
export { DEFAULT_SHINGLE_SIZE, shingle, shingleSpan, uniqueSorted } from './shingle.js';
export type { SignatureOptions } from './signature.js';
export { signature } from './signature.js';
export { ENGLISH_STOP_WORDS } from './stopwords.js';
export { MemoryStorage } from './storage/memory.js';
export type { EntryBatch, IndexParams, InsertMode, LSHStorage } from './storage/types.js';
export type { Paragraph, Range, Tokens } from './text.js';
export { normalizeText, segmentParagraphs, tokenize } from './text.js';

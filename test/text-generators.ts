// Seeded generators of plain English-like text for tests and benchmarks.

/** mulberry32: a tiny seeded PRNG, so generated texts are the same on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'do', 'gi', 'hu', 'be', 'fy'];

/** A random word of 2–4 syllables: 15⁴ ≈ 50,000 distinct words, so long random texts rarely repeat a 5-gram. */
export function randomWord(next: () => number): string {
  const n = 2 + Math.floor(next() * 3);
  let w = '';
  for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
  return w;
}

/** `count` random words joined by spaces. */
export function randomWords(count: number, next: () => number): string[] {
  return Array.from({ length: count }, () => randomWord(next));
}

/**
 * Two texts whose 5-shingle sets have Jaccard close to `target`: paragraphs of random words, a
 * share of them common to both texts and the rest distinct.
 */
export function textPairWithJaccard(target: number, paragraphs: number, seed: number): [string, string] {
  const next = rng(seed);
  // Shared paragraphs s, private p per side: J = s / (s + 2p), so s = 2J·total / (1 + J).
  const shared = Math.round((2 * target * paragraphs) / (1 + target));
  const own = paragraphs - shared;
  const paragraph = () => randomWords(12, next).join(' ');
  const common = Array.from({ length: shared }, paragraph);
  const a = [...common, ...Array.from({ length: own }, paragraph)];
  const b = [...common, ...Array.from({ length: own }, paragraph)];
  return [a.join('\n\n'), b.join('\n\n')];
}

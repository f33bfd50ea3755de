// Find the near-duplicate files in a folder. Run: node examples/dedup-folder.mjs [FOLDER]
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dedup } from 'neardup';

const folder = process.argv[2] ?? fileURLToPath(new URL('./news/', import.meta.url));

async function* documents() {
  const names = (await readdir(folder)).filter((name) => name.endsWith('.txt')).sort();
  for (const name of names) yield { id: name, text: await readFile(join(folder, name), 'utf8') };
}

// Streams the files through signatures and an in-memory LSH index; only ids and pairs are kept.
const result = await dedup(documents(), { threshold: 0.7 });
console.log(`${result.documents} documents, ${result.clusters.length} cluster(s) of near-duplicates`);
for (const cluster of result.clusters) {
  const [pair] = cluster.pairs;
  console.log(`${cluster.keys.join(' ~ ')} (Jaccard ≈ ${pair.score.toFixed(2)})`);
}

// A megabyte-scale pair for the HTML report's size and browser tests.

import { randomWord, rng } from './text-generators.js';

/**
 * About `chars` characters of random words in 60-word paragraphs (A), and a copy (B) with 2% of
 * the words replaced, 0.5% cut and 0.5% added: thousands of verbatim passages, long near ones.
 */
export function bigPair(chars: number, seed: number): [string, string] {
  const next = rng(seed);
  const wa: string[] = [];
  const wb: string[] = [];
  let length = 0;
  for (let k = 0; length < chars; k++) {
    const w = randomWord(next);
    const sep = k % 60 === 59 ? '\n\n' : ' ';
    wa.push(w + sep);
    length += w.length + sep.length;
    const r = next();
    if (r < 0.02) wb.push(randomWord(next) + sep);
    else if (r >= 0.025) wb.push(w + sep);
    if (r > 0.995) wb.push(`${randomWord(next)} `);
  }
  return [wa.join(''), wb.join('')];
}

// Near passages built independently of the near aligner, for the report views and the schema:
// one per `near` paragraph pair, with a word diff computed here by jsdiff over the paragraphs'
// normalised words, in the report's shape (kind "near", diff steps, verbatim passages inside).

import { diffArrays } from 'diff';
import { type NearPassage, type Range, type Report, tokenize, type WordDiffStep } from '../src/index.js';

/** Token indices `[first, end)` of the words inside `r`. */
function tokensIn(starts: Uint32Array, ends: Uint32Array, r: Range): [number, number] {
  let first = 0;
  while (first < starts.length && starts[first]! < r.start) first++;
  let end = first;
  while (end < ends.length && ends[end]! <= r.end) end++;
  return [first, end];
}

/**
 * A near passage over `ra` in A and `rb` in B: their words diffed with jsdiff (a delete followed
 * by an insert becomes one replace), each step's ranges running from its first word's start to
 * its last word's end, and an empty range at the insertion point on the side without words.
 */
export function nearPassage(a: string, b: string, ra: Range, rb: Range): NearPassage {
  const ta = tokenize(a);
  const tb = tokenize(b);
  const [a0, a1] = tokensIn(ta.starts, ta.ends, ra);
  const [b0, b1] = tokensIn(tb.starts, tb.ends, rb);
  const changes = diffArrays(ta.words.slice(a0, a1), tb.words.slice(b0, b1));
  const diff: WordDiffStep[] = [];
  let i = a0;
  let j = b0;
  // The range of `n` words from token `k`, or, for none, the empty range where token `k` starts
  // (after the passage's last word when `k` is past it).
  const words = (t: typeof ta, k: number, n: number, end: number): Range => {
    if (n > 0) return { start: t.starts[k]!, end: t.ends[k + n - 1]! };
    const at = k < end ? t.starts[k]! : t.ends[k - 1]!;
    return { start: at, end: at };
  };
  let equal = 0;
  for (let c = 0; c < changes.length; c++) {
    const change = changes[c]!;
    const next = changes[c + 1];
    if (change.removed && next?.added) {
      diff.push({
        op: 'replace',
        a: words(ta, i, change.count, a1),
        b: words(tb, j, next.count, b1),
      });
      i += change.count;
      j += next.count;
      c++;
    } else if (change.removed) {
      diff.push({ op: 'delete', a: words(ta, i, change.count, a1), b: words(tb, j, 0, b1) });
      i += change.count;
    } else if (change.added) {
      diff.push({ op: 'insert', a: words(ta, i, 0, a1), b: words(tb, j, change.count, b1) });
      j += change.count;
    } else {
      diff.push({
        op: 'equal',
        a: words(ta, i, change.count, a1),
        b: words(tb, j, change.count, b1),
      });
      i += change.count;
      j += change.count;
      equal += change.count;
    }
  }
  const a2 = { start: ta.starts[a0]!, end: ta.ends[a1 - 1]! };
  const b2 = { start: tb.starts[b0]!, end: tb.ends[b1 - 1]! };
  return {
    kind: 'near',
    a: a2,
    b: b2,
    words: a1 - a0,
    wordsB: b1 - b0,
    text: a.slice(a2.start, a2.end),
    textB: b.slice(b2.start, b2.end),
    similarity: (2 * equal) / (a1 - a0 + b1 - b0),
    diff,
    verbatim: [],
  };
}

const inside = (inner: Range, outer: Range) => inner.start >= outer.start && inner.end <= outer.end;

/**
 * The report with its near passages replaced by jsdiff-built ones over its `near` paragraph
 * pairs, sorted by A start then B start (verbatim first at the same place), each near passage
 * listing the verbatim passages inside it on both sides.
 */
export function withParagraphNearPassages(report: Report, a: string, b: string): Report {
  const verbatim = report.passages.filter((p) => p.kind === 'verbatim');
  const near = report.paragraphs.filter((p) => p.kind === 'near').map((p) => nearPassage(a, b, p.a, p.b));
  const all = [...verbatim, ...near].sort(
    (x, y) =>
      x.a.start - y.a.start || x.b.start - y.b.start || Number(x.kind === 'near') - Number(y.kind === 'near'),
  );
  for (const n of all)
    if (n.kind === 'near')
      n.verbatim = all.flatMap((v, i) =>
        v.kind === 'verbatim' && inside(v.a, n.a) && inside(v.b, n.b) ? [i] : [],
      );
  return { ...report, passages: all };
}

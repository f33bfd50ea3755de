// The HTML report: escaping, one highlighted and linked element per passage on both sides,
// offsets (each passage's segments hold exactly its slice), overlaps, near passages' word diffs,
// size on megabyte texts, and the CLI's --format html. The page is parsed back here with a
// strict tokenizer of the text columns (anything unexpected fails); test/browser.test.ts checks
// it in a real browser.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import {
  compare,
  formatHtml,
  NeardupError,
  type NearPassage,
  type Range,
  type Report,
} from '../src/index.js';
import { bigPair } from './big-pair.js';
import { fcParams, plantedPairArb } from './generators.js';
import { withParagraphNearPassages } from './near-fixtures.js';

const seedPathA = new URL('../seeds/kim-warm-feelings.txt', import.meta.url);
const seedPathB = new URL('../seeds/putin-kim-thursday.txt', import.meta.url);
const A = readFileSync(seedPathA, 'utf8');
const B = readFileSync(seedPathB, 'utf8');

type Side = 'a' | 'b';
interface Segment {
  start: number;
  end: number;
  passages: number[];
  classes: string[];
}
interface Column {
  /** The column's text content, entities decoded. */
  text: string;
  segments: Segment[];
  /** Zero-width marker elements, with the offset where they stand. */
  markers: { at: number; classes: string[]; attrs: Record<string, string> }[];
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#13;': '\r',
};
const decode = (s: string) => {
  // Only the entities the formatter writes; a stray & would be an escaping bug.
  if (/&(?!(?:amp|lt|gt|quot|#39|#13);)/.test(s)) throw new Error(`unescaped & in ${s.slice(0, 80)}`);
  return s.replace(/&(?:amp|lt|gt|quot|#39|#13);/g, (e) => ENTITIES[e]!);
};

/**
 * One text column of the page, tokenized strictly: text, `<span>` segments (not nested) with
 * `data-p`, empty marker spans and `<br>`. Anything else (say, an unescaped `<script>`) fails.
 */
function column(html: string, side: Side): Column {
  const open = `<div class="text" id="text-${side}">`;
  const from = html.indexOf(open);
  expect(from).toBeGreaterThan(-1);
  const to = html.indexOf('</div>', from);
  const body = html.slice(from + open.length, to);
  const token = /<(\/?)([a-z]+)((?:\s[a-z-]+="[^"<>]*")*)>|([^<]+)/y;
  const out: Column = { text: '', segments: [], markers: [] };
  let current: Segment | null = null;
  let marker: Column['markers'][number] | null = null;
  while (token.lastIndex < body.length) {
    const at = token.lastIndex;
    const m = token.exec(body);
    if (!m) throw new Error(`unexpected markup at ${at}: ${body.slice(at, at + 40)}`);
    const [, close, tag, attrText, text] = m;
    if (text !== undefined) {
      if (marker) throw new Error(`text inside a marker: ${text}`);
      const t = decode(text);
      if (current) current.end += t.length;
      out.text += t;
      continue;
    }
    if (tag === 'br') {
      expect(close).toBe('');
      continue;
    }
    expect(tag).toBe('span');
    if (close) {
      if (marker) marker = null;
      else if (current) current = null;
      else throw new Error(`unbalanced </span> at ${at}`);
      continue;
    }
    if (current || marker) throw new Error(`nested <span> at ${at}`);
    const attrs = Object.fromEntries(
      [...attrText!.matchAll(/([a-z-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]),
    );
    const classes = (attrs.class ?? '').split(' ');
    if (classes[0] === 's') {
      current = {
        start: out.text.length,
        end: out.text.length,
        passages: attrs['data-p'] ? attrs['data-p'].split(' ').map(Number) : [],
        classes,
      };
      out.segments.push(current);
    } else {
      marker = { at: out.text.length, classes, attrs };
      out.markers.push(marker);
    }
  }
  return out;
}

/**
 * Checks the page against the report: each column's text is the input exactly; each passage is
 * covered, on each side, by segments that tile its range exactly (so their text is its slice),
 * carry a colour class, and link to it (`data-p`); a table row links to it too.
 */
function checkPage(html: string, report: Report, a: string, b: string): Record<Side, Column> {
  const cols = { a: column(html, 'a'), b: column(html, 'b') };
  expect(cols.a.text).toBe(a);
  expect(cols.b.text).toBe(b);
  const problems: string[] = [];
  for (const side of ['a', 'b'] as const) {
    const text = side === 'a' ? a : b;
    const bySegment = new Map<number, Segment[]>();
    for (const s of cols[side].segments) {
      // Segments lie between range boundaries only: none is wasted on uncovered, unmarked text.
      if (s.passages.length === 0 && !s.classes.some((c) => ['del', 'ins', 'rep'].includes(c)))
        problems.push(`${side}: a segment at ${s.start} with no passage and no mark`);
      for (const i of s.passages) {
        const list = bySegment.get(i);
        if (list) list.push(s);
        else bySegment.set(i, [s]);
      }
    }
    report.passages.forEach((p, i) => {
      const mine = bySegment.get(i) ?? [];
      if (mine.length === 0) problems.push(`${side}: passage ${i} has no segment`);
      let at = p[side].start;
      for (const s of mine) {
        if (s.start !== at) problems.push(`${side}: passage ${i}'s segments leave a gap at ${at}`);
        if (!s.classes.some((c) => /^[bn]\d+$/.test(c)))
          problems.push(`${side}: passage ${i} not highlighted`);
        at = s.end;
      }
      if (at !== p[side].end)
        problems.push(`${side}: passage ${i}'s segments end at ${at}, not ${p[side].end}`);
      const got = mine.map((s) => text.slice(s.start, s.end)).join('');
      if (got !== text.slice(p[side].start, p[side].end))
        problems.push(`${side}: passage ${i}'s text differs`);
    });
  }
  const rows = new Set([...html.matchAll(/<tr id="row(\d+)" data-go="\1"/g)].map((m) => Number(m[1])));
  report.passages.forEach((_, i) => {
    if (!rows.has(i)) problems.push(`passage ${i} has no table row`);
  });
  expect(problems).toEqual([]);
  return cols;
}

describe('formatHtml: escaping', () => {
  const evil = `<script>alert("A")</script> & 'quoted' "double" </div><img src=x onerror=alert(1)>`;
  const shared = 'the same long sentence shared by both of these small texts verbatim here';
  const a = `${evil}\n\n${shared}\n\nTom & Jerry <b>bold</b>`;
  const b = `Intro & more <i>.\n\n${shared} ${evil}`;
  const nameA = `a<script>alert('name')</script>&"x".txt`;
  const nameB = 'b&amp;<b>.txt';
  const report = compare(a, b, { minWords: 6 });
  const html = formatHtml(report, a, b, { nameA, nameB });

  it('keeps one script element, its own, and no markup from the inputs or names', () => {
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain(nameA);
    expect(html).toContain('a&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;&amp;&quot;x&quot;.txt');
    expect(html).toContain('b&amp;amp;&lt;b&gt;.txt');
    expect(html).toContain(
      `<title>neardup: ${'a&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;&amp;&quot;x&quot;.txt'}`,
    );
  });

  it('renders the texts exactly, with the passages over the escaped text', () => {
    expect(report.passages.length).toBeGreaterThan(0);
    checkPage(html, report, a, b);
  });

  it('escapes a custom title and the report’s warnings', () => {
    const warned = { ...report, warnings: ['<b>limit</b> & more'] };
    const page = formatHtml(warned, a, b, { title: '<title>&' });
    expect(page).toContain('<title>&lt;title&gt;&amp;</title>');
    expect(page).toContain('Warning: &lt;b&gt;limit&lt;/b&gt; &amp; more');
  });

  it('is self-contained: no URL to load, and a policy that forbids loading', () => {
    expect(html).toContain(`content="default-src 'none';`);
    expect(html).not.toMatch(/\b(?:src|href)="(?!#)/);
    expect(html).not.toMatch(/https?:\/\/|url\(/);
  });
});

describe('formatHtml: the seeds', () => {
  const report = compare(A, B);
  const html = formatHtml(report, A, B, { nameA: 'kim.txt', nameB: 'putin.txt' });
  const cols = checkPage(html, report, A, B);

  it('highlights and links every passage on both sides, including the overlapping ones', () => {
    expect(report.passages.filter((p) => p.kind === 'near').length).toBeGreaterThan(0);
    // "will meet in the far eastern Russian city of Vladivostok" is matched several times: its
    // segments link to each match and are marked as overlapping.
    const kinds = report.passages.map((p) => p.kind);
    const overlapping = cols.a.segments.filter(
      (s) => s.passages.filter((i) => kinds[i] === 'verbatim').length > 1,
    );
    expect(overlapping.length).toBeGreaterThan(0);
    for (const s of overlapping) expect(s.classes).toContain('x');
  });

  it('marks every paragraph pair on both sides, and the unmatched paragraphs', () => {
    for (const side of ['a', 'b'] as const) {
      report.paragraphs.forEach((p, i) => {
        const m = cols[side].markers.find((k) => k.attrs.id === `q${side}${i}`);
        expect(m?.at).toBe(p[side].start);
        expect(m?.classes).toContain(`pm-${p.kind}`);
        expect(m?.classes.includes('pm-moved')).toBe(p.moved);
      });
      const unmatched = cols[side].markers.filter((k) => k.classes.includes('pm-unmatched'));
      expect(unmatched.map((k) => k.at)).toEqual(report.unmatched[side].map((r) => r.start));
    }
  });

  it('shows the figures and every option used', () => {
    expect(html).toContain(
      `${report.similarity.estimated.toFixed(3)} ± ${report.similarity.standardError.toFixed(3)}`,
    );
    expect(html).toContain(report.similarity.exact.toFixed(3));
    for (const [k, v] of Object.entries(report.options))
      expect(html).toContain(`<tr><th>${k}</th><td>${JSON.stringify(v).replaceAll('"', '&quot;')}</td>`);
  });

  it('is deterministic', () => {
    expect(formatHtml(report, A, B, { nameA: 'kim.txt', nameB: 'putin.txt' })).toBe(html);
  });
});

describe('formatHtml: near passages', () => {
  // Built by hand: B edits A's sentence (a word replaced, one added, one cut) around a verbatim run.
  const a = 'Intro line.\n\nThe quick brown fox jumps over the lazy dog near the old river bank today.\n';
  const b = 'Preface.\n\nThe quick red fox jumps high over the lazy dog near the old river bank.\n';
  const at = (text: string, word: string, from = 0): Range => {
    const start = text.indexOf(word, from);
    return { start, end: start + word.length };
  };
  const span = (text: string, first: string, last: string): Range => ({
    start: text.indexOf(first),
    end: text.indexOf(last) + last.length,
  });
  const verbatim = {
    kind: 'verbatim' as const,
    a: span(a, 'over', 'bank'),
    b: span(b, 'over', 'bank'),
    words: 9,
    text: 'over the lazy dog near the old river bank',
  };
  const near: NearPassage = {
    kind: 'near',
    a: span(a, 'The', 'today'),
    b: span(b, 'The', 'bank'),
    words: 15,
    wordsB: 15,
    text: a.slice(a.indexOf('The'), a.indexOf('today') + 5),
    textB: b.slice(b.indexOf('The'), b.indexOf('bank') + 4),
    similarity: (2 * 13) / 30,
    diff: [
      { op: 'equal', a: span(a, 'The', 'quick'), b: span(b, 'The', 'quick') },
      { op: 'replace', a: at(a, 'brown'), b: at(b, 'red') },
      { op: 'equal', a: span(a, 'fox', 'jumps'), b: span(b, 'fox', 'jumps') },
      { op: 'insert', a: { start: a.indexOf('over'), end: a.indexOf('over') }, b: at(b, 'high') },
      { op: 'equal', a: span(a, 'over', 'bank'), b: span(b, 'over', 'bank') },
      { op: 'delete', a: at(a, 'today'), b: { start: b.indexOf('bank') + 4, end: b.indexOf('bank') + 4 } },
    ],
    verbatim: [1],
  };
  const base = compare(a, b, { minWords: 9 });
  const report: Report = { ...base, passages: [near, verbatim] };
  const html = formatHtml(report, a, b);
  const cols = checkPage(html, report, a, b);
  const marked = (side: Side, cls: string) =>
    cols[side].segments
      .filter((s) => s.classes.includes(cls))
      .map((s) => cols[side].text.slice(s.start, s.end));

  it('marks replaced, inserted and deleted words inside the highlight', () => {
    expect(marked('a', 'rep')).toEqual(['brown']);
    expect(marked('b', 'rep')).toEqual(['red']);
    expect(marked('b', 'ins')).toEqual(['high']);
    expect(marked('a', 'del')).toEqual(['today']);
    expect(marked('a', 'ins')).toEqual([]);
    expect(marked('b', 'del')).toEqual([]);
  });

  it('shows where the other side’s words go: an insertion point in A, a deletion point in B', () => {
    expect(cols.a.markers.filter((m) => m.classes.includes('at')).map((m) => m.at)).toEqual([
      a.indexOf('over'),
    ]);
    expect(cols.b.markers.filter((m) => m.classes.includes('at')).map((m) => m.at)).toEqual([
      b.indexOf('bank') + 4,
    ]);
  });

  it('layers the verbatim run over the near passage: both link from its words', () => {
    const inner = cols.a.segments.find((s) => a.slice(s.start, s.end) === verbatim.text)!;
    expect(inner.passages).toEqual([0, 1]);
    expect(inner.classes).toEqual(expect.arrayContaining(['b1', 'u0']));
    expect(inner.classes).not.toContain('x');
    const outer = cols.a.segments.find((s) => a.slice(s.start, s.end) === 'brown')!;
    expect(outer.passages).toEqual([0]);
    expect(outer.classes).toEqual(expect.arrayContaining(['u0', 'n0', 'rep']));
  });

  it('lists the word diff and the verbatim runs inside in the passage table', () => {
    expect(html).toContain('<del>brown</del> <ins>red</ins>');
    expect(html).toContain('<ins>high</ins>');
    expect(html).toContain('<del>today</del>');
    expect(html).toContain('Verbatim inside: <a href="#" data-go="1">#1</a>');
    expect(html).toContain('data-s="N1 (near, 15 / 15 words)"');
    expect(html).toContain('<td>near</td><td>15 / 15</td>');
    expect(html).toContain('<td>0.867</td>');
  });

  it('renders near passages built by jsdiff on the seeds’ near paragraphs with the same guarantees', () => {
    const seeds = withParagraphNearPassages(compare(A, B), A, B);
    const nears = seeds.passages.filter((p) => p.kind === 'near');
    expect(nears.length).toBeGreaterThan(0);
    const page = formatHtml(seeds, A, B);
    const c = checkPage(page, seeds, A, B);
    const changedA = nears.flatMap((n) => n.diff.filter((d) => d.op === 'delete' || d.op === 'replace'));
    for (const d of changedA) {
      const seg = c.a.segments.filter((s) => s.start >= d.a.start && s.end <= d.a.end);
      expect(seg.map((s) => A.slice(s.start, s.end)).join('')).toBe(A.slice(d.a.start, d.a.end));
      expect(seg.every((s) => s.classes.includes(d.op === 'replace' ? 'rep' : 'del'))).toBe(true);
    }
  });
});

describe('formatHtml: overlaps and edge cases', () => {
  it('gives one A range matched by several B ranges one segment that links to each', () => {
    const phrase = 'alpha beta gamma delta epsilon zeta eta theta';
    const a = `Start. ${phrase}. End.`;
    const b = `${phrase}, and again: ${phrase}!`;
    const report = compare(a, b, { minWords: 4 });
    expect(report.passages).toHaveLength(2);
    const cols = checkPage(formatHtml(report, a, b), report, a, b);
    const shared = cols.a.segments.filter((s) => s.passages.length === 2);
    expect(shared.map((s) => a.slice(s.start, s.end))).toEqual([phrase]);
    expect(shared[0]!.classes).toContain('x');
    expect(cols.b.segments.map((s) => s.passages)).toEqual([[0], [1]]);
  });

  it('renders empty texts', () => {
    const report = compare('', '');
    const html = formatHtml(report, '', '');
    checkPage(html, report, '', '');
    expect(html).toContain('No shared passages.');
  });

  it('keeps CR and CRLF line ends in the page text', () => {
    const words = 'one two three four five six seven eight nine ten';
    const a = `${words}\r\rnext\r\n${words}`;
    const b = `x\r${words}`;
    const report = compare(a, b);
    const html = formatHtml(report, a, b);
    checkPage(html, report, a, b);
    expect(html).toMatch(/&#13;<br>&#13;<br>(<span[^>]*><\/span>)?next&#13;\n/);
  });

  it('cuts the passage table’s excerpts between characters, not inside a surrogate pair', () => {
    // 6 code units a word, so the excerpts' cuts (44 units from each end) fall inside a 𝐀 or 𝐁.
    const words = Array.from({ length: 40 }, (_, i) => `x𝐀𝐁${String.fromCharCode(97 + (i % 26))}`);
    for (const [a, b] of [
      [`Alpha intro. ${words.join(' ')} end.`, `Beta intro here. ${words.join(' ')} fin.`],
      [`Alpha. ${words.join(' ')} end`, `Beta intro. ${words.join(' ')} fin`],
    ] as const) {
      const report = compare(a, b);
      expect(report.passages.some((p) => p.text.length > 90)).toBe(true);
      const page = formatHtml(report, a, b);
      expect(page).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      expect(page).toContain('x𝐀𝐁m x𝐀𝐁n');
    }
  });

  it('holds for planted pairs of random texts with tricky characters (property)', () => {
    fc.assert(
      fc.property(plantedPairArb({ minWords: 6 }), ({ a, b }) => {
        const report = compare(a, b, { minWords: 6 });
        checkPage(formatHtml(report, a, b), report, a, b);
        const built = withParagraphNearPassages(report, a, b);
        checkPage(formatHtml(built, a, b), built, a, b);
      }),
      fcParams(60),
    );
  });

  it('refuses a report paired with other texts, naming what does not fit', () => {
    const report = compare(A, B);
    expect(() => formatHtml(report, B, A)).toThrow(NeardupError);
    expect(() => formatHtml(report, B, A)).toThrow(
      /passage #1's .*formatHtml\(\) needs the texts the report was made from/,
    );
    expect(() => formatHtml(report, A.slice(0, 100), B)).toThrow(/does not lie in a text of length 100/);
    expect(() => formatHtml({ ...report, schema: 'other/2' } as never, A, B)).toThrow(
      /needs a neardup\.report\/1 report, got schema "other\/2"/,
    );
    const bad = { ...report, passages: [{ ...report.passages[0]!, kind: 'fuzzy' }] } as never;
    expect(() => formatHtml(bad, A, B)).toThrow(/passage #1 has unknown kind "fuzzy"/);
    const near = report.passages.findIndex((p) => p.kind === 'near');
    const wrongIndex = structuredClone(report);
    (wrongIndex.passages[near] as NearPassage).verbatim = [99];
    expect(() => formatHtml(wrongIndex, A, B)).toThrow(
      new RegExp(`passage #${near + 1} lists verbatim passage index 99, out of 0..16`),
    );
    expect(() => formatHtml(report, A as never, 3 as never)).toThrow(
      /takes the two texts as strings, got string and number/,
    );
  });
});

// Generous timeouts: a megabyte pair under coverage instrumentation on a loaded machine.
describe('formatHtml: a megabyte pair', { timeout: 60_000 }, () => {
  const [a, b] = bigPair(1_000_000, 7);
  const report = compare(a, b);
  const html = formatHtml(report, a, b);

  it('renders every passage exactly, with segments only at range boundaries', () => {
    expect(report.passages.length).toBeGreaterThan(1000);
    const cols = checkPage(html, report, a, b);
    // Segments are bounded by the range boundaries (two per passage or diff step), not by characters.
    let boundaries = 0;
    for (const p of report.passages) boundaries += 2 + (p.kind === 'near' ? 2 * p.diff.length : 0);
    for (const side of ['a', 'b'] as const)
      expect(cols[side].segments.length).toBeLessThanOrEqual(boundaries);
  });

  it('stays within a few times the input size', () => {
    expect(html.length).toBeLessThan(4 * (a.length + b.length));
  });
});

describe('neardup compare --format html', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'neardup-html-'));
  it('writes the page, with the file names escaped', async () => {
    const pathA = join(tmp, 'a&<b>.txt');
    const pathB = join(tmp, 'b\'".txt');
    writeFileSync(pathA, A);
    writeFileSync(pathB, B);
    let stdout = '';
    let stderr = '';
    const code = await main(['compare', pathA, pathB, '--format', 'html'], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.startsWith('<!doctype html>')).toBe(true);
    expect(stdout).toContain('a&amp;&lt;b&gt;.txt');
    expect(stdout).toContain('b&#39;&quot;.txt');
    expect(stdout).not.toContain('<b>.txt');
    checkPage(stdout, compare(A, B), A, B);
  });
});

// The HTML view: one self-contained page with the two texts side by side, every shared passage
// highlighted in both and linked, near passages with their word diff, and the paragraph map.
//
// Passages overlap (a text that repeats, verbatim runs inside a near passage, one range of A
// matched by several of B), so spans cannot nest per passage. Each text is cut at every range
// boundary instead, and each piece (a segment) lists the passages covering it in `data-p`.
// Output is built in string arrays; the page's script indexes segments once, on the first click.

import { NeardupError } from '../errors.js';
import type { Range } from '../text.js';
import { type NearPassage, type Passage, REPORT_SCHEMA, type Report } from './compare.js';
import { lineLocator } from './format.js';

/**
 * Options for {@link formatHtml}.
 *
 * @example
 * ```ts
 * const options: HtmlFormatOptions = { nameA: 'wire.txt', nameB: 'story.txt', title: 'Wire copy reused' };
 * const html = formatHtml(compare(a, b), a, b, options);
 * ```
 */
export interface HtmlFormatOptions {
  /** How to name text A (a file name, say); HTML-escaped like all text. @default "A" */
  nameA?: string;
  /** How to name text B. @default "B" */
  nameB?: string;
  /** The page title. @default "neardup: ‹nameA› vs ‹nameB›" */
  title?: string;
}

type Side = 'a' | 'b';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
// Text content: the HTML parser would turn CR and CRLF into LF, so a CR goes in as a character
// reference (kept as is, so the page's text keeps the offsets), and a lone CR, which CSS would
// show as a space, gets a <br> (no text) to end its line.
const escText = (s: string): string =>
  esc(s).replace(/\r(\n?)/g, (_, lf: string) => (lf ? '&#13;\n' : '&#13;<br>'));

// Hues of the passage palette; passage i takes HUES[i % HUES.length], so neighbours differ.
const HUES = [210, 35, 130, 330, 265, 180, 5, 95, 290, 55, 235, 155];
// Segments per side that flash on focus (the ones scrolled to); the rest just take the colour.
const FLASHED = 24;

/** A range of one side marked inside a segment: a passage (by index) or a word-diff change. */
interface Interval {
  start: number;
  end: number;
  /** Passage index, or −1 − mark for a diff mark. */
  id: number;
}
const MARKS = ['del', 'ins', 'rep'] as const;
/** A zero-width element placed at an offset (paragraph markers, insertion points). */
interface Point {
  at: number;
  html: string;
}

/**
 * One text as HTML: plain escaped text outside passages, and a `<span data-p="i j …">` for each
 * segment covered by passages or diff marks. Segments are the pieces between consecutive range
 * boundaries, so each has one fixed set of covering passages. O((n + k) log k) for k ranges.
 */
function renderText(text: string, intervals: Interval[], points: Point[], kinds: readonly string[]): string {
  const cuts = new Set<number>([0, text.length]);
  for (const r of intervals) cuts.add(r.start).add(r.end);
  for (const p of points) cuts.add(p.at);
  const positions = Float64Array.from(cuts).sort();
  const byStart = intervals.filter((r) => r.start < r.end).sort((x, y) => x.start - y.start);
  const byEnd = [...byStart].sort((x, y) => x.end - y.end);
  const sortedPoints = points.map((p, i) => ({ ...p, i })).sort((x, y) => x.at - y.at || x.i - y.i);

  const active = new Set<number>();
  const marks = [0, 0, 0];
  const out: string[] = [];
  let s = 0;
  let e = 0;
  let q = 0;
  for (let k = 0; k < positions.length; k++) {
    const pos = positions[k]!;
    for (; e < byEnd.length && byEnd[e]!.end <= pos; e++) {
      const id = byEnd[e]!.id;
      if (id >= 0) active.delete(id);
      else marks[-1 - id]!--;
    }
    for (; s < byStart.length && byStart[s]!.start <= pos; s++) {
      const id = byStart[s]!.id;
      if (id >= 0) active.add(id);
      else marks[-1 - id]!++;
    }
    for (; q < sortedPoints.length && sortedPoints[q]!.at <= pos; q++) out.push(sortedPoints[q]!.html);
    const next = positions[k + 1];
    if (next === undefined || next <= pos) continue;
    const piece = escText(text.slice(pos, next));
    if (active.size === 0 && marks[0] === 0 && marks[1] === 0 && marks[2] === 0) {
      out.push(piece);
      continue;
    }
    const ids = [...active].sort((x, y) => x - y);
    const classes = ['s'];
    // Colour: the lowest-numbered verbatim passage fills the background; the lowest-numbered near
    // passage underlines (and lightly fills when no verbatim run covers the segment).
    const verbatim = ids.find((i) => kinds[i] === 'verbatim');
    const near = ids.find((i) => kinds[i] === 'near');
    if (verbatim !== undefined) classes.push(`b${verbatim % HUES.length}`);
    if (near !== undefined) {
      classes.push(`u${near % HUES.length}`);
      if (verbatim === undefined) classes.push(`n${near % HUES.length}`);
    }
    if (
      ids.filter((i) => kinds[i] === 'verbatim').length > 1 ||
      ids.filter((i) => kinds[i] === 'near').length > 1
    )
      classes.push('x');
    marks.forEach((m, i) => {
      if (m > 0) classes.push(MARKS[i]!);
    });
    const data = ids.length ? ` data-p="${ids.join(' ')}"` : '';
    out.push(`<span class="${classes.join(' ')}"${data}>${piece}</span>`);
  }
  return out.join('');
}

/** Whether a cut at `i` falls between the two halves of a surrogate pair. */
const insidePair = (s: string, i: number): boolean =>
  i > 0 && i < s.length && /[\uD800-\uDBFF]/.test(s[i - 1]!) && /[\uDC00-\uDFFF]/.test(s[i]!);

/**
 * A short, escaped excerpt: the whole text if short, else its start and end around an ellipsis.
 * The cuts keep surrogate pairs whole (half of one would reach the page as U+FFFD).
 */
function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  if (flat.length <= max) return esc(flat);
  const half = Math.floor((max - 1) / 2);
  const head = insidePair(flat, half) ? half - 1 : half;
  const tail = insidePair(flat, flat.length - half) ? flat.length - half + 1 : flat.length - half;
  return `${esc(flat.slice(0, head).trimEnd())} … ${esc(flat.slice(tail).trimStart())}`;
}

/** A near passage's word diff for the details panel: changes in full (capped), long equal runs elided. */
function renderDiff(p: NearPassage, a: string, b: string): string {
  const out: string[] = [];
  for (const op of p.diff) {
    const inA = a.slice(op.a.start, op.a.end);
    const inB = b.slice(op.b.start, op.b.end);
    if (op.op === 'equal') out.push(`<span class="eq">${excerpt(inA, 80)}</span>`);
    if (op.op === 'delete' || op.op === 'replace') out.push(`<del>${excerpt(inA, 300)}</del>`);
    if (op.op === 'insert' || op.op === 'replace') out.push(`<ins>${excerpt(inB, 300)}</ins>`);
  }
  return out.join(' ');
}

function checkRange(r: Range, text: string, what: string): void {
  if (
    !r ||
    !Number.isInteger(r.start) ||
    !Number.isInteger(r.end) ||
    r.start < 0 ||
    r.start > r.end ||
    r.end > text.length
  )
    throw new NeardupError(
      `${what} ${JSON.stringify(r)} does not lie in a text of length ${text.length}: ` +
        'formatHtml() needs the texts the report was made from',
    );
}

/** Validates what the page relies on, so a report paired with the wrong texts fails clearly. */
function checkReport(report: Report, passages: readonly Passage[], a: string, b: string): void {
  if (report?.schema !== REPORT_SCHEMA)
    throw new NeardupError(
      `formatHtml() needs a ${REPORT_SCHEMA} report, got schema ${JSON.stringify(report?.schema)}`,
    );
  passages.forEach((p, i) => {
    const name = `passage #${i + 1}`;
    if (p.kind !== 'verbatim' && p.kind !== 'near')
      throw new NeardupError(`${name} has unknown kind ${JSON.stringify((p as { kind: unknown }).kind)}`);
    checkRange(p.a, a, `${name}'s range in A`);
    checkRange(p.b, b, `${name}'s range in B`);
    if (a.slice(p.a.start, p.a.end) !== p.text)
      throw new NeardupError(
        `${name}'s text does not match A at [${p.a.start}, ${p.a.end}): formatHtml() needs the texts the report was made from`,
      );
    if (p.kind === 'near') {
      for (const op of p.diff) {
        checkRange(op.a, a, `${name}'s ${op.op} op range in A`);
        checkRange(op.b, b, `${name}'s ${op.op} op range in B`);
      }
      for (const v of p.verbatim)
        if (!Number.isInteger(v) || v < 0 || v >= passages.length)
          throw new NeardupError(
            `${name} lists verbatim passage index ${v}, out of 0..${passages.length - 1}`,
          );
    }
  });
  for (const [side, text] of [
    ['a', a],
    ['b', b],
  ] as const) {
    for (const [i, p] of report.paragraphs.entries())
      checkRange(p[side], text, `paragraph pair #${i + 1}'s range in ${side.toUpperCase()}`);
    for (const [i, r] of report.unmatched[side].entries())
      checkRange(r, text, `unmatched paragraph #${i + 1} of ${side.toUpperCase()}`);
  }
}

/** The intervals and zero-width markers of one side. */
function sideLayers(report: Report, passages: readonly Passage[], side: Side): [Interval[], Point[]] {
  const intervals: Interval[] = [];
  const points: Point[] = [];
  report.paragraphs.forEach((p, i) => {
    const title = `paragraph pair ${i + 1}: ${p.kind}${p.moved ? ', moved' : ''}`;
    points.push({
      at: p[side].start,
      html: `<span class="pm pm-${p.kind}${p.moved ? ' pm-moved' : ''}" id="q${side}${i}" data-q="${i}" title="${title}"></span>`,
    });
  });
  report.unmatched[side].forEach((r, i) => {
    points.push({
      at: r.start,
      html: `<span class="pm pm-unmatched" id="u${side}${i}" title="unmatched paragraph"></span>`,
    });
  });
  passages.forEach((p, i) => {
    intervals.push({ start: p[side].start, end: p[side].end, id: i });
    if (p.kind !== 'near') return;
    for (const op of p.diff) {
      if (op.op === 'equal') continue;
      const r = op[side];
      if (r.start < r.end) {
        const mark = op.op === 'replace' ? 2 : side === 'a' ? 0 : 1;
        intervals.push({ start: r.start, end: r.end, id: -1 - mark });
      } else {
        // The other side's words go here: an insertion point in A, a deletion point in B.
        const what = side === 'a' ? 'words inserted in B' : 'words deleted from A';
        points.push({ at: r.start, html: `<span class="at" title="${what}"></span>` });
      }
    }
  });
  return [intervals, points];
}

const fixed = (x: number) => x.toFixed(3);
const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Names as the text view gives them: verbatim passages #1, #2 …, near ones N1, N2 …, each in report order. */
function passageLabels(passages: readonly Passage[]): string[] {
  let verbatim = 0;
  let near = 0;
  return passages.map((p) => (p.kind === 'near' ? `N${++near}` : `#${++verbatim}`));
}

function passageTable(passages: readonly Passage[], a: string, b: string): string {
  if (passages.length === 0) return '<p class="none">No shared passages.</p>';
  const at = { a: lineLocator(a), b: lineLocator(b) };
  const span = (side: Side, r: Range) => `${at[side](r.start)}–${at[side](Math.max(r.start, r.end - 1))}`;
  const labels = passageLabels(passages);
  const rows = passages.map((p, i) => {
    const hue = HUES[i % HUES.length];
    const words = p.kind === 'near' ? `${p.words} / ${p.wordsB}` : String(p.words);
    const similarity = p.kind === 'near' ? fixed(p.similarity) : '1';
    let content = excerpt(p.text, 90);
    if (p.kind === 'near') {
      const inside = p.verbatim.length
        ? `<p>Verbatim inside: ${p.verbatim.map((v) => `<a href="#" data-go="${v}">${labels[v]}</a>`).join(' ')}</p>`
        : '';
      content = `<details><summary>${content}</summary><div class="diff">${renderDiff(p, a, b)}</div>${inside}</details>`;
    }
    return (
      `<tr id="row${i}" data-go="${i}" tabindex="0" data-s="${labels[i]} (${p.kind}, ${words} words)">` +
      `<td><span class="sw" style="--h:${hue}"></span>${labels[i]}</td><td>${p.kind}</td><td>${words}</td>` +
      `<td>${span('a', p.a)}</td><td>${span('b', p.b)}</td><td>${similarity}</td><td>${content}</td></tr>`
    );
  });
  return (
    '<table class="list"><thead><tr><th>#</th><th>kind</th><th>words</th><th>in A</th><th>in B</th>' +
    `<th>similarity</th><th>text</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function paragraphTable(report: Report, a: string, b: string): string {
  const at = { a: lineLocator(a), b: lineLocator(b) };
  const rows = report.paragraphs.map(
    (p, i) =>
      `<tr data-q="${i}" tabindex="0"><td>A ${at.a(p.a.start)}</td><td>B ${at.b(p.b.start)}</td>` +
      `<td><span class="pm pm-${p.kind}${p.moved ? ' pm-moved' : ''}"></span>${p.kind}${p.moved ? ', moved' : ''}</td>` +
      `<td>${fixed(p.similarity)}</td><td>${p.editSimilarity === null ? 'n/a' : fixed(p.editSimilarity)}</td></tr>`,
  );
  const unmatched = (side: Side) => {
    const list = report.unmatched[side];
    const lines = list.map(
      (r, i) => `<a href="#" data-u="${side}${i}">${at[side](r.start).split(':')[0]}</a>`,
    );
    return `<p>Unmatched in ${side.toUpperCase()} (${list.length})${list.length ? `, at lines: ${lines.join(', ')}` : ''}</p>`;
  };
  const table = report.paragraphs.length
    ? '<table class="list"><thead><tr><th>in A</th><th>in B</th><th>pair</th><th>Jaccard</th><th>edit similarity</th>' +
      `</tr></thead><tbody>${rows.join('')}</tbody></table>`
    : '<p class="none">No paragraphs paired.</p>';
  return table + unmatched('a') + unmatched('b');
}

function figures(report: Report, passages: readonly Passage[], nameA: string, nameB: string): string {
  const s = report.similarity;
  const near = passages.filter((p) => p.kind === 'near').length;
  const identical = report.paragraphs.filter((p) => p.kind === 'identical').length;
  const moved = report.paragraphs.filter((p) => p.moved).length;
  const items: [string, string][] = [
    ['Jaccard (MinHash)', `${fixed(s.estimated)} ± ${fixed(s.standardError)}`],
    ['Jaccard (exact)', fixed(s.exact)],
    ['Coverage', `${percent(report.coverage.a)} of A, ${percent(report.coverage.b)} of B`],
    ['Words', `${report.words.a} in A (${esc(nameA)}), ${report.words.b} in B (${esc(nameB)})`],
    ['Passages', `${passages.length - near} verbatim, ${near} near`],
    [
      'Paragraphs',
      `${identical} identical, ${report.paragraphs.length - identical} near, ${moved} moved; ` +
        `${report.unmatched.a.length} + ${report.unmatched.b.length} unmatched`,
    ],
  ];
  return `<dl class="figures">${items.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl>`;
}

function parameters(report: Report): string {
  const rows = Object.entries(report.options).map(
    ([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(JSON.stringify(v) ?? String(v))}</td></tr>`,
  );
  return `<table class="params"><tbody><tr><th>schema</th><td>${esc(String(report.schema))}</td></tr>${rows.join('')}</tbody></table>`;
}

function styles(): string {
  const palette = HUES.map(
    (h, i) =>
      `.b${i}{background:hsla(${h},85%,62%,.38)}.n${i}{background:hsla(${h},85%,62%,.14)}` +
      `.u${i}{box-shadow:inset 0 -3px 0 hsl(${h},70%,42%)}.focus.f${i}{background:hsla(${h},90%,55%,.7)}`,
  ).join('');
  return `*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;background:#fafafa}
header{padding:14px 20px 6px;background:#fff;border-bottom:1px solid #ddd}h1{font-size:18px;margin:0 0 8px}
h2{font-size:15px;margin:18px 0 8px}.figures{display:flex;flex-wrap:wrap;gap:6px 28px;margin:0}.figures dt{font-size:11px;text-transform:uppercase;color:#666}
.figures dd{margin:0;font-variant-numeric:tabular-nums}.legend{font-size:12px;color:#444;margin:8px 0 0}.legend span{margin-right:14px}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:14px;padding:12px 20px 0}.col{min-width:0}
.col h2{margin:0 0 6px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.text{white-space:pre-wrap;overflow-wrap:anywhere;height:68vh;overflow:auto;background:#fff;border:1px solid #ccc;border-radius:6px;padding:10px 12px;font:14px/1.65 Georgia,"DejaVu Serif",serif}
.s{cursor:pointer;border-radius:2px}.x{text-decoration:underline dotted #555}
.del{text-decoration:line-through;color:#a40000}.ins{color:#006b1b;font-weight:600}.rep{color:#8a4b00;text-decoration:underline wavy #c77a00}
.at::before{content:"‸";color:#a40000;font-weight:700}
.pm::before{content:"¶";font:bold 11px system-ui,sans-serif;padding:0 3px;margin-right:3px;border-radius:3px;color:#fff;background:#888;vertical-align:1px}
.pm-identical::before{background:#2e8b3a}.pm-near::before{background:#c98a00}.pm-moved::before{background:#7b3fb3}.pm-unmatched::before{background:#9a9a9a}
.pm[data-q]{cursor:pointer}${palette}
.dim .s:not(.focus){background:none;box-shadow:none;color:#777}.dim .pm:not(.focus)::before{opacity:.35}
.pm.focus::before{box-shadow:0 0 0 3px #263238}
.flash{animation:flash 1.4s ease-out}@keyframes flash{0%,30%{background:#263238;color:#fff}}
#status{position:sticky;bottom:0;margin:0;padding:6px 20px;background:#263238;color:#fff;font-size:13px;min-height:1.8em}
main{padding:0 20px 20px}.list{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
.list th,.list td{border-bottom:1px solid #e4e4e4;padding:4px 8px;text-align:left;vertical-align:top}.list td:not(:last-child){white-space:nowrap}
.list tbody tr{cursor:pointer}.list tbody tr:hover,.list tr.current{background:#eef4ff}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;background:hsl(var(--h),75%,55%)}
.diff{font:13px/1.6 Georgia,"DejaVu Serif",serif;margin:6px 0}.diff del{color:#a40000;background:#fde8e8}.diff ins{color:#006b1b;background:#e4f6e7;text-decoration:none}
.diff .eq{color:#555}.params th{text-align:left;padding:2px 14px 2px 0;font-weight:500}.params td{font-family:ui-monospace,monospace}
.none{color:#666}.warn{color:#8a4b00}@media (max-width:800px){.cols{grid-template-columns:1fr}}`;
}

// The page's behaviour: click a segment and the other side scrolls to the counterpart, which
// flashes; clicking again where passages overlap cycles through them. Rows of the tables link too.
// Built for megabyte pages: the segment index is made once, on the first click; focus touches only
// the passage's own segments (its colour is a class, not an inherited custom property, which would
// restyle the whole page), and only the first few segments flash (an animation each).
const SCRIPT = `(()=>{const cols={a:document.getElementById('text-a'),b:document.getElementById('text-b')};
const status=document.getElementById('status');let index=null,current=-1,lit=[],hue='';
function build(){index=new Map();for(const side of['a','b'])for(const el of cols[side].querySelectorAll('[data-p]'))for(const p of el.dataset.p.split(' ')){let e=index.get(+p);if(!e){e={a:[],b:[]};index.set(+p,e)}e[side].push(el)}}
function reveal(col,el){const r=el.getBoundingClientRect(),c=col.getBoundingClientRect();if(r.top<c.top||r.bottom>c.bottom)col.scrollTop+=r.top-c.top-col.clientHeight/3}
function clear(){for(const el of lit)el.classList.remove('focus','flash',hue);lit=[];for(const el of document.querySelectorAll('.current'))el.classList.remove('current');for(const c of[cols.a,cols.b])c.classList.remove('dim')}
function light(els,h,few){hue=h;for(const el of els)el.classList.add('focus',h);lit=els;for(const c of[cols.a,cols.b])c.classList.add('dim');requestAnimationFrame(()=>{for(const el of few)el.classList.add('flash')})}
function focus(p,from,here){if(!index)build();const e=index.get(p);if(!e)return;clear();current=p;light(e.a.concat(e.b),'f'+(p%${HUES.length}),e.a.slice(0,${FLASHED}).concat(e.b.slice(0,${FLASHED})));
for(const side of['a','b'])if(side!==from&&e[side][0])reveal(cols[side],e[side][0]);
const row=document.getElementById('row'+p);if(row)row.classList.add('current');
status.textContent='Passage '+(row?row.dataset.s:'#'+(p+1))+(here>1?': one of '+here+' passages covering this text; click again for the next':'')}
function paragraph(q,from){clear();current=-1;const ms=['a','b'].map(side=>document.getElementById('q'+side+q)).filter(Boolean);light(ms,'fp',ms);ms.forEach((m,i)=>{if(['a','b'][i]!==from)reveal(m.closest('.text'),m)});status.textContent='Paragraph pair '+(+q+1)}
function onText(side,ev){const m=ev.target.closest('[data-q]');if(m)return paragraph(m.dataset.q,side);const el=ev.target.closest('[data-p]');if(!el)return;const ps=el.dataset.p.split(' ').map(Number);focus(ps[(ps.indexOf(current)+1)%ps.length],side,ps.length)}
cols.a.addEventListener('click',ev=>onText('a',ev));cols.b.addEventListener('click',ev=>onText('b',ev));
function go(ev){const t=ev.target;if(t.closest('summary'))return;const g=t.closest('[data-go],[data-q],[data-u]');if(!g)return;ev.preventDefault();
document.querySelector('.cols').scrollIntoView({block:'start'});if(g.dataset.go!==undefined)return focus(+g.dataset.go,null,1);if(g.dataset.q!==undefined)return paragraph(g.dataset.q,null);
const u=document.getElementById('u'+g.dataset.u);if(u){clear();light([u],'fp',[u]);reveal(cols[g.dataset.u[0]],u)}}
document.querySelector('main').addEventListener('click',go);document.querySelector('main').addEventListener('keydown',ev=>{if(ev.key==='Enter')go(ev)})})();`;

/**
 * A report as one self-contained HTML page: the two texts side by side with every shared passage
 * highlighted in both (same colour, linked: click one side and the other scrolls to the
 * counterpart, which flashes), near passages with their word diff (deleted, inserted and
 * replaced words marked in the texts and listed in the passage table), the paragraph map, the
 * similarity figures and every option used.
 *
 * The page loads nothing (inline CSS and script, and a Content-Security-Policy that forbids
 * network access); every text from the inputs and names is HTML-escaped. Overlapping passages
 * are rendered by cutting each text at every range boundary, so the output is linear in the
 * texts plus the passages and stays usable for megabyte texts.
 *
 * @param report - from {@link compare}.
 * @param a - text A, as given to `compare`.
 * @param b - text B, as given to `compare`.
 * @param options - names for the texts and a page title; see {@link HtmlFormatOptions}.
 * @throws {@link NeardupError} if the report is not a `neardup.report/1` report or its ranges do
 *   not fit the texts (the texts must be those the report was made from).
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { compare, formatHtml } from 'neardup';
 *
 * const html = formatHtml(compare(a, b), a, b, { nameA: 'wire.txt', nameB: 'story.txt' });
 * writeFileSync('report.html', html);
 * ```
 */
export function formatHtml(report: Report, a: string, b: string, options: HtmlFormatOptions = {}): string {
  if (typeof a !== 'string' || typeof b !== 'string')
    throw new NeardupError(`formatHtml() takes the two texts as strings, got ${typeof a} and ${typeof b}`);
  const passages = report?.passages;
  checkReport(report, passages, a, b);
  const nameA = options.nameA ?? 'A';
  const nameB = options.nameB ?? 'B';
  const title = options.title ?? `neardup: ${nameA} vs ${nameB}`;
  const kinds = passages.map((p) => p.kind);
  const [intervalsA, pointsA] = sideLayers(report, passages, 'a');
  const [intervalsB, pointsB] = sideLayers(report, passages, 'b');
  const warnings = report.warnings.map((w) => `<p class="warn">Warning: ${esc(w)}</p>`).join('');

  return [
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="neardup"><title>${esc(title)}</title><style>${styles()}</style></head><body>`,
    `<header><h1>${esc(title)}</h1>${figures(report, passages, nameA, nameB)}`,
    '<p class="legend"><span>Highlight: a shared passage, same colour on both sides; click it</span>',
    '<span><b class="del">deleted</b> / <b class="ins">inserted</b> / <b class="rep">replaced</b> words of near passages</span>',
    '<span><i class="pm pm-identical"></i>identical <i class="pm pm-near"></i>near <i class="pm pm-moved"></i>moved ',
    `<i class="pm pm-unmatched"></i>unmatched paragraph</span></p>${warnings}</header>`,
    '<div class="cols">',
    `<section class="col"><h2 title="${esc(nameA)}">A: ${esc(nameA)}</h2><div class="text" id="text-a">`,
    renderText(a, intervalsA, pointsA, kinds),
    `</div></section><section class="col"><h2 title="${esc(nameB)}">B: ${esc(nameB)}</h2><div class="text" id="text-b">`,
    renderText(b, intervalsB, pointsB, kinds),
    '</div></section></div><p id="status">Click a highlighted passage to see its counterpart.</p><main>',
    `<h2>Shared passages (${passages.length})</h2>${passageTable(passages, a, b)}`,
    `<h2>Paragraph map</h2>${paragraphTable(report, a, b)}`,
    `<h2>Parameters</h2>${parameters(report)}</main>`,
    `<script>${SCRIPT}</script></body></html>\n`,
  ].join('');
}

// The HTML report in a real browser: Debian's chromium driven by puppeteer-core (which downloads
// nothing). It opens the seeds' page from a file, checks it loads nothing else and raises no
// error, that every passage is highlighted on both sides with exactly its text, that clicking
// one side brings the counterpart into view with the focus class, and saves the screenshot the
// README shows (docs/html-report.png).
//
// Without /usr/bin/chromium the tests skip (apt-get install chromium), except under CI=true,
// where they fail: .ci/run installs chromium.

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare, formatHtml, signature, signatureToBase64 } from '../src/index.js';
import { bigPair } from './big-pair.js';

// What the page-side callbacks use, declared here so this file compiles without the DOM lib
// (which the project leaves out: the library must not lean on browser globals).
interface El {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  scrollTop: number;
  classList: { contains(c: string): boolean; remove(...c: string[]): void };
  getBoundingClientRect(): { top: number; bottom: number };
  querySelectorAll<T = El>(selector: string): ArrayLike<T> & Iterable<T>;
}
type HTMLElement = El;
declare const document: {
  getElementById(id: string): El | null;
  querySelectorAll(selector: string): Iterable<El>;
  querySelector(selector: string): { id: string } | null;
};
declare const window: { scrollTo(x: number, y: number): void };
declare const getComputedStyle: (el: El) => { backgroundColor: string };
declare const neardup: typeof import('../src/index.js');

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const missing = !existsSync(CHROMIUM);
const ci = process.env.CI === 'true';

describe('HTML report in chromium', { timeout: 30_000 }, () => {
  if (missing && !ci) {
    it.skip(`needs ${CHROMIUM}: apt-get install chromium`, () => {});
    return;
  }

  let browser: Browser;
  let page: Page;
  let A: string;
  let B: string;
  let report: ReturnType<typeof compare>;
  const requests: string[] = [];
  const errors: string[] = [];
  let url: string;

  beforeAll(async () => {
    if (missing) throw new Error(`${CHROMIUM} is missing (CI=true): apt-get install chromium`);
    A = await readFile(join(root, 'seeds/kim-warm-feelings.txt'), 'utf8');
    B = await readFile(join(root, 'seeds/putin-kim-thursday.txt'), 'utf8');
    report = compare(A, B);
    const file = join(mkdtempSync(join(tmpdir(), 'neardup-browser-')), 'report.html');
    writeFileSync(
      file,
      formatHtml(report, A, B, {
        nameA: 'seeds/kim-warm-feelings.txt',
        nameB: 'seeds/putin-kim-thursday.txt',
      }),
    );
    url = pathToFileURL(file).href;
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--font-render-hinting=none'],
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 820 });
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warn') errors.push(m.text());
    });
    await page.goto(url, { waitUntil: 'load' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('loads nothing but the page itself, and raises no error', () => {
    expect(requests).toEqual([url]);
    expect(errors).toEqual([]);
  });

  it('shows both texts whole, and every passage highlighted on both sides with exactly its text', async () => {
    const seen = await page.evaluate(() => {
      const side = (id: string) => {
        const col = document.getElementById(id)!;
        const byPassage: Record<number, { text: string; painted: boolean }> = {};
        for (const el of col.querySelectorAll<HTMLElement>('[data-p]'))
          for (const p of el.dataset.p!.split(' ').map(Number)) {
            byPassage[p] ??= { text: '', painted: true };
            const e = byPassage[p]!;
            e.text += el.textContent;
            // Highlighted: a visible background (alpha > 0), not the page's own.
            e.painted &&= getComputedStyle(el).backgroundColor !== 'rgba(0, 0, 0, 0)';
          }
        return { text: col.textContent, byPassage };
      };
      return { a: side('text-a'), b: side('text-b') };
    });
    expect(seen.a.text).toBe(A);
    expect(seen.b.text).toBe(B);
    expect(report.passages.length).toBeGreaterThan(10);
    report.passages.forEach((p, i) => {
      expect(seen.a.byPassage[i], `passage ${i} in A`).toEqual({
        text: A.slice(p.a.start, p.a.end),
        painted: true,
      });
      expect(seen.b.byPassage[i], `passage ${i} in B`).toEqual({
        text: B.slice(p.b.start, p.b.end),
        painted: true,
      });
    });
  });

  /** Where passage `p`'s segments are on `side`: focused or not, and inside the column's view. */
  const state = (p: number, side: 'a' | 'b') =>
    page.evaluate(
      (p, side) => {
        const col = document.getElementById(`text-${side}`)!;
        const els = [...col.querySelectorAll<HTMLElement>('[data-p]')].filter((el) =>
          el.dataset.p!.split(' ').includes(String(p)),
        );
        const c = col.getBoundingClientRect();
        const r = els[0]!.getBoundingClientRect();
        return {
          focused: els.every((el) => el.classList.contains('focus')),
          inView: r.top >= c.top && r.bottom <= c.bottom,
          scrollTop: col.scrollTop,
          status: document.getElementById('status')!.textContent,
          row: document.querySelector('tr.current')?.id ?? null,
        };
      },
      p,
      side,
    );

  it('clicking a passage in A scrolls B to its counterpart and focuses it', async () => {
    // The last passage: near the end of both texts, out of B's view at first.
    const p = report.passages.length - 1;
    expect(await state(p, 'b')).toMatchObject({ focused: false, inView: false, scrollTop: 0 });
    const target = await page.$(`#text-a [data-p~="${p}"]`);
    await target!.click();
    const b = await state(p, 'b');
    expect(b.focused).toBe(true);
    expect(b.inView).toBe(true);
    expect(b.scrollTop).toBeGreaterThan(0);
    expect((await state(p, 'a')).focused).toBe(true);
    expect(b.row).toBe(`row${p}`);
    expect(b.status).toMatch(/^Passage (#|N)\d+ \((verbatim|near), /);
  });

  it('clicking in B scrolls A back, and clicking where passages overlap cycles through them', async () => {
    // A segment of B that several passages cover: each click focuses the next of them.
    const covering = await page.$eval('#text-b', (col) => {
      const el = [...col.querySelectorAll<HTMLElement>('[data-p]')].find((e) => e.dataset.p!.includes(' '));
      return el ? el.dataset.p!.split(' ').map(Number) : [];
    });
    expect(covering.length).toBeGreaterThan(1);
    const segment = await page.$(`#text-b [data-p="${covering.join(' ')}"]`);
    const shown: number[] = [];
    for (let k = 0; k < covering.length; k++) {
      await segment!.click();
      const status = await page.$eval('#status', (el) => el.textContent ?? '');
      const row = await page.$eval('tr.current', (el) => el.id);
      const p = Number(row.replace('row', ''));
      shown.push(p);
      expect(await state(p, 'a')).toMatchObject({ focused: true, inView: true });
      expect(status).toContain(`one of ${covering.length} passages`);
    }
    // Each covering passage got the focus once, in turn.
    expect(shown.sort((x, y) => x - y)).toEqual(covering);
  });

  it('a row of the passage table focuses the passage on both sides', async () => {
    const p = Math.floor(report.passages.length / 2);
    await page.click(`#row${p} td`);
    const [a, b] = [await state(p, 'a'), await state(p, 'b')];
    expect(a).toMatchObject({ focused: true, inView: true });
    expect(b).toMatchObject({ focused: true, inView: true });
  });

  it('saves a screenshot for the README: a near passage focused, its diff marked', async () => {
    const near = report.passages.findIndex((p) => p.kind === 'near' && p.text.includes('Ushakov said'));
    const p = near >= 0 ? near : report.passages.findIndex((q) => q.kind === 'near');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.click(`#text-a [data-p~="${p}"]`);
    // Settle the flash animation, so the picture shows the steady focus.
    await page.evaluate(() => {
      for (const el of document.querySelectorAll('.flash')) el.classList.remove('flash');
    });
    expect((await state(p, 'b')).inView).toBe(true);
    const path = join(root, 'docs/html-report.png');
    await page.screenshot({ path, clip: { x: 0, y: 0, width: 1280, height: 820 } });
    expect(existsSync(path)).toBe(true);
  });
  it('runs the library itself: compare() and signature() of the seeds give what they give in Node', async () => {
    // Bundled for the browser from the core's entry: a Node built-in anywhere in it fails the build.
    const bundle = await build({
      entryPoints: [join(root, 'src/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'neardup',
      write: false,
      logLevel: 'silent',
    });
    const tab = await browser.newPage();
    try {
      await tab.addScriptTag({ content: bundle.outputFiles[0]!.text });
      const inBrowser = await tab.evaluate(
        (a, b) => ({
          report: neardup.compare(a, b),
          signature: neardup.signatureToBase64(neardup.signature(a)),
        }),
        A,
        B,
      );
      expect(inBrowser.signature).toBe(signatureToBase64(signature(A)));
      expect(inBrowser.report).toEqual(JSON.parse(JSON.stringify(report)));
      expect(inBrowser.report.passages.length).toBeGreaterThan(10);
    } finally {
      await tab.close();
    }
  });

  it('stays usable on a megabyte pair: it loads, and a click near the end finds the counterpart', async () => {
    const [a, b] = bigPair(1_000_000, 7);
    const big = compare(a, b);
    const file = join(mkdtempSync(join(tmpdir(), 'neardup-browser-')), 'big.html');
    writeFileSync(file, formatHtml(big, a, b));
    const tab = await browser.newPage();
    try {
      await tab.setViewport({ width: 1280, height: 820 });
      await tab.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      expect(await tab.$eval('#text-a', (el) => el.textContent?.length)).toBe(a.length);
      // The last verbatim passage, near the end of both texts. Its segments lie inside the near
      // passage that spans the texts, so clicks cycle between the two: click until it is shown.
      let p = big.passages.length - 1;
      while (big.passages[p]!.kind !== 'verbatim') p--;
      const segment = await tab.$(`#text-a [data-p~="${p}"]`);
      for (let k = 0; k < 3; k++) {
        await segment!.click();
        if ((await tab.$eval('tr.current', (el) => el.id)) === `row${p}`) break;
      }
      const seen = await tab.evaluate((p) => {
        const col = document.getElementById('text-b')!;
        const el = [...col.querySelectorAll<HTMLElement>('[data-p]')].find((e) =>
          e.dataset.p!.split(' ').includes(String(p)),
        )!;
        const c = col.getBoundingClientRect();
        const r = el.getBoundingClientRect();
        return { focused: el.classList.contains('focus'), inView: r.top >= c.top && r.bottom <= c.bottom };
      }, p);
      expect(seen).toEqual({ focused: true, inView: true });
    } finally {
      await tab.close();
    }
  }, 60_000);
});

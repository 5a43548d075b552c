// Scripts that run inside the page. They are JavaScript source text because the bench compiles without the
// DOM lib; every time they take is read from the page's own clock (performance.now(), origin = navigation
// start), so nothing depends on the round trip between this process and the browser.

/**
 * Init script: the first animation frame in which each landmark is on screen is written to
 * `window.__vnMarks` (ms since navigation start), and the first click's event time as `click`.
 * A frame callback is the last point before paint, so a mark means "painted in this frame".
 * Landmarks: `h1:<text>` (a rendered h1 with that text), `text` (the document shows any text: the
 * baseline's JSON), `row` (a row of the virtualized table).
 */
export const MARKS_INIT = `(() => {
  const marks = (window.__vnMarks = {});
  const shown = (el) => el !== null && el.getClientRects().length > 0;
  const h1s = (text) => Array.prototype.some.call(document.querySelectorAll('h1'), (h) => h.textContent === text && shown(h));
  const checks = {
    'h1:Overview': () => h1s('Overview'),
    'h1:Nodes': () => h1s('Nodes'),
    text: () => document.body !== null && document.body.innerText.trim().length > 0,
    row: () => shown(document.querySelector('[data-test^="row-"]')),
  };
  addEventListener('click', (e) => { if (marks.click === undefined) marks.click = e.timeStamp; }, true);
  const started = performance.now();
  const tick = () => {
    const now = performance.now();
    let open = 0;
    for (const [name, ok] of Object.entries(checks)) {
      if (marks[name] !== undefined) continue;
      if (ok()) marks[name] = now; else open++;
    }
    if (open > 0 && now - started < 30000) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

/** Navigation timing of the current document, once its load event has finished. */
export const NAV_TIMING = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {
    domInteractive: nav.domInteractive,
    domContentLoaded: nav.domContentLoadedEventEnd,
    loadEventEnd: nav.loadEventEnd,
    fcp: fcp ? fcp.startTime : NaN,
    transferBytes: nav.transferSize + res.reduce((s, r) => s + r.transferSize, 0),
    decodedBytes: nav.decodedBodySize + res.reduce((s, r) => s + r.decodedBodySize, 0),
    requests: 1 + res.length,
  };
})()`;

export interface NavTiming {
  domInteractive: number;
  domContentLoaded: number;
  loadEventEnd: number;
  fcp: number;
  transferBytes: number;
  decodedBytes: number;
  requests: number;
}

export interface ScrollTrace {
  /** Time between consecutive animation frames (ms), from the frames' own timestamps. */
  intervals: number[];
  /** Durations (ms) of the long tasks (> 50 ms of main thread) the browser reported during the scroll. */
  longTasks: number[];
  /** Frames whose painted viewport had a gap: no row covering its top or bottom edge. */
  blankFrames: number;
  /** Rows in the DOM (spacer rows excluded), the most seen in any frame. */
  maxRowsInDom: number;
  ms: number;
  reachedBottom: boolean;
}

/**
 * Scrolls the element matching `scroller` from top to bottom by `step` px per animation frame, recording
 * frame intervals, long tasks, and whether each painted frame showed rows across the whole viewport. The
 * check runs at the start of the next frame, before the page's own frame callbacks, so it sees the DOM
 * that was painted. The bottom is re-read every frame: rows added meanwhile extend the run.
 */
export function scrollScript(scroller: string, step: number, maxMs: number): string {
  return `(async () => {
  const el = document.querySelector(${JSON.stringify(scroller)});
  if (!el) throw new Error('no ' + ${JSON.stringify(scroller)});
  const rows = () => el.querySelectorAll('tbody tr:not([aria-hidden])');
  const longTasks = [];
  const po = new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); });
  po.observe({ type: 'longtask' });
  el.scrollTop = 0;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const header = el.querySelector('thead');
  const intervals = [];
  let blankFrames = 0;
  let maxRowsInDom = 0;
  let last;
  let first;
  let reachedBottom = false;
  await new Promise((resolve) => {
    const tick = (ts) => {
      if (last !== undefined) intervals.push(ts - last);
      first ??= ts;
      last = ts;
      const rs = rows();
      maxRowsInDom = Math.max(maxRowsInDom, rs.length);
      const box = el.getBoundingClientRect();
      const top = box.top + (header ? header.getBoundingClientRect().height : 0);
      const a = rs[0] && rs[0].getBoundingClientRect();
      const b = rs[rs.length - 1] && rs[rs.length - 1].getBoundingClientRect();
      const bottom = el.scrollHeight - el.clientHeight;
      if (!a || !b || a.top > top + 1 || (b.bottom < box.bottom - 1 && el.scrollTop < bottom - 1)) blankFrames++;
      if (el.scrollTop >= bottom - 1) { reachedBottom = true; resolve(); return; }
      if (ts - first > ${maxMs}) { resolve(); return; }
      el.scrollTop = Math.min(bottom, el.scrollTop + ${step});
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  // long tasks are reported after they end: give the last ones time to arrive
  await new Promise((r) => setTimeout(r, 200));
  po.disconnect();
  return { intervals, longTasks, blankFrames, maxRowsInDom, ms: last - first, reachedBottom };
})()`;
}

/**
 * Creates an object with fetch from the page and resolves with the ms from just before the request until
 * an element matching `selector` is in the DOM (a MutationObserver; NaN after 10 s), and until the reply.
 */
export function createAndSeeScript(path: string, body: unknown, token: string, selector: string): string {
  return `(async () => {
  const sel = ${JSON.stringify(selector)};
  let mo;
  const seen = new Promise((resolve) => {
    mo = new MutationObserver(() => { if (document.querySelector(sel)) resolve(performance.now()); });
    mo.observe(document.body, { childList: true, subtree: true, attributes: true });
    setTimeout(() => resolve(NaN), 10000);
  });
  const t0 = performance.now();
  const r = await fetch(${JSON.stringify(path)}, {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + ${JSON.stringify(token)}, 'Content-Type': 'application/json' },
    body: ${JSON.stringify(JSON.stringify(body))},
  });
  const replied = performance.now();
  if (!r.ok) throw new Error('create: HTTP ' + r.status + ' ' + (await r.text()));
  const t1 = await seen;
  mo.disconnect();
  return { seen: t1 - t0, reply: replied - t0 };
})()`;
}

/** A plain HTML table of the given rows in a scroller of the given height: the scroll baseline. */
export function plainTablePage(columns: readonly string[], rows: readonly (readonly string[])[], height: number, rowHeight: number): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const head = columns.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body { margin: 0; font: 14px sans-serif; }
#s { height: ${height}px; overflow-y: auto; }
table { width: 100%; border-collapse: collapse; }
thead th { position: sticky; top: 0; background: #fff; text-align: left; height: ${rowHeight}px; }
tr { height: ${rowHeight}px; }
td { border-bottom: 1px solid #ddd; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
</style></head><body><div id="s"><table><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></div></body></html>`;
}

// Reading the chart panel (the webview frame holding canvas#loss-chart): its data-points, the ink
// on its canvases, scrolling, its texts and overlays.
import { sleep } from '../server.mjs';
import { CHART_IDS, StepError, poll } from './common.mjs';

/**
 * What the panel shows, from whichever frame (webview) holds canvas#loss-chart, or null:
 * the loss chart's data-points, data-state and data-markers, and every other chart's data-points
 * (null where the element is missing, undefined where it has no data-points).
 */
export async function readPanel(page) {
  for (const frame of page.frames()) {
    if (frame.isDetached()) continue;
    try {
      const state = await frame.evaluate((ids) => {
        const c = document.querySelector('canvas#loss-chart');
        if (!c) return null;
        const charts = {};
        for (const id of ids) {
          const el = document.getElementById(`chart-${id}`);
          charts[id] = el ? el.getAttribute('data-points') : null;
        }
        return {
          loss: { points: c.getAttribute('data-points'), state: c.getAttribute('data-state'), markers: c.getAttribute('data-markers') },
          charts,
        };
      }, CHART_IDS);
      if (state) return { frame, ...state };
    } catch {
      // a frame navigating or going away: try the others
    }
  }
  return null;
}

export function describePanel(p) {
  if (!p) return 'no webview with canvas#loss-chart on the page';
  const attr = (v) => (v === null ? 'missing' : JSON.stringify(v));
  const charts = Object.entries(p.charts)
    .map(([id, v]) => `#chart-${id} ${v === null ? 'missing' : `data-points=${attr(v)}`}`).join(', ');
  return `canvas#loss-chart data-points=${attr(p.loss.points)} data-state=${attr(p.loss.state)} ` +
    `data-markers=${attr(p.loss.markers)}; ${charts}`;
}

/** Polls the panel until `pred(panel)`; the timeout message says `what` and what the panel showed. */
export async function waitPanel(page, what, ms, pred) {
  let last = null;
  try {
    return await poll(what, ms, async () => {
      last = await readPanel(page);
      if (last && ['failed', 'error'].includes(last.loss.state)) {
        throw new StepError(`training failed (data-state=${JSON.stringify(last.loss.state)}) while waiting for ${what}`);
      }
      return last && pred(last) ? last : null;
    }, 150);
  } catch (e) {
    if (e instanceof StepError && e.message.startsWith('timed out')) {
      throw new StepError(`${e.message}; the panel showed: ${describePanel(last)}`);
    }
    throw e;
  }
}

/**
 * The ink on each chart's canvas, read back with getImageData inside the panel's frame: `ink`, the
 * pixels that are not background (the canvases are transparent where nothing is drawn), and
 * `series`, the opaque pixels in a saturated colour (max − min channel ≥ 48). Axes, grid, tick
 * labels, the "no data yet" note and the 1e-3 band are drawn in the theme's greys; the series,
 * bars, histograms and boundary in its chart colours. So `series` counts what the data drew, plus
 * the legend's 14×2 px swatches. Measured on the spiral's panel opened before any run (dark): every
 * chart 0 px of series colour, though up to 90,769 px of ink (the updates chart's band); after the
 * run 563 px (dead-ReLU fractions) to 118,000 px (the boundary).
 */
export async function chartInk(frame, ids) {
  return frame.evaluate((list) => Object.fromEntries(list.map((id) => {
    const c = document.getElementById(id === 'loss' ? 'loss-chart' : `chart-${id}`);
    if (!(c instanceof HTMLCanvasElement) || c.width === 0 || c.height === 0) return [id, null];
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    let series = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] === 0) continue;
      ink++;
      if (d[i + 3] >= 128 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) >= 48) series++;
    }
    return [id, { ink, series, of: c.width * c.height }];
  })), ids);
}

/** Data ink a chart must show to count as drawn: well above its legend swatches (28 px each). */
export const MIN_SERIES_INK = 400;

/** Waits until every chart of `ids` shows MIN_SERIES_INK pixels of series colour; the figures, or a StepError naming the blank ones. */
export async function waitInk(panel, ids, ms = 10_000) {
  let last = {};
  try {
    return await poll(`ink on every chart's canvas (≥ ${MIN_SERIES_INK} px of series colour)`, ms, async () => {
      last = await chartInk(panel.frame, ids);
      return ids.every((id) => last[id] && last[id].series >= MIN_SERIES_INK) ? last : null;
    });
  } catch (e) {
    const blank = ids.filter((id) => !(last[id] && last[id].series >= MIN_SERIES_INK))
      .map((id) => `#${id} ${last[id] ? `${last[id].series} px of series colour, ${last[id].ink} px of ink` : 'no canvas'}`);
    throw new StepError(`${e.message}; blank: ${blank.join(', ')}`);
  }
}

export const inkSummary = (ink) => Object.entries(ink).map(([id, v]) => `${id} ${v.series} px (${(100 * v.series / v.of).toFixed(1)} %)`).join(', ');

/** The panel's iframe element in the workbench page (the outer iframe.webview). */
export async function panelIframe(page, frame) {
  let f = frame;
  while (f.parentFrame() && f.parentFrame() !== page.mainFrame()) f = f.parentFrame();
  return f.frameElement();
}

/**
 * Scrolls the panel so that the group of cards holding #chart-<id> starts just below the panel's
 * sticky toolbar (or the page ends); returns the ids of the charts then fully in view.
 */
export async function scrollPanelTo(frame, id) {
  const inView = await frame.evaluate(({ id, ids }) => {
    const el = document.getElementById(`chart-${id}`);
    if (!el) return null;
    const group = el.closest('.group') ?? el.closest('section, .card') ?? el;
    const header = document.querySelector('.toolbar');
    const sticky = header && ['sticky', 'fixed'].includes(getComputedStyle(header).position);
    const below = sticky ? header.getBoundingClientRect().height : 0;
    window.scrollTo(0, group.getBoundingClientRect().top + window.scrollY - below - 4);
    const top = sticky ? header.getBoundingClientRect().bottom : 0;
    const visible = [];
    for (const c of ['loss', ...ids]) {
      const e = document.getElementById(c === 'loss' ? 'loss-chart' : `chart-${c}`);
      if (!e) continue;
      const r = e.getBoundingClientRect();
      if (r.height > 0 && r.top >= top - 1 && r.bottom <= window.innerHeight + 1) visible.push(c);
    }
    return visible;
  }, { id, ids: CHART_IDS });
  if (!inView) throw new StepError(`#chart-${id} is not in the panel`);
  await sleep(400); // a chart that resizes or redraws on scroll settles
  return inView;
}

/**
 * Records, inside the panel, every write of the loss chart's and the histograms' data-points (a
 * MutationObserver sees each one, so a reset between two polls is not missed).
 */
export async function recordPanelWrites(frame) {
  await frame.evaluate(() => {
    const log = (window.__trainlensWrites = []);
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        if (log.length < 20_000) log.push({ id: r.target.id, attr: r.attributeName, value: r.target.getAttribute(r.attributeName) });
      }
    });
    for (const id of ['loss-chart', 'chart-histograms']) {
      const el = document.getElementById(id);
      if (el) observer.observe(el, { attributes: true, attributeFilter: ['data-points', 'data-state'] });
    }
  });
}

export async function readPanelWrites(frame) {
  return frame.evaluate(() => window.__trainlensWrites ?? null);
}

/** What the panel's header, headings and toolbar say (their text, as a person reads them). */
export async function panelTexts(frame) {
  return frame.evaluate(() => {
    const text = (sel) => [...document.querySelectorAll(sel)].map((e) => e.textContent.trim()).filter(Boolean);
    return {
      lang: document.documentElement.lang,
      headings: text('h2, h3'),
      tabs: [...document.querySelectorAll('vscode-tab-header')].filter((e) => !e.hidden).map((e) => e.querySelector('.tab-label')?.textContent.trim() ?? ''),
      buttons: text('vscode-button, button.save'),
      badge: document.getElementById('run-status')?.textContent.trim() ?? '',
      summary: document.getElementById('run-summary')?.textContent.trim() ?? '',
      details: document.getElementById('run-details')?.textContent.trim() ?? '',
      notes: text('.note'),
    };
  });
}

/**
 * Compare…: the CodeLens, the file's compare: section in the QuickPick, six optimizers trained two
 * at a time from identical weights, overlaid in the panel (one colour each, a legend of them).
 */
/** The panel's overlaid runs: how many, and how many have ended (canvas#loss-chart's data-overlays, data-overlays-done). */
export async function panelOverlays(page) {
  for (const frame of page.frames()) {
    if (frame.isDetached()) continue;
    const v = await frame.evaluate(() => {
      const c = document.querySelector('canvas#loss-chart');
      return c ? { n: Number(c.getAttribute('data-overlays')), done: Number(c.getAttribute('data-overlays-done')) } : null;
    }).catch(() => null);
    if (v) return { frame, ...v };
  }
  return null;
}

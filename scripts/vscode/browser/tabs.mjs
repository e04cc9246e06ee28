// The panel's tabs (vscode-tabs): which tab holds each chart, switching tabs as a person does (a
// click on the header), whether a chart exists yet, and screenshots of a whole tab.
import fs from 'node:fs';
import path from 'node:path';
import { sleep } from '../server.mjs';
import { StepError, VIEWPORT, num, poll } from './common.mjs';
import { panelIframe, waitInk } from './panel.mjs';

/** The tab that shows each chart (by its id: loss is canvas#loss-chart, the others #chart-<id>). */
export const CHART_TAB = {
  loss: 'overview', accuracy: 'overview', r2: 'overview', boundary: 'overview', fit: 'overview', 'fit-map': 'overview',
  'grad-flow': 'gradients', 'grad-bars': 'gradients', updates: 'gradients',
  histograms: 'activations', 'act-std': 'activations', 'act-health': 'activations',
  weights: 'weights',
};

/**
 * The tabs as the panel shows them: `shown`, the tabs whose content (#panel-<id>) is laid out (one,
 * when all is well); `headers`, the headers on show; `active`, the headers marked active; `badges`,
 * each header's badge text where one shows.
 */
export async function tabState(frame) {
  return frame.evaluate(() => {
    const laidOut = (e) => Boolean(e && e.getClientRects().length > 0);
    const panels = [...document.querySelectorAll('vscode-tab-panel[data-tab]')];
    const headers = [...document.querySelectorAll('vscode-tab-header[data-tab]')];
    const shown = panels.filter((p) => laidOut(p) && laidOut(document.getElementById(`panel-${p.dataset.tab}`))).map((p) => p.dataset.tab);
    const badges = {};
    for (const h of headers) {
      const b = h.querySelector('vscode-badge');
      if (b && laidOut(b)) badges[h.dataset.tab] = b.textContent.trim();
    }
    return {
      shown, selected: shown.length === 1 ? shown[0] : null,
      headers: headers.filter(laidOut).map((h) => h.dataset.tab),
      active: headers.filter((h) => h.hasAttribute('active')).map((h) => h.dataset.tab),
      badges,
    };
  });
}

/** Clicks a tab's header and waits until its content shows and no other tab's does. */
export async function showPanelTab(frame, tab) {
  const header = frame.locator(`vscode-tab-header[data-tab="${tab}"]`);
  if (!(await header.isVisible())) throw new StepError(`the panel's "${tab}" tab header is not shown (headers: ${JSON.stringify((await tabState(frame)).headers)})`);
  await header.click({ timeout: 10_000 });
  let s = null;
  await poll(`the "${tab}" tab to show (#panel-${tab} laid out, the other tabs' content hidden, its header active)`, 5000, async () => {
    s = await tabState(frame);
    return s.selected === tab && s.active.length === 1 && s.active[0] === tab;
  }).catch((e) => {
    throw new StepError(`${e.message}; the tabs show ${JSON.stringify(s)}`);
  });
  return s;
}

/**
 * Whether each chart exists: a Chart.js chart keeps its instance on the canvas ($chartjs) and styles
 * it; a hand-drawn one sizes its canvas inline. A canvas never drawn has neither.
 */
export async function chartsCreated(frame, ids) {
  return frame.evaluate((list) => Object.fromEntries(list.map((id) => {
    const c = document.getElementById(id === 'loss' ? 'loss-chart' : `chart-${id}`);
    const save = document.getElementById(`save-${id}`);
    return [id, c ? { created: '$chartjs' in c || c.hasAttribute('style'), points: c.getAttribute('data-points'), save: save ? !save.disabled : null } : null];
  })), ids);
}

/** Fails unless every chart of `ids` is still uncreated with data-points "0" and its Save PNG disabled (their tab never shown). */
export async function expectNotCreated(frame, ids, why) {
  const seen = await chartsCreated(frame, ids);
  const wrong = ids.filter((id) => !seen[id] || seen[id].created || seen[id].points !== '0' || seen[id].save === true);
  if (wrong.length) throw new StepError(`${why}: these charts exist already: ${wrong.map((id) => `#chart-${id} ${JSON.stringify(seen[id])}`).join(', ')}`);
  return seen;
}

/**
 * Shows each tab holding a chart of `ids` in turn, waits until its charts report data-points > 0
 * with their Save PNG enabled, and show series ink (panel.mjs waitInk); returns the ink of them all. `ctx.check` is told each tab.
 */
export async function inkByTab(panel, ctx, ids, ms = 10_000) {
  const tabs = [...new Set(ids.map((id) => CHART_TAB[id]))];
  const ink = {};
  for (const tab of tabs) {
    const mine = ids.filter((id) => CHART_TAB[id] === tab);
    await showPanelTab(panel.frame, tab);
    let pts = null;
    await poll(`the ${tab} tab's charts to report data-points > 0 and enable Save PNG once shown (${mine.join(', ')})`, ms, async () => {
      pts = await chartsCreated(panel.frame, mine);
      // canvas#loss-chart's data-points are the run's own loss points (0 with only overlaid runs): its ink tells.
      return mine.every((id) => pts[id] && (id === 'loss' || num(pts[id].points) > 0) && pts[id].save !== false);
    }).catch((e) => {
      throw new StepError(`${e.message}; they show ${JSON.stringify(pts)}`);
    });
    Object.assign(ink, await waitInk(panel, mine, ms));
    ctx.check(`"${tab}" tab shown: ${mine.map((id) => `${id} data-points=${pts[id].points}`).join(', ')}, each with series ink`);
  }
  return ink;
}

/** How much taller the panel must be to show the whole of #panel-<tab> from the top (0 when it fits). */
async function tabShortfall(frame, tab) {
  return frame.evaluate((id) => {
    const el = document.getElementById(`panel-${id}`);
    if (!el) return 0;
    return Math.max(0, Math.ceil(el.getBoundingClientRect().bottom + window.scrollY + 16 - window.innerHeight));
  }, tab);
}

/** Screenshots the panel with `tab` on show, from the top, the window grown (up to 2000 px) so the whole tab fits. */
export async function tabScreenshot(page, ctx, frame, tab, file) {
  await showPanelTab(frame, tab);
  await frame.evaluate(() => window.scrollTo(0, 0));
  const grow = Math.min(2000, await tabShortfall(frame, tab));
  try {
    if (grow > 0) {
      await page.setViewportSize({ width: VIEWPORT.width, height: VIEWPORT.height + grow });
      await poll('the panel to grow with the window', 10_000, async () => (await tabShortfall(frame, tab)) === 0).catch(() => ctx.note(`the panel did not grow enough to show all of the "${tab}" tab`));
    }
    await sleep(500); // the charts resize and settle
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await (await panelIframe(page, frame)).screenshot({ path: file });
    ctx.check(`screenshot of the "${tab}" tab: ${path.relative(process.cwd(), file)}${grow > 0 ? ` (window ${grow} px taller)` : ''}`);
  } finally {
    if (grow > 0) await page.setViewportSize(VIEWPORT);
  }
}

/**
 * Whether the codicons draw: the codicon font face loaded in the panel's document, and how many
 * tab-header icons and toolbar buttons with an icon are laid out with a width (a missing font
 * would leave the font face unloaded).
 */
export async function codiconsDrawn(frame) {
  return frame.evaluate(async () => {
    await document.fonts.ready;
    const font = [...document.fonts].some((f) => f.family.replace(/["']/g, '') === 'codicon' && f.status === 'loaded');
    const wide = (e) => e.getBoundingClientRect().width > 0;
    return {
      font,
      tabs: [...document.querySelectorAll('vscode-tab-header .codicon')].filter(wide).length,
      buttons: [...document.querySelectorAll('.toolbar vscode-button[icon]')].filter((b) => !b.hidden && wide(b)).length,
    };
  });
}

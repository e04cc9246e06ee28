// Scenario latency: with the panel closed, the time from the click on "▶ Train" to the loss chart's
// first drawn point (canvas#loss-chart data-points ≥ 1), five times; printed and written to
// test-results/latency.json. It reports the figure and asserts no time.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sleep } from '../server.mjs';
import { repoRoot } from '../ensure-code-server.mjs';
import { StepError, num, poll } from './common.mjs';
import { readPanel, waitPanel } from './panel.mjs';
import { LENS, closeAll, lensLocator, openModelFile } from './workbench.mjs';

const REPEATS = 5;
const FILE = 'spiral.nn.yaml';

/** Notes, in the workbench page, the time of each mousedown on a CodeLens (the page's clock: Date.now()). */
async function watchClicks(page) {
  await page.evaluate(() => {
    window.__trainlensLensDown = null;
    if (window.__trainlensWatching) return;
    window.__trainlensWatching = true;
    document.addEventListener('mousedown', (e) => {
      if (e.target instanceof Element && e.target.closest('.codelens-decoration')) window.__trainlensLensDown = Date.now();
    }, { capture: true });
  });
}

/**
 * Waits for the panel's frame, then, inside it, for canvas#loss-chart's data-points to reach 1 (a
 * MutationObserver sees the write); the time of that write (Date.now() in the panel), and whether
 * the points were there already when the observer started (then the time is an upper bound).
 */
async function firstPointTime(page, ms) {
  const deadline = Date.now() + ms;
  let frame = null;
  while (!frame && Date.now() < deadline) {
    frame = (await readPanel(page))?.frame ?? null;
    if (!frame) await sleep(10);
  }
  if (!frame) throw new StepError(`no panel within ${ms / 1000} s of the click`);
  const first = await frame.evaluate((timeout) => new Promise((resolve, reject) => {
    const c = document.getElementById('loss-chart');
    const has = () => Number(c.getAttribute('data-points')) >= 1;
    // The panel notes when it drew the first point (data-first-point-at); a panel without that hook is timed from here.
    const noted = () => Number(c.getAttribute('data-first-point-at')) || null;
    if (has()) return resolve({ at: noted() ?? Date.now(), already: !noted() });
    const o = new MutationObserver(() => {
      if (!has()) return;
      o.disconnect();
      resolve({ at: noted() ?? Date.now(), already: false });
    });
    o.observe(c, { attributes: true, attributeFilter: ['data-points', 'data-first-point-at'] });
    setTimeout(() => reject(new Error('no loss point')), timeout);
  }), Math.max(1000, deadline - Date.now()));
  // Where the time went: when the panel's frame was created (its time origin), and when each of its files had arrived (ms after that).
  const doc = await frame.evaluate(() => ({
    start: performance.timeOrigin,
    loaded: Object.fromEntries(performance.getEntriesByType('resource').map((r) => [r.name.split('/').pop().split('?')[0], Math.round(r.responseEnd)])),
  }));
  return { ...first, doc };
}

function commitOf(dir) {
  const r = spawnSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export async function latencyScenario(page, ctx) {
  const runs = [];
  for (let i = 0; i < REPEATS; i++) {
    if (i > 0) await closeAll(page);
    await openModelFile(page, ctx, FILE);
    if (await readPanel(page)) throw new StepError('the panel is open before the click on Train');
    await watchClicks(page);
    await lensLocator(page, LENS.train).click({ timeout: 10_000 });
    const first = await firstPointTime(page, 30_000);
    const down = await page.evaluate(() => window.__trainlensLensDown);
    if (!down) throw new StepError('the click on "▶ Train" was not seen');
    const ms = first.at - down;
    const frameAt = Math.round(first.doc.start - down);
    runs.push({ ms, upperBound: first.already, frameAt, loaded: first.doc.loaded });
    ctx.check(`run ${i + 1}: the loss chart's first point ${ms} ms after the click on "▶ Train"${first.already ? ' (at most: the point was there when the panel was first read)' : ''}` +
      ` (the panel's frame created ${frameAt} ms after the click; its files arrived ${Object.entries(first.doc.loaded).map(([f, t]) => `${f} ${t}`).join(', ')} ms after that)`);
    await waitPanel(page, 'the run to finish', 60_000, (p) => num(p.loss.points) > 0 && p.loss.state === 'finished');
    await poll('the CodeLens to return to "▶ Train"', 15_000, () => lensLocator(page, LENS.train).isVisible());
  }
  const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const out = {
    measure: 'ms from the mousedown on the "▶ Train" CodeLens (panel closed) to canvas#loss-chart data-points ≥ 1 in the panel',
    file: FILE, theme: ctx.theme, extension: ctx.extension, commit: commitOf(ctx.extension), runs, median, date: new Date().toISOString(),
  };
  const file = path.join(repoRoot, 'test-results', 'latency.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  ctx.check(`first-point latency, median of ${runs.length}: ${median} ms (${sorted.join(', ')} ms), written to ${path.relative(process.cwd(), file)}`);
}

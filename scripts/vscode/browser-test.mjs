#!/usr/bin/env node
// `npm run test:browser`: uses the extension in a real VS Code the way a person would, and takes
// screenshots of the workbench.
//
// For each theme: a fresh VS Code server + headless Chromium, the extension loaded as a
// development extension, a fresh copy of examples/ as the workspace. Then: open spiral.nn.yaml
// from the explorer (Quick Open as fallback), wait for the CodeLens, click "Train", find the
// webview's canvas#loss-chart and wait until it has drawn loss points (data-points > 0) and the
// run is over (data-state="finished", or 60 s), and screenshot the workbench.
//
//   node scripts/vscode/browser-test.mjs                       # themes dark and light
//   node scripts/vscode/browser-test.mjs --theme hc
//   node scripts/vscode/browser-test.mjs --theme dark --out docs/screenshot.png
//
// Options: --theme dark|light|hc (repeatable; default dark and light), --out FILE (one theme only),
//   --extension DIR (TRAINLENS_EXTENSION_PATH, default repo root), --examples DIR
//   (TRAINLENS_EXAMPLES_DIR, default examples/), --file NAME (default spiral.nn.yaml),
//   --timeout MS (per theme, default 180000).
// Screenshots go to test-results/screenshots/workbench-<theme>.png, and failure-<theme>.png when a
// step fails. TRAINLENS_VSCODE_VERBOSE=1 prints server output and the page console too.

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCodeServer, repoRoot } from './ensure-code-server.mjs';
import {
  THEMES, cleanupAll, copyToTempWorkspace, isNoise, launchBrowser, openWorkbench, sleep, startServer,
  withTimeout,
} from './server.mjs';

const { values: opt } = parseArgs({
  options: {
    theme: { type: 'string', multiple: true },
    out: { type: 'string' },
    extension: { type: 'string', default: process.env.TRAINLENS_EXTENSION_PATH || repoRoot },
    examples: { type: 'string', default: process.env.TRAINLENS_EXAMPLES_DIR || path.join(repoRoot, 'examples') },
    file: { type: 'string', default: 'spiral.nn.yaml' },
    timeout: { type: 'string', default: '180000' },
  },
});

const SHOTS = path.join(repoRoot, 'test-results', 'screenshots');
const VIEWPORT = { width: 1600, height: 1000 };
const say = (msg) => console.log(`[test:browser] ${msg}`);

class StepError extends Error {}

// canvas#loss-chart's data-state is the run's status; at the end of a run it is "finished".
// A run that stopped or failed on its own is a failure.
const DONE_STATES = new Set(['finished']);
const FAILED_STATES = new Set(['failed', 'error', 'stopped']);

// Set when the workbench reports that the extension failed to activate: no point waiting then.
let fatal = null;

/** Polls `fn` until it returns a truthy value; throws StepError(what) after `ms`. */
async function poll(what, ms, fn, interval = 250) {
  const deadline = Date.now() + ms;
  let lastError;
  while (Date.now() < deadline) {
    if (fatal) throw new StepError(`${fatal} (while waiting for ${what})`);
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    await sleep(interval);
  }
  throw new StepError(`timed out after ${Math.round(ms / 1000)} s waiting for ${what}` +
    (lastError ? ` (last error: ${lastError.message.split('\n')[0]})` : ''));
}

/** The loss chart's state from whichever frame (webview) holds canvas#loss-chart, or null. */
async function readLossChart(page) {
  for (const frame of page.frames()) {
    if (frame.isDetached()) continue;
    try {
      const state = await frame.evaluate(() => {
        const c = document.querySelector('canvas#loss-chart');
        return c ? { points: c.getAttribute('data-points'), state: c.getAttribute('data-state'),
          width: c.width, height: c.height } : null;
      });
      if (state) return { frame, ...state };
    } catch {
      // a frame navigating or going away: try the others
    }
  }
  return null;
}

async function codeLensTexts(page) {
  return page.$$eval('.codelens-decoration a', (els) => els.map((e) => e.textContent.trim()));
}

async function openModelFile(page, file, checks) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).first();
  try {
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await row.click();
    checks.push(`explorer shows ${file}; clicked it`);
  } catch {
    say(`${file} not visible in the explorer; using Quick Open`);
    await page.locator('.monaco-workbench').click({ position: { x: 800, y: 500 } }).catch(() => {});
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(file);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first()
      .waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter');
    checks.push(`Quick Open found ${file}; opened it`);
  }
  await poll(`an editor tab for ${file}`, 20_000, () =>
    page.locator('.tabs-container .tab', { hasText: file }).first().isVisible());
  await poll(`the text of ${file} in the editor`, 20_000, () =>
    page.locator('.editor-instance .monaco-editor .view-lines').first().isVisible());
}

async function runTheme(theme, { extension, examples, shotPath, timeoutMs }) {
  const checks = [];
  const extErrors = [];
  fatal = null;
  fs.rmSync(path.join(SHOTS, `failure-${theme}.png`), { force: true }); // from an earlier run
  let page;
  let server;
  const t0 = Date.now();
  const sec = () => ((Date.now() - t0) / 1000).toFixed(1);
  try {
    await withTimeout((async () => {
      const workspace = copyToTempWorkspace(examples, path.basename(examples));
      server = await startServer({ theme });
      ({ page } = await launchBrowser({ viewport: VIEWPORT }));
      await openWorkbench(page, server, {
        folder: workspace,
        extensionDevelopmentPath: extension,
        onLog: (level, text) => {
          if (level === 'error' && !isNoise(text)) extErrors.push(text.split('\n')[0]);
          if (/Activating extension .* failed/.test(text)) fatal = text.split('\n')[0].replace(/^Error: /, '');
        },
        printLog: (level, text) => !isNoise(text) && level !== 'trace' && level !== 'debug',
      });

      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      await page.locator('.explorer-folders-view').waitFor({ state: 'visible', timeout: 60_000 })
        .catch(() => {}); // Quick Open works without it
      checks.push(`workbench loaded (${sec()} s)`);

      await openModelFile(page, opt.file, checks);
      checks.push(`${opt.file} open in an editor (${sec()} s)`);

      const trainLens = page.locator('.codelens-decoration a', { hasText: 'Train' }).first();
      await poll('a CodeLens link containing "Train"', 60_000, () => trainLens.isVisible());
      const lensesBefore = await codeLensTexts(page);
      checks.push(`CodeLens links: ${lensesBefore.map((t) => JSON.stringify(t)).join(', ')}`);

      await trainLens.click();
      const clickedAt = Date.now();
      checks.push(`clicked the "Train" CodeLens (${sec()} s)`);

      // While training: watch for the "Stop" lens and for the chart in the webview.
      let sawStop = false;
      let chart = null;
      let firstPointsAt = null;
      let retried = false;
      const chartDeadline = Date.now() + 60_000;
      let doneDeadline = null;
      for (;;) {
        if (!sawStop) {
          const texts = await codeLensTexts(page).catch(() => []);
          if (texts.some((t) => t.includes('Stop'))) {
            sawStop = true;
            checks.push(`CodeLens showed ${JSON.stringify(texts.find((t) => t.includes('Stop')))} while training ` +
              `(${((Date.now() - clickedAt) / 1000).toFixed(1)} s after the click)`);
          }
        }
        if (fatal) throw new StepError(fatal);
        chart = await readLossChart(page);
        const points = chart && /^\d+$/.test(chart.points ?? '') ? Number(chart.points) : 0;
        if (points > 0 && firstPointsAt === null) {
          firstPointsAt = Date.now();
          doneDeadline = firstPointsAt + 60_000;
          checks.push(`webview canvas#loss-chart has data-points=${points} ` +
            `(${((firstPointsAt - clickedAt) / 1000).toFixed(1)} s after the click)`);
        }
        if (points > 0 && DONE_STATES.has(chart.state)) break;
        if (FAILED_STATES.has(chart?.state)) {
          throw new StepError(`training ended with data-state=${JSON.stringify(chart.state)} ` +
            `(data-points=${JSON.stringify(chart.points)})`);
        }
        // A click that lands while the lens is being re-rendered can be lost: a person clicks again.
        if (firstPointsAt === null && !retried && Date.now() - clickedAt > 15_000 &&
            await trainLens.isVisible().catch(() => false)) {
          retried = true;
          checks.push('note: nothing trained 15 s after the click; clicked "Train" again');
          await trainLens.click();
        }
        if (firstPointsAt === null && Date.now() > chartDeadline) {
          throw new StepError(chart
            ? `canvas#loss-chart never reported loss points (data-points=${JSON.stringify(chart.points)}, ` +
              `data-state=${JSON.stringify(chart.state)}) within 60 s of clicking Train`
            : `no webview with canvas#loss-chart appeared within 60 s of clicking Train ` +
              `(${page.frames().length} frames on the page)`);
        }
        if (doneDeadline !== null && Date.now() > doneDeadline) {
          throw new StepError(`training not finished after 60 s of charting (data-state=${JSON.stringify(chart?.state)})`);
        }
        await sleep(150);
      }
      const trainingSecs = (Date.now() - clickedAt) / 1000;
      const done = DONE_STATES.has(chart?.state);
      if (done) {
        checks.push(`training done: data-state=${JSON.stringify(chart.state)}, data-points=${chart.points} ` +
          `(${trainingSecs.toFixed(1)} s after the click)`);
      }
      // A run that takes seconds must show the Stop lens; a very short one may finish between
      // two CodeLens refreshes, so it is only reported then.
      if (!sawStop) {
        if (trainingSecs >= 4) {
          throw new StepError(`the CodeLens never showed "Stop" during a ${trainingSecs.toFixed(1)} s training run`);
        }
        checks.push(`note: "Stop" lens not observed (run lasted ${trainingSecs.toFixed(1)} s, too short to assert)`);
      }
      if (done) {
        const lensAfter = page.locator('.codelens-decoration a', { hasText: 'Train' }).first();
        await poll('the CodeLens to return to "Train" after training', 15_000, () => lensAfter.isVisible());
        checks.push('CodeLens back to "Train" after the run');
      }

      await sleep(1000); // let the chart's last frame and the editor settle
      fs.mkdirSync(path.dirname(shotPath), { recursive: true });
      await page.screenshot({ path: shotPath });
      checks.push(`screenshot ${path.relative(process.cwd(), shotPath)}`);
    })(), timeoutMs, `running the ${theme} theme`);
    return { theme, ok: true, checks, extErrors };
  } catch (e) {
    const failShot = path.join(SHOTS, `failure-${theme}.png`);
    if (page) {
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: failShot }).then(
        () => checks.push(`failure screenshot ${path.relative(process.cwd(), failShot)}`),
        () => {},
      );
    }
    const serverLog = (server?.logTail?.(40) ?? '').split('\n').filter((l) => l.trim()).slice(-25).join('\n');
    // VS Code's own notifications (an extension failing to activate, a command error) say why.
    const toasts = page
      ? await page.$$eval('.notification-list-item-message', (els) => els.map((e) => e.textContent.trim()))
        .catch(() => [])
      : [];
    return { theme, ok: false, checks, extErrors, error: e, serverLog, toasts };
  } finally {
    await cleanupAll();
  }
}

async function main() {
  const themes = opt.theme?.length ? opt.theme : ['dark', 'light'];
  for (const t of themes) {
    if (!THEMES[t]) throw new Error(`unknown theme ${t}: use ${Object.keys(THEMES).join(', ')}`);
  }
  if (opt.out && themes.length !== 1) throw new Error('--out needs exactly one --theme');
  const extension = path.resolve(opt.extension);
  const examples = path.resolve(opt.examples);
  const pkgFile = path.join(extension, 'package.json');
  if (!fs.existsSync(pkgFile)) throw new Error(`no extension at ${extension}`);
  const main = JSON.parse(fs.readFileSync(pkgFile, 'utf8')).main;
  if (main) {
    const m = path.resolve(extension, main);
    if (!fs.existsSync(m) && !fs.existsSync(`${m}.js`)) throw new Error(`extension entry ${m} is missing: run \`npm run build\` first`);
  }
  if (!fs.existsSync(path.join(examples, opt.file))) throw new Error(`${path.join(examples, opt.file)} is missing`);

  await ensureCodeServer();
  let passed = 0;
  let failed = 0;
  for (const theme of themes) {
    const shotPath = opt.out ? path.resolve(opt.out) : path.join(SHOTS, `workbench-${theme}.png`);
    say(`--- theme ${theme} (${THEMES[theme]}) ---`);
    const t0 = Date.now();
    const r = await runTheme(theme, { extension, examples, shotPath, timeoutMs: Number(opt.timeout) });
    for (const c of r.checks) console.log(c.startsWith('note: ') ? `  • ${c.slice(6)}` : `  ✔ ${c}`);
    if (r.extErrors.length) {
      console.log(`  errors logged by the workbench/extension host during the run:`);
      for (const e of r.extErrors.slice(0, 20)) console.log(`    ${e}`);
    }
    if (r.ok) {
      passed++;
      say(`theme ${theme}: OK in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } else {
      failed++;
      console.error(`  ✘ ${r.error instanceof StepError ? r.error.message : r.error.stack}`);
      for (const t of r.toasts) console.error(`  VS Code notification: ${t}`);
      if (r.serverLog) console.error(`  --- server log (last lines) ---\n${r.serverLog}`);
      say(`theme ${theme}: FAILED after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  }
  console.log(`\nbrowser: ${passed} passed, ${failed} failed`);
  if (failed) process.exitCode = 1;
}

main().catch(async (e) => {
  console.error(`[test:browser] FAILED: ${e.message}`);
  await cleanupAll();
  process.exitCode = 1;
});

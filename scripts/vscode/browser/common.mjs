// The browser test's shared ground: where screenshots go, the window size, polling, the panel's chart ids.
import path from 'node:path';
import { sleep } from '../server.mjs';
import { repoRoot } from '../ensure-code-server.mjs';

export const SHOTS = path.join(repoRoot, 'test-results', 'screenshots');

export const VIEWPORT = { width: 1600, height: 1000 };

export const say = (msg) => console.log(`[test:browser] ${msg}`);

export class StepError extends Error {}

/** The panel's charts besides canvas#loss-chart: element #chart-<id>, with data-points. */
export const CHART_IDS = ['accuracy', 'grad-flow', 'grad-bars', 'histograms', 'act-std', 'act-health', 'updates', 'boundary'];

// Set when the workbench reports that the extension failed to activate: no point waiting then.
export const health = { fatal: null };

/** Polls `fn` until it returns a truthy value; throws StepError(what) after `ms`. */
export async function poll(what, ms, fn, interval = 200) {
  const deadline = Date.now() + ms;
  let lastError;
  for (;;) {
    if (health.fatal) throw new StepError(`${health.fatal} (while waiting for ${what})`);
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      if (e instanceof StepError) throw e;
      lastError = e;
    }
    if (Date.now() >= deadline) break;
    await sleep(interval);
  }
  throw new StepError(`timed out after ${Math.round(ms / 1000)} s waiting for ${what}` +
    (lastError ? ` (last error: ${lastError.message.split('\n')[0]})` : ''));
}

export const num = (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0);

export const secsSince = (t) => ((Date.now() - t) / 1000).toFixed(1);

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

/**
 * How a figure the extension computed is compared with the CLI's (sameNumber, sameShown, sameWords):
 * exactly, unless a relative bound is set (compareWithin). The desktop compares exactly: the panel
 * and the CLI run the same engine on the same Node. The web test sets a bound (web/scenarios-checks.mjs:
 * WEB_REL_TOL, and why): there the engine runs in Chromium, whose Math.log/exp/pow round differently
 * from Node's in the last place. A figure that is itself round-off (a gradient check's relative
 * error) is compared within a `factor` of the CLI's instead (gradcheck.mjs GRADCHECK_FACTOR, and why).
 */
const comparison = { rel: 0 };

/** From now on figures may differ relatively by up to `rel` (0: they must be equal). */
export function compareWithin(rel) {
  comparison.rel = rel;
}

/** The relative bound compareWithin set (0: figures are compared exactly). */
export const comparisonBound = () => comparison.rel;

/** For a check's line: '' when comparing exactly, else " (figures within <bound> relative)". */
export const withinBound = () => (comparison.rel > 0 ? ` (figures within ${comparison.rel} relative)` : '');

/** The figures a comparison takes for `want`: [want, want] when exact, else want ± the bound (or within `factor` of it). */
function window(want, factor) {
  const d = comparison.rel * Math.abs(want);
  const lo = want - d;
  const hi = want + d;
  return factor > 1 && want > 0 ? [Math.min(lo, want / factor), Math.max(hi, want * factor)] : [lo, hi];
}

/** Whether a figure equals the CLI's: exactly, or within the bound compareWithin set (or, given, within `factor` of it). */
export function sameNumber(got, want, { factor = 1 } = {}) {
  if (got === want) return true;
  if (!(comparison.rel > 0) || !Number.isFinite(got) || !Number.isFinite(want)) return false;
  const [lo, hi] = window(want, factor);
  return got >= lo && got <= hi;
}

/**
 * Whether `text` is how `format` shows the CLI's figure `want`: exactly that text, or (with a bound)
 * how it shows some figure in the comparison's window around `want`. A figure near a rounding boundary
 * may round either way: `format` being monotonic, the text is one of those exactly when format shows
 * the figure it reads as (parse(text)), moved into the window, as that text.
 */
export function sameShown(text, want, format, { factor = 1, parse = Number } = {}) {
  if (text === format(want)) return true;
  if (!(comparison.rel > 0) || !Number.isFinite(want) || typeof text !== 'string') return false;
  const [lo, hi] = window(want, factor);
  const read = parse(text);
  return Number.isFinite(read) && format(Math.min(hi, Math.max(lo, read))) === text;
}

/** A figure in a sentence (not a digit of a name such as layers[1].W). */
const FIGURE = /(?<![\w[.])\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w\]])/gi;

/** One unit in the last digit a figure's text shows: "2.70e-8" 1e-10, "0.00054" 1e-5, "19" 1. */
function lastDigit(text) {
  const [, decimals = '', exponent = '0'] = /^\d+(?:\.(\d+))?(?:e([-+]?\d+))?$/i.exec(text);
  return 10 ** (Number(exponent) - decimals.length);
}

/**
 * Whether a sentence with figures in it (advice, a summary) says what the CLI's says: exactly, or
 * (with a bound) the same words and whole numbers (counts: steps, samples), each other figure the
 * CLI's text or within one unit of its last digit of the comparison's window around it: the two sides
 * round figures in that window, and one near a rounding boundary may round either way.
 */
export function sameWords(got, want, { factor = 1 } = {}) {
  if (got === want) return true;
  if (!(comparison.rel > 0) || typeof got !== 'string' || got.replace(FIGURE, '#') !== want.replace(FIGURE, '#')) return false;
  const shown = got.match(FIGURE);
  return want.match(FIGURE).every((w, i) => {
    if (shown[i] === w || !/[.e]/i.test(w)) return shown[i] === w;
    const [lo, hi] = window(Number(w), factor);
    const unit = lastDigit(w) * (1 + 1e-9);
    return Number(shown[i]) >= lo - unit && Number(shown[i]) <= hi + unit;
  });
}

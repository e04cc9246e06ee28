/** Number formats shared by the header, the tables and the charts. */
import * as l10n from '@vscode/l10n';

export const pct = (x: number | null | undefined, digits = 1): string =>
  (x === null || x === undefined || Number.isNaN(x) ? '–' : `${(x * 100).toFixed(digits)}%`);

/** R² with three decimals, four when three would round it to 1 (a fit worse than the mean goes below 0). */
export const r2 = (x: number | null | undefined): string =>
  (x === null || x === undefined || Number.isNaN(x) ? '–' : x < 1 && x.toFixed(3) === '1.000' ? x.toFixed(4) : x.toFixed(3));

/** Four significant digits, exponential when tiny or huge. */
export function num(x: number | null | undefined): string {
  if (x === null || x === undefined) return '–';
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e5) return x.toExponential(2);
  return x.toPrecision(4);
}

/** Short: 3 significant digits, exponential when tiny or huge ("2.1e-5", "0.634", "12.3"). */
export function short(x: number | null | undefined): string {
  if (x === null || x === undefined) return '–';
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-2 || a >= 1e4) return x.toExponential(1).replace('e+', 'e');
  return String(Number(x.toPrecision(3)));
}

export const exp = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toExponential(digits) : String(x));

export const int = (x: number): string => Math.round(x).toLocaleString('en-US');

export const rate = (x: number): string => l10n.t('{0} samples/s', int(x));

export function seconds(s: number): string {
  if (s < 60) return l10n.t('{0} s', s.toFixed(s < 10 ? 2 : 1));
  const m = Math.floor(s / 60);
  return l10n.t('{0} min {1} s', m, Math.round(s - m * 60));
}

/**
 * A linear-axis tick label with just the digits that tell it from its neighbours `step` apart:
 * 0.25, 1,500, or 1.2e37 (Chart.js's own labels read "1E37" for 1.0e37, 1.2e37 and 1.4e37 alike).
 */
export function linearTick(v: number, step: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const s = Math.abs(step) > 0 && Number.isFinite(step) ? Math.abs(step) : Math.abs(v);
  const a = Math.max(Math.abs(v), s);
  if (a >= 1e5 || a < 1e-3) {
    const digits = Math.min(6, Math.max(0, Math.floor(Math.log10(a)) - Math.floor(Math.log10(s) + 1e-9)));
    return v.toExponential(digits).replace('e+', 'e');
  }
  const decimals = Math.min(6, Math.max(0, -Math.floor(Math.log10(s) + 1e-9)));
  return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Log-axis tick labels: only the decades, as 1e-3; nothing in between. */
export function decadeTick(v: number | string): string {
  const x = Number(v);
  if (!(x > 0)) return '';
  const e = Math.log10(x);
  if (Math.abs(e - Math.round(e)) > 1e-9) return '';
  const k = Math.round(e);
  return k === 0 ? '1' : k === 1 ? '10' : `1e${k}`;
}

/** "layers[3] dense 500 · tanh" → "[3] dense 500 · tanh" (legends and small titles). */
export const shortLayerName = (name: string): string => name.replace(/^layers\[/, '[');

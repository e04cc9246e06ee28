/** Axis, legend and tooltip options in the theme's colours, shared by every chart. */
import type { Chart, Tick } from 'chart.js';
import { decadeTick, linearTick, short } from './format';
import { toggleByLabel, uniqueLegendItems } from './plugins';
import { withAlpha, type ChartTheme } from './theme';

export function tickFont(theme: ChartTheme, delta = -1): { family: string; size: number } {
  return { family: theme.font, size: theme.fontSize + delta };
}

const isDecade = (v: number): boolean => v > 0 && Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9;
const round = (v: number): number => Number(v.toPrecision(12));

/**
 * Log-axis tick values between lo and hi: the decades (thinned to ≤ 8) when there are two or more;
 * else 1, 2, 5 × 10^k when that gives three; else 1…9 × 10^k when that gives three to nine; else
 * four values evenly spaced in log, rounded.
 */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0 && hi > lo)) return lo > 0 ? [lo] : [];
  const inRange = (v: number): boolean => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const e0 = Math.floor(Math.log10(lo));
  const e1 = Math.ceil(Math.log10(hi));
  const decades: number[] = [];
  const nice: number[] = [];
  for (let e = e0; e <= e1; e++) {
    for (const m of [1, 2, 5]) {
      const v = round(m * Math.pow(10, e));
      if (!inRange(v)) continue;
      nice.push(v);
      if (m === 1) decades.push(v);
    }
  }
  if (decades.length >= 2) {
    const step = Math.ceil(decades.length / 8);
    return decades.filter((_, i) => i % step === 0);
  }
  if (nice.length >= 3) return nice;
  const fine: number[] = [];
  for (let e = e0; e <= e1; e++) {
    for (let m = 1; m <= 9; m++) {
      const v = round(m * Math.pow(10, e));
      if (inRange(v)) fine.push(v);
    }
  }
  if (fine.length >= 3 && fine.length <= 9) return fine;
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  return [...new Set([0, 1, 2, 3].map((i) => Number(Math.pow(10, a + ((b - a) * i) / 3).toPrecision(2))))].filter(inRange);
}

interface LogScaleLike { min: number; max: number; ticks: Tick[]; options: { min?: unknown; max?: unknown } }

/**
 * A log axis: data spanning more than a decade is shown on whole decades; a narrower range keeps
 * its own bounds with a little room. Grid lines are strong at decades, faint elsewhere.
 */
export function logScale(theme: ChartTheme, title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'logarithmic',
    title: { display: Boolean(title), text: title, color: theme.muted, font: tickFont(theme) },
    afterDataLimits: (scale: LogScaleLike) => {
      const { min, max } = scale;
      if (!(min > 0 && max > 0) || scale.options.min !== undefined || scale.options.max !== undefined) return;
      const lo = Math.log10(min);
      const hi = Math.log10(max);
      if (hi - lo >= 1) {
        scale.min = Math.pow(10, Math.floor(lo + 1e-9));
        scale.max = Math.pow(10, Math.ceil(hi - 1e-9));
      } else {
        const pad = Math.max(0.04, (hi - lo) * 0.1);
        scale.min = Math.pow(10, lo - pad);
        scale.max = Math.pow(10, hi + pad);
      }
    },
    afterBuildTicks: (scale: LogScaleLike) => {
      scale.ticks = logTicks(scale.min, scale.max).map((value) => ({ value, major: isDecade(value) }) as Tick);
    },
    ticks: {
      color: theme.muted, font: tickFont(theme), autoSkip: false,
      callback: (v: number | string) => (isDecade(Number(v)) ? decadeTick(v) : short(Number(v))),
    },
    grid: { color: (c: { tick?: Tick }) => (c.tick && isDecade(c.tick.value) ? theme.grid : withAlpha(theme.foreground, theme.highContrast ? 0.2 : 0.06)) },
    border: { color: theme.grid },
    ...extra,
  };
}

export function linearScale(theme: ChartTheme, title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'linear',
    title: { display: Boolean(title), text: title, color: theme.muted, font: tickFont(theme) },
    ticks: {
      color: theme.muted, font: tickFont(theme), maxTicksLimit: 8,
      // Linear ticks are evenly spaced: the first gap is every gap.
      callback: (v: number | string, _i: number, ticks: Tick[]) => linearTick(Number(v), ticks.length > 1 ? ticks[1].value - ticks[0].value : 0),
    },
    grid: { color: theme.grid },
    border: { color: theme.grid },
    ...extra,
  };
}

/** Tooltips in the colours of the editor's hover widget. */
export function tooltipColors(theme: ChartTheme): Record<string, unknown> {
  return {
    backgroundColor: theme.hoverBackground, borderColor: theme.hoverBorder, borderWidth: 1,
    titleColor: theme.foreground, bodyColor: theme.foreground, titleFont: tickFont(theme, 0), bodyFont: tickFont(theme, -1),
    boxPadding: 3, usePointStyle: false,
  };
}

export function legendOptions(theme: ChartTheme): Record<string, unknown> {
  return {
    // On top: on the right, Chart.js cuts long layer names at the panel's widths.
    position: 'top',
    align: 'center',
    labels: {
      color: theme.foreground, font: tickFont(theme), boxWidth: 14, boxHeight: 2, padding: 10,
      generateLabels: uniqueLegendItems,
    },
    onClick: (_e: unknown, item: Parameters<typeof toggleByLabel>[1], legend: { chart: Chart<'line' | 'bar'> }) => toggleByLabel(legend.chart, item),
  };
}


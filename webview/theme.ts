/** VS Code theme colours for the charts, read from the CSS variables VS Code sets on the webview. */
export interface ChartTheme {
  foreground: string;
  muted: string;
  grid: string;
  /** Editor background: what the charts sit on, and what a saved PNG is drawn on. */
  background: string;
  /** Lines that mark something (markers, the 1e-3 band): clearly visible, never a series colour. */
  accent: string;
  font: string;
  fontSize: number;
  /** blue, orange, green, purple, red, yellow */
  series: string[];
  error: string;
  /** Tooltip colours: the editor's hover widget. */
  hoverBackground: string;
  hoverBorder: string;
  highContrast: boolean;
  dark: boolean;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim() ||
    getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

/** Parses #rgb, #rrggbb, #rrggbbaa and rgb()/rgba() into [r, g, b]; undefined otherwise. */
export function parseColor(c: string): [number, number, number] | undefined {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(c.trim());
  if (hex) {
    const h = hex[1];
    if (h.length === 3 || h.length === 4) return [0, 1, 2].map((i) => parseInt(h[i] + h[i], 16)) as [number, number, number];
    if (h.length === 6 || h.length === 8) return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
    return undefined;
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(c.trim());
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : undefined;
}

/** The colour at the given opacity, as rgba(); unchanged if it cannot be parsed. */
export function withAlpha(c: string, alpha: number): string {
  const rgb = parseColor(c);
  return rgb ? `rgba(${rgb[0]}, ${rgb[1]}, ${rgb[2]}, ${alpha})` : c;
}

/** a + (b − a)·t per channel, as #rrggbb; a unchanged if either cannot be parsed. */
export function mix(a: string, b: string, t: number): string {
  const x = parseColor(a);
  const y = parseColor(b);
  if (!x || !y) return a;
  return '#' + x.map((v, i) => Math.round(v + (y[i] - v) * t).toString(16).padStart(2, '0')).join('');
}

/** Relative luminance in [0, 1] (sRGB, WCAG). */
export function luminance(c: string): number {
  const rgb = parseColor(c);
  if (!rgb) return 0;
  const [r, g, b] = rgb.map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Hue in degrees [0, 360), saturation and lightness in [0, 1] (HSL). */
export function toHsl(c: string): [number, number, number] | undefined {
  const rgb = parseColor(c);
  if (!rgb) return undefined;
  const [r, g, b] = rgb.map((v) => v / 255);
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  if (max === min) return [0, 0, l];
  const d = max - min;
  const sat = d / (1 - Math.abs(2 * l - 1));
  const h = max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return [h * 60, sat, l];
}

/** #rrggbb of an HSL colour. */
export function fromHsl(h: number, sat: number, l: number): string {
  const c = (1 - Math.abs(2 * l - 1)) * sat;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return '#' + [r, g, b].map((v) => Math.round((v + m) * 255).toString(16).padStart(2, '0')).join('');
}

/** Hues closer than this are hard to tell apart as thin lines (VS Code's orange and yellow are 6–13° apart). */
export const MIN_HUE_GAP = 20;

function hueGap(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return Math.min(d, 360 - d);
}

/**
 * The theme's chart colours, with any colour whose hue is too close to an earlier one's turned to
 * the middle of the widest empty arc of the colour wheel (its saturation and lightness kept), so
 * six overlaid runs stay six distinguishable lines. Colours already apart are left as the theme has them.
 */
export function separateHues(colors: string[]): string[] {
  const hsl = colors.map(toHsl);
  const hues = (skip: number): number[] => hsl.flatMap((x, j) => (x && x[1] > 0.15 && j !== skip ? [x[0]] : []));
  return colors.map((c, i) => {
    const x = hsl[i];
    if (!x || x[1] <= 0.15) return c; // a grey has no hue to clash
    const earlier = hsl.slice(0, i).some((y) => y && y[1] > 0.15 && hueGap(y[0], x[0]) < MIN_HUE_GAP);
    if (!earlier) return c;
    const others = hues(i).sort((a, b) => a - b);
    let best = { gap: -1, at: x[0] };
    others.forEach((h, k) => {
      const next = k + 1 < others.length ? others[k + 1] : others[0] + 360;
      if (next - h > best.gap) best = { gap: next - h, at: (h + (next - h) / 2) % 360 };
    });
    hsl[i] = [best.at, x[1], x[2]];
    return fromHsl(best.at, x[1], x[2]);
  });
}

export function readTheme(): ChartTheme {
  const cl = document.body.classList;
  const highContrast = cl.contains('vscode-high-contrast') || cl.contains('vscode-high-contrast-light');
  const foreground = cssVar('--vscode-foreground', '#cccccc');
  const background = cssVar('--vscode-editor-background', luminance(foreground) > 0.5 ? '#1f1f1f' : '#ffffff');
  const dark = cl.contains('vscode-dark') || cl.contains('vscode-high-contrast') ? true
    : cl.contains('vscode-light') || cl.contains('vscode-high-contrast-light') ? false
      : luminance(background) < 0.4;
  return {
    foreground,
    muted: cssVar('--vscode-descriptionForeground', withAlpha(foreground, 0.7)),
    grid: highContrast ? withAlpha(foreground, 0.45) : withAlpha(foreground, dark ? 0.12 : 0.14),
    background,
    accent: highContrast ? foreground : withAlpha(foreground, 0.75),
    font: cssVar('--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: parseFloat(cssVar('--vscode-font-size', '13')) || 13,
    series: separateHues([
      cssVar('--vscode-charts-blue', '#3794ff'),
      cssVar('--vscode-charts-orange', '#d18616'),
      cssVar('--vscode-charts-green', '#89d185'),
      cssVar('--vscode-charts-purple', '#b180d7'),
      cssVar('--vscode-charts-red', '#f14c4c'),
      cssVar('--vscode-charts-yellow', '#cca700'),
    ]),
    error: cssVar('--vscode-errorForeground', '#f14c4c'),
    hoverBackground: cssVar('--vscode-editorHoverWidget-background', background),
    hoverBorder: cssVar('--vscode-editorHoverWidget-border', withAlpha(foreground, 0.3)),
    highContrast,
    dark,
  };
}

/**
 * The colour of layer (or class) i, the same on every chart: the six chart colours, then the same
 * six mixed toward the foreground (lighter on dark themes, darker on light ones), then toward the
 * background.
 */
export function paletteColor(theme: ChartTheme, i: number): string {
  const n = theme.series.length;
  const base = theme.series[i % n];
  const round = Math.floor(i / n) % 3;
  if (round === 0) return base;
  return round === 1 ? mix(base, theme.foreground, 0.45) : mix(base, theme.background, 0.4);
}

/** Calls back when VS Code switches theme (it swaps the body's classes and the variables). */
export function onThemeChange(callback: () => void): void {
  new MutationObserver(callback).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

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
    series: [
      cssVar('--vscode-charts-blue', '#3794ff'),
      cssVar('--vscode-charts-orange', '#d18616'),
      cssVar('--vscode-charts-green', '#89d185'),
      cssVar('--vscode-charts-purple', '#b180d7'),
      cssVar('--vscode-charts-red', '#f14c4c'),
      cssVar('--vscode-charts-yellow', '#cca700'),
    ],
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

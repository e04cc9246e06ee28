/** A chart as a PNG: its title and note over the chart, on the theme's background (never transparent). */
import { readTheme } from './theme';

const MARGIN = 12;

export function chartPng(canvas: HTMLCanvasElement, title: string, note: string): string {
  const t = readTheme();
  const dpr = canvas.clientWidth > 0 ? canvas.width / canvas.clientWidth : window.devicePixelRatio || 1;
  const head = Math.round((t.fontSize + 14) * dpr);
  const margin = Math.round(MARGIN * dpr);
  const out = document.createElement('canvas');
  out.width = canvas.width + 2 * margin;
  out.height = canvas.height + head + margin;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = t.background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.textBaseline = 'middle';
  ctx.font = `600 ${Math.round((t.fontSize + 1) * dpr)}px ${t.font}`;
  ctx.fillStyle = t.foreground;
  ctx.fillText(title, margin, head / 2 + margin / 3);
  if (note) {
    const w = ctx.measureText(title).width;
    ctx.font = `${Math.round((t.fontSize - 1) * dpr)}px ${t.font}`;
    ctx.fillStyle = t.muted;
    ctx.fillText(note, margin + w + 10 * dpr, head / 2 + margin / 3);
  }
  ctx.drawImage(canvas, margin, head);
  return out.toDataURL('image/png');
}

/**
 * What the Inspect tab's forward and backward sections draw, row by row (pure): the input, every
 * engine layer's output (the activation after a nonlinearity is its own row), then ∂L/∂scores,
 * ∂L/∂(each layer's output) back to ∂L/∂input (a saliency map for images). Each row has its own
 * centred scale (a layer's values and its gradients differ by orders of magnitude).
 */
import * as l10n from '@vscode/l10n';
import type { InspectResult } from '../../src/engine/inspect-types';
import { short } from '../format';
import type { FigureData } from './figure';
import { isMapShape, MAX_MAPS } from './layout';
import { centredScale, extent, heatRgba, imageRgba, saliency, type CentredColors } from './scale';

export interface RowSpec {
  /** Stable while the network is the same: a new result for it repaints the row in place. */
  key: string;
  title: string;
  detail: string;
  data: FigureData;
}

export interface RowColors {
  values: CentredColors;
  grads: CentredColors;
  /** The saliency map's strongest colour. */
  hot: string;
  background: string;
  /** The faint line around a strip's cells. */
  edge: string;
}

const shapeText = (s: readonly number[]): string => (s.length <= 1 ? `[${s.join('')}]` : s.join(' × '));

/** "[100] · −1.2 to 3.4", with "first 32 of 64 maps" for a conv layer with more channels than drawn. */
function detail(values: ArrayLike<number>, shape: readonly number[], maps: boolean): string {
  const { min, max } = extent(values);
  const parts = [shapeText(shape), l10n.t('min {0} · max {1}', short(min), short(max))];
  if (maps && shape[0] > MAX_MAPS) parts.push(l10n.t('first {0} of {1} maps', MAX_MAPS, shape[0]));
  else if (maps) parts.push(shape[0] === 1 ? l10n.t('1 map') : l10n.t('{0} maps', shape[0]));
  return parts.join(' · ');
}

function row(key: string, title: string, values: number[], shape: number[], colors: CentredColors, name: string, edge: string): RowSpec {
  const maps = isMapShape(shape);
  return { key, title, detail: detail(values, shape, maps), data: { values, shape, maps, scale: centredScale(values, colors), name, edge } };
}

/** Whether the input is an image ([c, h, w], 1 or 3 channels). */
export function isImageInput(r: Pick<InspectResult, 'inputShape'>): boolean {
  const s = r.inputShape;
  return s.length === 3 && (s[0] === 1 || s[0] === 3) && s[1] > 1 && s[2] > 1;
}

/** The input: an image for image data (its own range stretched to black–white), else a value strip. */
export function inputRow(r: InspectResult, c: RowColors): RowSpec {
  const key = `input:${r.inputShape.join('x')}`;
  if (!isImageInput(r)) return row(key, l10n.t('input x'), r.input, [r.input.length], c.values, 'x', c.edge);
  const [, h, w] = r.inputShape;
  const spec = row(key, l10n.t('input x'), r.input, r.inputShape, c.values, 'x', c.edge);
  spec.data = { ...spec.data, shape: [1, h, w], rgba: imageRgba(r.input, r.inputShape) };
  spec.detail = `${shapeText(r.inputShape)} · ${l10n.t('as the network sees it (normalized)')}`;
  return spec;
}

/** Forward: every engine layer's output, first to last (the last is the scores). */
export function forwardRows(r: InspectResult, c: RowColors): RowSpec[] {
  return r.layers.map((l, i) => row(`f${i}:${l.name}:${l.shape.join('x')}`, l.name, l.out, l.shape, c.values, 'out', c.edge));
}

/** Backward: ∂L/∂scores, then ∂L/∂(each earlier layer's output), then ∂L/∂input. */
export function backwardRows(r: InspectResult, c: RowColors): RowSpec[] {
  const rows: RowSpec[] = [];
  for (let i = r.layers.length - 1; i >= 0; i--) {
    const l = r.layers[i];
    const title = i === r.layers.length - 1 ? l10n.t('∂L/∂scores ({0})', l.name) : `∂L/∂ ${l.name}`;
    rows.push(row(`b${i}:${l.name}:${l.shape.join('x')}`, title, l.dout, l.shape, c.grads, '∂L/∂out', c.edge));
  }
  rows.push(dinputRow(r, c));
  return rows;
}

/** ∂L/∂input: for images the saliency map max_c |∂L/∂x| (cs231n), else a strip. */
function dinputRow(r: InspectResult, c: RowColors): RowSpec {
  const key = `dinput:${r.inputShape.join('x')}`;
  if (!isImageInput(r)) return row(key, '∂L/∂x', r.dinput, [r.dinput.length], c.grads, '∂L/∂x', c.edge);
  const [, h, w] = r.inputShape;
  const map = saliency(r.dinput, r.inputShape);
  const spec = row(key, l10n.t('∂L/∂x as a saliency map'), map, [1, h, w], c.grads, '|∂L/∂x|', c.edge);
  spec.data.rgba = heatRgba(map, c.background, c.hot);
  spec.detail = `${shapeText([h, w])} · ${l10n.t('max over channels of |∂L/∂x|, up to {0}', short(extent(map).max))}`;
  return spec;
}

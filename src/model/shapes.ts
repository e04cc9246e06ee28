import * as l10n from '@vscode/l10n';
import type { LayerSpec } from './spec';

export type Shape = readonly number[];

export const formatShape = (s: Shape): string => s.join('×');

/** Output shape of every layer from the input shape, or the first layer whose shape does not work. */
export function inferShapes(input: Shape, layers: readonly LayerSpec[]): { shapes: Shape[]; error?: { index: number; message: string } } {
  const shapes: Shape[] = [];
  let shape = input;
  for (const [index, layer] of layers.entries()) {
    const r = layerOutput(shape, layer);
    if (typeof r === 'string') return { shapes, error: { index, message: r } };
    shapes.push(r);
    shape = r;
  }
  return { shapes };
}

const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);

/** (in + 2·pad − size)/stride + 1, which must be a whole number ≥ 1. */
function windowOutput(kind: string, input: Shape, k: number, stride: number, pad: number): Shape | string {
  if (input.length !== 3) {
    return l10n.t('{0} needs image input (channels×height×width), but it gets {1} values per sample.', kind, formatShape(input));
  }
  const [c, h, w] = input;
  if (k > h + 2 * pad || k > w + 2 * pad) {
    return pad
      ? l10n.t('{0} size {1} is larger than its {2}×{3} input with pad {4}.', kind, k, h, w, pad)
      : l10n.t('{0} size {1} is larger than its {2}×{3} input.', kind, k, h, w);
  }
  const oh = (h + 2 * pad - k) / stride + 1;
  const ow = (w + 2 * pad - k) / stride + 1;
  if (!Number.isInteger(oh) || !Number.isInteger(ow)) {
    const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/0+$/, ''));
    return pad
      ? l10n.t('{0} output {1}×{2} is not whole: size {3}, stride {4}, pad {5} on {6}×{7}.', kind, fmt(oh), fmt(ow), k, stride, pad, h, w)
      : l10n.t('{0} output {1}×{2} is not whole: size {3}, stride {4} on {5}×{6}.', kind, fmt(oh), fmt(ow), k, stride, h, w);
  }
  return [c, oh, ow];
}

function layerOutput(input: Shape, layer: LayerSpec): Shape | string {
  switch (layer.kind) {
    case 'dense': return [layer.units];
    case 'maxout': return [layer.units];
    case 'flatten': return [size(input)];
    case 'dropout': case 'batchnorm': case 'activation': return input;
    case 'pool': return windowOutput('pool', input, layer.size, layer.stride, 0);
    case 'conv': {
      const out = windowOutput('conv', input, layer.size, layer.stride, layer.pad);
      return typeof out === 'string' ? out : [layer.filters, out[1], out[2]];
    }
  }
}

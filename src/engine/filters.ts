/**
 * What the first layer sees (cs231n lecture 5's pictures of first-layer weights): for image data,
 * each unit's (dense) or filter's (conv) weights laid out as an image of its input, each scaled to
 * its own range. A trained dense layer on MNIST shows stroke templates; a conv layer, small edge and
 * blob detectors; random init, noise.
 */
import type { Network } from './network';

/** At most this many images are drawn (the first units or filters). */
export const MAX_FILTER_IMAGES = 64;

export interface FilterImages {
  /** Steps taken when the weights were read. */
  step: number;
  /** The layer, e.g. "layers[0] dense 100". */
  layer: string;
  kind: 'dense' | 'conv';
  width: number;
  height: number;
  /** 1: grey; 3: RGB (the input's channels). */
  channels: 1 | 3;
  /** Images given, and how many units or filters the layer has. */
  count: number;
  total: number;
  /**
   * count·height·width·channels bytes, base64: image by image, row by row, channels interleaved;
   * each image scaled from its own min (0) to max (255), mid-grey when flat.
   */
  pixels: string;
  /** The smallest and largest weight over the images given. */
  min: number;
  max: number;
}

/** Where the first layer's weights can be shown as images: its geometry, or null. */
export interface FilterLayout {
  index: number;
  kind: 'dense' | 'conv';
  layer: string;
  width: number;
  height: number;
  channels: 1 | 3;
  total: number;
}

/**
 * The first layer with parameters, when it reads the image as it is (only shape-keeping layers before
 * it) and the image has 1 or 3 channels: a dense layer (one image of the input per unit) or a conv
 * layer (one K×K image per filter). Null otherwise (2-D points, CSV features, a pool first).
 */
export function filterLayout(network: Network, inputShape: readonly number[]): FilterLayout | null {
  if (inputShape.length !== 3) return null;
  const [c, h, w] = inputShape;
  if (c !== 1 && c !== 3) return null;
  const size = c * h * w;
  const index = network.layers.findIndex((l) => l.params.length > 0);
  if (index < 0) return null;
  const layer = network.layers[index];
  if (network.layers.slice(0, index).some((l) => l.outSize !== size) || layer.inSize !== size) return null;
  const name = `layers[${layer.sourceIndex}] ${layer.label}`;
  if (layer.kind === 'dense') {
    if (layer.params[0].value.length !== size * layer.outSize) return null;
    return { index, kind: 'dense', layer: name, width: w, height: h, channels: c, total: layer.outSize };
  }
  if (layer.kind === 'conv') {
    const filters = layer.outShape[0];
    const k = Math.round(Math.sqrt(layer.params[0].value.length / (filters * c)));
    if (k * k * c * filters !== layer.params[0].value.length) return null;
    return { index, kind: 'conv', layer: name, width: k, height: k, channels: c, total: filters };
  }
  return null;
}

/**
 * The images of the layout's layer now. Dense W is (C·H·W, units): unit u's weights are the column
 * u, in (c, y, x) order. Conv W is (F, C·K·K): filter f's are row f, in (c, i, j) order.
 */
export function filterImages(network: Network, layout: FilterLayout, step: number, max = MAX_FILTER_IMAGES): FilterImages {
  const W = network.layers[layout.index].params[0].value;
  const { width, height, channels, total } = layout;
  const plane = width * height;
  const size = plane * channels;
  const count = Math.min(total, max);
  const bytes = new Uint8Array(count * size);
  const values = new Float64Array(size);
  let lo = Infinity;
  let hi = -Infinity;
  for (let f = 0; f < count; f++) {
    // values[(c·H + y)·W + x]: the weight from input channel c, pixel (y, x).
    for (let k = 0; k < size; k++) values[k] = layout.kind === 'dense' ? W[k * total + f] : W[f * size + k];
    let min = Infinity;
    let max2 = -Infinity;
    for (let k = 0; k < size; k++) {
      if (values[k] < min) min = values[k];
      if (values[k] > max2) max2 = values[k];
    }
    lo = Math.min(lo, min);
    hi = Math.max(hi, max2);
    const range = max2 - min;
    const out = f * size;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < channels; c++) {
        const v = values[c * plane + p];
        bytes[out + p * channels + c] = range > 0 && Number.isFinite(range) ? Math.round(((v - min) / range) * 255) : 128;
      }
    }
  }
  return {
    step, layer: layout.layer, kind: layout.kind, width, height, channels, count, total,
    pixels: toBase64(bytes), min: count > 0 ? lo : 0, max: count > 0 ? hi : 0,
  };
}

/** Base64 of bytes, without Node's Buffer (the engine also runs in browsers). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

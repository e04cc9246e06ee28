/**
 * Samples of an image set as small pictures (the validation gallery to pick one to inspect, the
 * epoch's mistakes): the data's pixels in [0, 1] scaled to 0–255, laid out as FilterImages.pixels.
 */
import type { Dataset } from './data/dataset';
import { toBase64 } from './filters';

/** An image's geometry: channels (1 grey, 3 RGB), height and width. */
export interface ImageGeometry {
  channels: 1 | 3;
  height: number;
  width: number;
}

/** Images of samples: the protocol's SampleImages (src/training/protocol.ts), which the engine does not import. */
export interface SampleImages extends ImageGeometry {
  /** The samples' indices in their set, in the order of the images. */
  indices: number[];
  /** count·height·width·channels bytes, base64: image by image, row by row, channels interleaved. */
  pixels: string;
}

/**
 * The geometry of samples of shape `shape` when they are images: [c, h, w] with c = 1 (MNIST,
 * IDX files: [1, rows, cols]) or 3 (CIFAR-10: [3, 32, 32]), as filterLayout reads them; null
 * otherwise (2-D points, CSV features, other channel counts).
 */
export function imageGeometry(shape: readonly number[]): ImageGeometry | null {
  if (shape.length !== 3) return null;
  const [c, h, w] = shape;
  if (c !== 1 && c !== 3) return null;
  if (!(h > 0 && w > 0)) return null;
  return { channels: c, height: h, width: w };
}

/**
 * The rows `indices` of an image set as images: each value v (channel c, pixel p of the row's
 * (c, y, x) layout) becomes the byte round(255·v) clamped to 0–255 at image by image, row by row,
 * channels interleaved. Null when the set is not of images.
 */
export function sampleImages(set: Dataset, indices: readonly number[]): SampleImages | null {
  const g = imageGeometry(set.shape);
  if (!g) return null;
  const { channels, height, width } = g;
  const plane = height * width;
  const size = plane * channels;
  const bytes = new Uint8Array(indices.length * size);
  indices.forEach((row, i) => {
    const from = row * size;
    const to = i * size;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < channels; c++) bytes[to + p * channels + c] = toByte(set.x[from + c * plane + p]);
    }
  });
  return { width, height, channels, indices: [...indices], pixels: toBase64(bytes) };
}

/** A [0, 1] value as a byte: round(255·v), clamped; NaN as 0. */
function toByte(v: number): number {
  const b = Math.round(v * 255);
  return b > 255 ? 255 : b >= 0 ? b : 0;
}

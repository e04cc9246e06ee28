import type { NamedArray } from './npy';

/**
 * Weights as JSON: { "layers[0].W": { "shape": [2, 100], "values": [...] }, ... } in layer order,
 * values flat in row-major order (numpy: np.array(values, np.float32).reshape(shape)), layouts as
 * networkArrays describes them. Each value is written with the fewest digits that read back as the
 * same float32, so the file is exact and no longer than it needs to be.
 */
export function weightsJson(arrays: readonly NamedArray[]): string {
  const entries = arrays.map((a) => {
    const values: string[] = new Array<string>(a.data.length);
    for (let i = 0; i < a.data.length; i++) values[i] = a.data instanceof Float32Array ? float32Text(a.data[i]) : String(a.data[i]);
    return `  ${JSON.stringify(a.name)}: { "shape": [${a.shape.join(', ')}], "values": [${values.join(', ')}] }`;
  });
  return `{\n${entries.join(',\n')}\n}\n`;
}

/** The shortest decimal that parses back to the float32 v (JSON has no NaN or Infinity: null). */
export function float32Text(v: number): string {
  if (!Number.isFinite(v)) return 'null';
  if (Object.is(v, -0)) return '-0';
  for (let digits = 1; digits < 9; digits++) {
    const text = v.toPrecision(digits);
    if (Math.fround(Number(text)) === v) return String(Number(text));
  }
  return String(Number(v.toPrecision(9)));
}

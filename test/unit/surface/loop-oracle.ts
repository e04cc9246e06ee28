import { compileSurface } from '../../../src/engine/surface/surface';
import { SurfaceRun } from '../../../src/engine/surface/run';
import type { SurfacePoint } from '../../../src/engine/surface/types';
import type { SurfaceModelSpec } from '../../../src/model/spec';

/** Every point a SurfaceRun of the spec visits (seed: the spec's unless given), driven directly: the oracle for the loop's path and the CLI's step lines. */
export function enginePath(spec: SurfaceModelSpec, seed = spec.train.seed): SurfacePoint[] {
  const run = new SurfaceRun(compileSurface(spec.surface), spec.surface, spec.optimizer, seed);
  const out = [{ ...run.point }];
  while (!run.done) {
    const p = run.advance();
    if ('diverged' in p) break;
    out.push({ ...p });
  }
  return out;
}

/**
 * The loss landscape of a trained network (what `trainlens landscape` and "Show Loss Landscape"
 * compute): the training loss along the line from the initial to the trained weights (Goodfellow
 * et al., 2015), and on a plane through the trained weights (Li et al., 2018). Pure data.
 */

/** The plane's two directions: filter-normalized random ones, or the trajectory's first two principal directions. */
export type LandscapePlane = 'random' | 'pca';

export interface LandscapeOptions {
  /** Points per side of the 2-D grid (the 1-D line takes 4·⌈resolution/2⌉ + 1 evenly spaced points). */
  resolution: number;
  plane: LandscapePlane;
  /** Seed of the random directions. */
  seed: number;
  /**
   * Where the plane is centred: the trained weights (default, Li et al.) or the initial ones (the
   * plane then shows the loss around the start of the run; the path starts at (0, 0)).
   */
  centre?: LandscapeCentre;
}

/** The point the 2-D plane goes through. */
export type LandscapeCentre = 'trained' | 'initial';

/** θ(α) = θ₀ + α·(θ₁ − θ₀): θ₀ the initial weights, θ₁ the trained ones. */
export interface LandscapeLine {
  /** Ascending and evenly spaced, from −0.5 to 1.5, including 0 and 1 exactly. */
  alphas: number[];
  /** The training loss (data + regularization, eval mode, the whole training set) at each α. */
  losses: number[];
}

/** θ(a, b) = θ* + a·d₁ + b·d₂ around the trained weights θ*. */
export interface LandscapeSurface {
  plane: LandscapePlane;
  resolution: number;
  aMin: number;
  aMax: number;
  bMin: number;
  bMax: number;
  /** Loss at grid point (i, j): values[j·resolution + i], a = aMin + i·(aMax − aMin)/(resolution − 1). */
  values: number[];
  /** Contour levels, ascending, log-spaced above the grid's minimum. */
  levels: number[];
  /** The run's weights (its recorded trajectory, initial to trained) projected onto the plane: [a, b] per snapshot. */
  path: Array<[number, number]>;
  /** The steps of the path's snapshots. */
  pathSteps: number[];
  /** pca: the fraction of the trajectory's variance along d₁ and d₂; random: null. */
  explained: [number, number] | null;
  /** The weights at (0, 0) (LandscapeOptions.centre; absent: trained). */
  centre?: LandscapeCentre;
}

export interface LandscapeResult {
  line: LandscapeLine;
  surface: LandscapeSurface;
  /** The loss at α = 0 and α = 1 (equal to the run's reported initialLoss and final loss). */
  initialLoss: number;
  trainedLoss: number;
  /** Forward passes over the training set this took, and the samples in it. */
  evaluations: number;
  samples: number;
  seconds: number;
  /**
   * Present when the resolution was lowered to bound the work (LANDSCAPE_BUDGET_MACS in
   * compute.ts): the resolution asked for; line and surface used surface.resolution.
   */
  requestedResolution?: number;
}

/**
 * Weights a run visited, for the landscape: every weight array (as ParamValues lists them, in that
 * order) concatenated into one Float32Array per snapshot; the first is the initial weights (step 0),
 * the last the final ones. At most MAX_SNAPSHOTS, evenly spaced in steps, and within a memory bound.
 */
export interface WeightTrajectory {
  steps: number[];
  snapshots: Float32Array[];
}

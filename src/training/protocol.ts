/**
 * Every message between the extension host, the training worker and the webview panel.
 * All three sides import this module; nothing else is shared between them.
 */
import type { HelpersMessage, SetThreadsMessage, ThreadsMessage } from './thread-messages';
import type { ThreadsInfo } from '../engine/wasm/threads';
import type { Divergence } from '../engine/trainer';
import type { ModelSpec, OptimizerSpec } from '../model/spec';
import type { LayerStats, StepStats } from '../engine/stats';
import type { ModelCheck } from '../engine/check';
import type { FilterImages } from '../engine/filters';
import type { LossPoint, SeriesDelta, SeriesState } from './history';
import type { SanityReport } from '../engine/sanity-types';
import type { LrFindResult, LrPoint } from './lr-find';
import type { TrialResult, TuneParam } from '../model/tune';
import { FINDING_CODES, type Finding, type FindingCode } from './doctor-types';
import type { InspectResult, InspectWeights, SampleSplit } from '../engine/inspect-types';
import type { CircuitGraph } from '../engine/circuit/types';
import type { SurfaceFrame, SurfacePoint } from '../engine/surface/types';
import type { LandscapeOptions, LandscapeResult, WeightTrajectory } from '../engine/landscape/types';
import type { ExportFile } from '../export/pytorch';

export type { LayerStats, StepStats, ModelCheck, LossPoint, SeriesDelta, SeriesState, FilterImages, SurfaceFrame, SurfacePoint, LandscapeResult, WeightTrajectory };

// ─── shared payloads ───────────────────────────────────────────────────────────

/** Metrics at the end of an epoch. */
export interface EpochMetrics {
  epoch: number;
  /** Steps taken when the epoch ended. */
  step: number;
  /**
   * Mean training loss (data + regularization) over the epoch's samples, as the weights moved: each
   * batch's loss weighted by its size (Σ loss_b·n_b / Σ n_b), so a short last batch counts for what it holds.
   */
  loss: number;
  /** The regularization part of the loss (½·l2·‖W‖² + l1·‖W‖₁) at the epoch's last step. */
  regLoss: number;
  /**
   * cs231n's Solver.check_accuracy: the fraction classified right of a fixed sample of at most 1,000
   * training samples (drawn once from the run's seed; all of them when there are fewer), in eval
   * mode (dropout off, batchnorm's running statistics), with the weights at the epoch's end. null for regression.
   */
  trainAcc: number | null;
  /**
   * The running figure: the fraction of the epoch's training batches classified right in training
   * mode (dropout on), as the weights moved during the epoch. Absent in runs kept before it existed.
   */
  runningAcc?: number | null;
  /** Loss (data + regularization) over the held-out set; null without one. */
  valLoss: number | null;
  /** null without a held-out set, and for regression. */
  valAcc: number | null;
  /**
   * Regression (loss: mse): R² (1 − SS_res/SS_tot per target, the mean over targets) on the fixed
   * sample of at most 1,000 training samples that trainAcc uses, in eval mode, with the weights at
   * the epoch's end. null for classification; absent in runs kept before regression existed.
   */
  trainR2?: number | null;
  /** Regression: R² on the held-out set, in eval mode; null for classification or without one. */
  valR2?: number | null;
  /** Regression: √(mean squared error) on the held-out set, in the targets' units; null as valR2. */
  valRmse?: number | null;
  /**
   * Classification with a held-out set: the confusion matrix of the held-out set in eval mode with
   * the weights at the epoch's end, confusion[true class][predicted class] = count. null otherwise;
   * absent in runs kept before it existed.
   */
  confusion?: number[][] | null;
  /** Seconds since training started. */
  seconds: number;
}

/** What a finished (or stopped) run reports last. */
export interface FinalMetrics {
  /** Loss (data + regularization) over the whole training set with the final weights. */
  loss: number;
  /** Its regularization part, ½·l2·‖W‖² + l1·‖W‖₁. */
  regLoss: number;
  /**
   * Over the whole training set, in eval mode; null for regression. The epochs' trainAcc measures
   * a fixed sample of at most 1,000 of those samples: with no more, it is this same figure at a finished run's end.
   */
  trainAcc: number | null;
  valLoss: number | null;
  valAcc: number | null;
  /** Regression: R² and RMSE over the whole training set and the held-out set (as EpochMetrics); null for classification. */
  trainR2?: number | null;
  trainRmse?: number | null;
  valR2?: number | null;
  valRmse?: number | null;
  steps: number;
  epochs: number;
  samplesPerSec: number;
  seconds: number;
  /**
   * The same loss as `loss` (data + regularization, eval mode, the whole training set) at the
   * initial weights: the landscape's α = 0. Absent for surfaces and in runs kept before it existed.
   */
  initialLoss?: number | null;
}

/** A model-file layer as the charts name it. */
export interface LayerInfo {
  /** Index in the model file's `layers:` list. */
  index: number;
  /** e.g. "layers[0] dense 100 · relu" (the same as LayerStats.name) */
  name: string;
  kind: string;
  /** Output shape of one sample, e.g. [100] or [16, 14, 14]. */
  outShape: number[];
}

/**
 * What the panel draws the network's predictions over, and the points on top:
 * - classes (2-D classification): the plane of the decision boundary, x0, y0, x1, y1, … of (up to
 *   1,000) training points and their labels;
 * - regression1d (1-D regression): x from xMin to xMax, the points' x0, x1, … and their targets;
 * - regression2d (2-D regression): the plane as for classes, the points' x0, y0, … and their targets.
 */
export interface BoundaryFrame {
  kind: 'classes' | 'regression1d' | 'regression2d';
  xMin: number;
  xMax: number;
  /** The plane's second input (regression1d: the targets' range, as valueMin and valueMax). */
  yMin: number;
  yMax: number;
  /** Cells per side of the grid (regression1d: points along x). */
  resolution: number;
  /** Classes (0 for regression). */
  classes: number;
  points: number[];
  /** Class labels of the points (empty for regression). */
  labels: number[];
  /** The classes' names when the data has them (CSV text labels). */
  labelNames?: string[];
  /** Regression: each point's target (the first output's when there are several). */
  targets?: number[];
  /** Regression: up to 1,000 held-out points and their targets, laid out as points and targets. */
  valPoints?: number[];
  valTargets?: number[];
  /** Regression: the smallest and largest target of both sets (the colour scale's range). */
  valueMin?: number;
  valueMax?: number;
  /** Regression: the network's outputs, and the name of the first (the one drawn) when the data names it. */
  outputs?: number;
  target?: string;
}

/**
 * The network's prediction over the frame: for classes, the predicted class of each grid cell, row
 * by row from (xMin, yMax) at the top left; for regression2d, the predicted value (first output) of
 * each cell in the same order; for regression1d, the predicted value at each of `resolution` x
 * from xMin to xMax (fitGridX).
 */
export interface BoundaryGrid {
  step: number;
  /** Empty for regression. */
  classes: number[];
  /**
   * Classes: the frame's points (indices into BoundaryFrame.points / 2) the weights of this grid
   * misclassify (eval mode), ringed on the plot. Point k is training sample boundaryPointRow(k).
   */
  wrong?: number[];
  /** Regression only. */
  values?: number[];
}

/** The i-th x of a regression1d grid: `resolution` evenly spaced values from xMin to xMax, both included. */
export function fitGridX(f: Pick<BoundaryFrame, 'xMin' | 'xMax' | 'resolution'>, i: number): number {
  return f.resolution > 1 ? f.xMin + (i / (f.resolution - 1)) * (f.xMax - f.xMin) : (f.xMin + f.xMax) / 2;
}

/** Something that happened at a step and is marked on every step-based chart. */
export interface Marker {
  step: number;
  /** divergence: the step where training went non-finite (and stopped) */
  kind: 'optimizer' | 'init' | 'divergence';
  /** e.g. "adam → sgd" */
  label: string;
}

/** Compact per-layer figures of one stats step, kept for the whole run (charts over time). */
export interface StatsPoint {
  step: number;
  loss: number;
  layers: Array<Pick<LayerStats, 'mean' | 'std' | 'dead' | 'saturated' | 'gradNorm' | 'updateRatio'>>;
}

export function toStatsPoint(s: StepStats): StatsPoint {
  return {
    step: s.step, loss: s.loss,
    layers: s.layers.map((l) => ({ mean: l.mean, std: l.std, dead: l.dead, saturated: l.saturated, gradNorm: l.gradNorm, updateRatio: l.updateRatio })),
  };
}

/** The size of a run, known once the worker has built the model and the data. */
/**
 * Samples as small images (image data: the validation gallery to pick from, the mistakes): one per
 * index, in the layout of FilterImages.pixels, each scaled from the data's [0, 1] to 0–255.
 */
export interface SampleImages {
  width: number;
  height: number;
  /** 1: grey; 3: RGB. */
  channels: 1 | 3;
  /** The samples' indices in their split, in the order of the images. */
  indices: number[];
  /** count·height·width·channels bytes, base64: image by image, row by row, channels interleaved. */
  pixels: string;
}

/** A held-out sample the network gets wrong. */
export interface Mistake {
  /** Index in the held-out set (split 'val'). */
  index: number;
  label: number;
  predicted: number;
  /**
   * How sure the wrong answer is: softmax, the predicted class's probability; SVM, the score
   * margin s_predicted − s_label (> 0). The gallery shows the most confident mistakes first.
   */
  confidence: number;
}

/** The held-out set's mistakes at an epoch's end (classification with a held-out set). */
export interface MistakesFrame {
  epoch: number;
  step: number;
  /** How many held-out samples are misclassified, and how many there are. */
  total: number;
  validationSize: number;
  /** The most confident mistakes first, at most MAX_MISTAKES. */
  items: Mistake[];
  /** Image data: the items' images, in the same order. */
  images: SampleImages | null;
}

/** At most this many mistakes are sent per epoch; at most this many held-out images in the gallery. */
export const MAX_MISTAKES = 48;
/** A surface run's path keeps every step up to this many points, and is thinned evenly past it (as `train --json`'s step lines). */
export const MAX_PATH_POINTS = 10_000;
export const GALLERY_SIZE = 48;

/** The training sample drawn as point k of a classes frame of `take` points over `n` training samples (as the loop picks them). */
export function boundaryPointRow(k: number, n: number, take: number): number {
  return Math.floor((k * n) / take);
}

export interface RunShape {
  parameters: number;
  trainSize: number;
  validationSize: number;
  batchSize: number;
  stepsPerEpoch: number;
  totalSteps: number;
  layers: LayerInfo[];
  boundary: BoundaryFrame | null;
  /** Regression (loss: mse): R² and RMSE instead of accuracy. Absent: classification. */
  regression?: boolean;
  /** A surface run (a `surface:` file): the contour plot's surface. Absent for networks. */
  surface?: SurfaceFrame | null;
}

/** A run that is one variant of a comparison ("Compare…"). */
export interface VariantInfo {
  /** Shared by the variants of one comparison. */
  comparison: string;
  /** What was swept, e.g. "optimizer", and this variant's value, e.g. "adam". */
  dimension: string;
  label: string;
  index: number;
  count: number;
  /** Compare over seeds: the variant's label (shared by its seeds' runs) and this run's seed. */
  group?: string;
  seed?: number;
}

export interface RunInfo extends RunShape {
  runId: string;
  /** Set when the run is one variant of a comparison. */
  variant?: VariantInfo;
  /** Model file the run came from (URI, for commands). */
  source: string;
  /** Short name for titles, e.g. "spiral.nn.yaml". */
  title: string;
  epochs: number;
  optimizer: string;
  init: string;
  /** The threads the kernels use now, and why not more (from the worker; absent before it says). */
  threads?: ThreadsInfo;
}

export type RunStatus = 'running' | 'finished' | 'stopped' | 'failed';

// ─── host → worker ─────────────────────────────────────────────────────────────

/** Translated strings by their English text, as vscode.l10n.bundle holds them. */
export type L10nBundle = Record<string, string>;

/** Control words the host writes into the shared control array; the worker reads them every step. */
export const CONTROL_RUN = 0;
export const CONTROL_STOP = 1;
/**
 * The shared control array: word 0 is written by the host (CONTROL_RUN or CONTROL_STOP); word 1
 * by the worker, the steps taken so far, so the host knows exactly where a stop request landed.
 */
export const CONTROL_WORDS = 2;
export const CONTROL_STEP = 1;

export interface StartMessage {
  type: 'start';
  runId: string;
  spec: ModelSpec;
  /** The model file's folder: data paths are relative to it (null for an unsaved file). */
  baseDir: string | null;
  /** The most the loaded samples may take as float32 (the trainlens.memoryLimitMB setting); default 2 GiB. */
  memoryLimit?: number;
  /** The extension's strings in the display language: the worker says its errors in it (absent: English). */
  l10n?: L10nBundle;
  /**
   * Int32Array(CONTROL_WORDS) over it (see CONTROL_WORDS); null where the host has no shared
   * memory: Stop then comes as a message ({ type: 'stop' }, answered by StoppingMessage).
   */
  control: SharedArrayBuffer | null;
  /** Minimum milliseconds between progress messages. */
  progressIntervalMs: number;
  /** Take statistics every this many steps (0: never), and no more often than every statsMinMs. */
  statsEvery: number;
  statsMinMs: number;
  /** Start paused (after the step-0 statistics). */
  paused?: boolean;
  /** Pause at the end of every epoch but the last, until resumed or stopped (a tune trial waits there for its verdict). */
  pauseEachEpoch?: boolean;
  /**
   * Threads for the kernels now (the run's share of the cores; absent: 1), and the most it may be
   * given later (the trainlens.threads setting): the worker sends a HelpersMessage for that many.
   */
  threads?: number;
  maxThreads?: number;
}

export type HostToWorker =
  | StartMessage
  | SetThreadsMessage
  | { type: 'pause' }
  | { type: 'resume' }
  /** A run started without shared control: stop before the next step (the worker answers with StoppingMessage). */
  | { type: 'stop' }
  /** While paused: train one batch. */
  | { type: 'step' }
  /** From the next step on: the weights stay, the new rule starts with fresh state. */
  | { type: 'setOptimizer'; spec: OptimizerSpec }
  /** A gradient check instead of training; the worker answers with GradcheckMessage and ends. */
  | { type: 'gradcheck'; runId: string; spec: ModelSpec; baseDir: string | null; memoryLimit?: number; l10n?: L10nBundle }
  /** The sanity checks (answer: SanityMessage) or the learning-rate range test (LrPointMessage…, LrFindMessage) instead of training; then the worker ends. */
  | { type: 'sanity' | 'lrFind'; runId: string; spec: ModelSpec; baseDir: string | null; memoryLimit?: number; l10n?: L10nBundle }
  /**
   * A PyTorch export instead of training: the worker reads the data, makes the files and answers
   * with ExportedMessage (or an error) and ends; the host writes them. With `run`, that run's weights.
   */
  | {
    type: 'export'; runId: string; spec: ModelSpec; baseDir: string | null; source: string; memoryLimit?: number; l10n?: L10nBundle;
    run: { weights: ParamValues[]; steps: number; epochs: number } | null;
  }
  /**
   * One sample forward and backward instead of training (answer: InspectMessage, or an error), with
   * these weights (null: as initialized from the seed); then the worker ends.
   */
  | {
    type: 'inspect'; runId: string; spec: ModelSpec; baseDir: string | null; memoryLimit?: number; l10n?: L10nBundle;
    target: InspectTarget; weights: ParamValues[] | null; origin: InspectWeights; step: number;
  }
  /**
   * A training run: follow this sample (an InspectMessage at once, then at most every
   * INSPECT_FOLLOW_MS while the weights change), or stop following (null).
   */
  | { type: 'follow'; target: InspectTarget | null }
  /** The loss landscape around a finished run's weights (see engine/landscape/types.ts); one-shot worker. */
  | LandscapeTask;

export interface LandscapeTask {
  type: 'landscape'; runId: string; spec: ModelSpec; baseDir: string | null; memoryLimit?: number; l10n?: L10nBundle;
  /** The run's final weights, and the weights it visited (first: initial; last: final). */
  weights: ParamValues[];
  trajectory: WeightTrajectory;
  options: LandscapeOptions;
}

/** A sample to inspect: its split and its index there. */
export interface InspectTarget {
  split: SampleSplit;
  sample: number;
}

/** A followed sample is inspected again at most this often while its run trains. */
export const INSPECT_FOLLOW_MS = 400;

// ─── worker → host ─────────────────────────────────────────────────────────────

export interface StartedMessage extends RunShape {
  type: 'started';
  runId: string;
  /** Image data with a held-out set: the first GALLERY_SIZE held-out samples, to pick one to inspect. */
  gallery?: SampleImages | null;
}

/** Everything since the previous progress message. */
export interface ProgressMessage {
  type: 'progress';
  runId: string;
  /** First step number (1-based) of `losses`. */
  firstStep: number;
  /** One training loss per step. */
  losses: number[];
  epochs: EpochMetrics[];
  /** Statistics taken since the last message, oldest first. */
  stats: StepStats[];
  markers: Marker[];
  /** The newest decision-boundary grid, for 2-D data. */
  boundary: BoundaryGrid | null;
  /** For image data, the newest first-layer weights as images. */
  filters: FilterImages | null;
  /** Classification with a held-out set: the newest epoch's mistakes, when an epoch ended since the last message. */
  mistakes?: MistakesFrame | null;
  /** A surface run: the point after each step since the last message (the first message starts with step 0, the start). */
  path?: SurfacePoint[];
  step: number;
  epoch: number;
  paused: boolean;
  samplesPerSec: number;
  seconds: number;
}

/**
 * One array of a network — a parameter or batchnorm's running statistics — copied out of the
 * engine (never a view of its memory), named and shaped as the exports name them.
 */
export interface ParamValues {
  /** e.g. "layers[0].W", "layers[2].running_mean" */
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface DoneMessage {
  type: 'done';
  runId: string;
  status: 'finished' | 'stopped';
  final: FinalMetrics;
  /** The final weights, for kept runs and exports (a surface run: one array "position", [x, y]). */
  weights: ParamValues[];
  /** The weights the run visited (networks), for the loss landscape; absent for surfaces. */
  trajectory?: WeightTrajectory | null;
}

export interface ErrorMessage {
  type: 'error';
  runId: string;
  message: string;
  step?: number;
  /** When training diverged: where it first went non-finite. */
  divergence?: Divergence;
  /** When training diverged: the weights from before that step. */
  weights?: ParamValues[];
  /** When training diverged: the learning rate of that step (for the message and the fix offered). */
  lr?: number;
}

export interface GradcheckMessage {
  type: 'gradcheck';
  runId: string;
  result: ModelCheck;
}

export interface ExportedMessage {
  type: 'exported';
  runId: string;
  /** The files to write (the script, weights and data), each a plain name and its contents. */
  files: ExportFile[];
}

/** The sanity checks' results, and the milliseconds they took in the worker (data loading included). */
export interface SanityMessage {
  type: 'sanity';
  runId: string;
  report: SanityReport;
  ms: number;
}

/** One step of the learning-rate range test, as it is measured. */
export interface LrPointMessage {
  type: 'lrPoint';
  runId: string;
  point: LrPoint;
  steps: number;
}

/** The range test's result, and the milliseconds it took in the worker (data loading included). */
export interface LrFindMessage {
  type: 'lrFind';
  runId: string;
  result: LrFindResult;
  ms: number;
}

/** The training doctor's findings of a run, all of them (each replaces the last); final: the run's end. */
export interface FindingsMessage {
  type: 'findings';
  runId: string;
  findings: Finding[];
  final: boolean;
}

/** One sample forward and backward (a one-shot inspect, or a followed sample of a training run). */
export interface InspectMessage {
  type: 'inspect';
  runId: string;
  result: InspectResult;
}

export type WorkerToHost = StartedMessage | ProgressMessage | DoneMessage | ErrorMessage | GradcheckMessage | ExportedMessage
  | SanityMessage | LrPointMessage | LrFindMessage | FindingsMessage | InspectMessage | LandscapeProgressMessage | LandscapeMessage
  | HelpersMessage | ThreadsMessage | StoppingMessage;

/** The answer to a 'stop' message: the steps the run had taken when the request reached it (it stops before the next). */
export interface StoppingMessage {
  type: 'stopping';
  runId: string;
  step: number;
}

/** The landscape's loss evaluations so far, of `total` (for the progress bar). */
export interface LandscapeProgressMessage {
  type: 'landscapeProgress';
  runId: string;
  done: number;
  total: number;
}

export interface LandscapeMessage {
  type: 'landscape';
  runId: string;
  result: LandscapeResult;
}

// ─── host → webview ────────────────────────────────────────────────────────────

/**
 * A run's history as the panel draws it, bounded however long the run (see history.ts): the loss
 * of evenly spaced steps with the smoothed curve there, the epochs and the statistics.
 */
export interface RunHistory {
  loss: SeriesState<LossPoint>;
  epochs: SeriesState<EpochMetrics>;
  stats: SeriesState<StatsPoint>;
}

/** What a run looked like, kept faded on the charts after an init swap restarts it. */
export interface PreviousRun extends RunHistory {
  label: string;
}

/** The whole (bounded) history of a run: sent when the panel (re)opens or a run starts. */
export interface RunSnapshot extends RunHistory {
  info: RunInfo;
  status: RunStatus;
  paused: boolean;
  /** The newest step's loss. */
  lastLoss: number | null;
  /** The newest full statistics (histograms). */
  latestStats: StepStats | null;
  markers: Marker[];
  boundary: BoundaryGrid | null;
  /** For image data, the first layer's weights as images, newest. */
  filters: FilterImages | null;
  step: number;
  samplesPerSec: number;
  final: FinalMetrics | null;
  error: string | null;
  previous: PreviousRun | null;
  gradcheck: ModelCheck | null;
  /** The training doctor's findings so far (absent in runs kept before it existed). */
  findings?: Finding[];
  /** The newest epoch's held-out mistakes (classification with a held-out set). */
  mistakes?: MistakesFrame | null;
  /** Image data: held-out samples to pick one to inspect. */
  gallery?: SampleImages | null;
  /** A surface run: its path so far (thinned evenly past MAX_PATH_POINTS). */
  path?: SurfacePoint[];
}

/**
 * A run drawn over the panel's charts in a colour of its own: a variant of a comparison or a kept
 * run. Re-sent whole as it grows, so thinned to a few thousand points (OVERLAY_CAPS).
 */
export interface OverlayRun extends RunHistory {
  id: string;
  label: string;
  /** running, finished, stopped, failed or interrupted */
  status: string;
  markers: Marker[];
  final: FinalMetrics | null;
  error: string | null;
  /** A comparison over seeds: the variant this run is a seed of (its label), and the seed. */
  group?: string;
  seed?: number;
  /** A surface run: its path (thinned evenly past MAX_PATH_POINTS). */
  path?: SurfacePoint[];
}

/** What the overlays are, e.g. "optimizer: 6 variants from identical weights". */
export interface OverlaySet {
  title: string;
  runs: OverlayRun[];
  /** Seeds per variant, when more than one: the panel draws each group's mean and min–max band. */
  seeds?: number;
  /** Surface runs (a comparison on a surface, kept surface runs): the surface their paths are drawn on (the first run's). */
  surface?: SurfaceFrame | null;
}

/** What training added since the last progress message: only what the host's history kept. */
export interface PanelProgress {
  type: 'progress';
  runId: string;
  loss: SeriesDelta<LossPoint>;
  epochs: SeriesDelta<EpochMetrics>;
  stats: SeriesDelta<StatsPoint>;
  /** The newest full statistics (histograms), when new ones came. */
  latestStats: StepStats | null;
  lastLoss: number | null;
  markers: Marker[];
  boundary: BoundaryGrid | null;
  /** New first-layer weight images, when this message brought some. */
  filters: FilterImages | null;
  /** The newest epoch's mistakes, when an epoch ended since the last message. */
  mistakes?: MistakesFrame | null;
  /** A surface run: the points since the last message. */
  path?: SurfacePoint[];
  step: number;
  paused: boolean;
  samplesPerSec: number;
}

export type HostToWebview =
  | { type: 'snapshot'; run: RunSnapshot | null }
  | { type: 'overlays'; overlays: OverlaySet | null }
  | PanelProgress
  | { type: 'status'; runId: string; status: RunStatus; final: FinalMetrics | null; error: string | null; threads?: ThreadsInfo }
  /** reveal: the panel shows its Checks tab (a check started or ended now); absent when refilling a reloaded panel. */
  | { type: 'gradcheck'; runId: string; state: 'running' | 'done' | 'failed'; result: ModelCheck | null; error: string | null; reveal?: boolean }
  /** reveal: the panel shows its checks tab (a new state, or the user asked to see it); false when refilling a reloaded panel. */
  | ({ type: 'sanity'; reveal: boolean } & SanityState)
  | ({ type: 'lrFind'; reveal: boolean } & LrFindState)
  /** reveal: the panel shows its Tune tab (a search started); false when refilling a reloaded panel. */
  | { type: 'tune'; reveal: boolean; tune: TuneState | null }
  /** The training doctor's findings of the panel's run, all of them. */
  | { type: 'findings'; runId: string; findings: Finding[] }
  /** The Inspect tab's sample: computing, its result (again and again while a followed run trains), or why it failed. reveal: show the tab (view: on the circuit). */
  | { type: 'inspect'; state: InspectState; reveal: boolean; view?: 'layers' | 'circuit' }
  /** The Landscape tab: computing (with progress), its result, or why it failed. reveal: show the tab. */
  | { type: 'landscape'; state: LandscapeState; reveal: boolean };

/** What the Landscape tab shows. */
export interface LandscapeState {
  /** The run whose weights it is computed around. */
  runId: string;
  state: 'running' | 'done' | 'failed';
  /** Loss evaluations done and to do. */
  done: number;
  total: number;
  options: LandscapeOptions;
  result: LandscapeResult | null;
  error: string | null;
}

/** What the Inspect tab shows. */
export interface InspectState {
  target: InspectTarget;
  state: 'running' | 'done' | 'failed';
  result: InspectResult | null;
  error: string | null;
  /** The run the weights are from (null: initial weights, no run). */
  runId: string | null;
  /** Following a training run live. */
  live: boolean;
}

/** The circuit panel of a `circuit:` model file (its own small webview): the graph, redrawn as the file is typed. */
export type HostToCircuitView =
  /** graph: the newest circuit that evaluates (kept while the file has errors); error: the file's first error, or null. */
  | { type: 'circuit'; title: string; graph: CircuitGraph | null; error: string | null };

export type CircuitViewToHost =
  | { type: 'ready' }
  /** Select a gate's text in the model file (offsets of CircuitNode.range). */
  | { type: 'reveal'; start: number; end: number };

/** Accepts only well-formed circuit-view messages. */
export function isCircuitViewToHost(m: unknown): m is CircuitViewToHost {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return false;
  const o = m as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  if (o.type === 'ready') return keys === 'type';
  const offset = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1e9;
  return o.type === 'reveal' && keys === 'end,start,type' && offset(o.start) && offset(o.end);
}

/** A tune search (random search over the `tune:` ranges) as the panel's Tune tab shows it. */
export interface TuneState {
  id: string;
  state: 'running' | 'finished' | 'cancelled';
  /** What ranks the trials: validation accuracy, or validation R² for regression. */
  metric: 'valAcc' | 'valR2';
  /** The parameters searched, in the table's column order. */
  params: TuneParam[];
  /** Every trial so far, all rounds, in the order drawn. */
  trials: TrialResult[];
  /** Trials planned in the rounds started so far. */
  planned: number;
  seeds: number;
  /** Epochs per trial (the budget). */
  epochs: number;
  /** Index (TrialResult.index) of the best trial so far; null before one has ended. */
  best: number | null;
  /** The best trial's runs, one per seed (drawn as their mean with a min–max band); empty before one has ended. */
  bestRuns: OverlayRun[];
  /** The early-stopping rule in words, and what it saved; null when the engine gives none. */
  rule: string | null;
  saved: string | null;
}

/** The sanity checks of the panel's model file: running (with the previous report, if any), done or failed. */
export interface SanityState {
  state: 'running' | 'done' | 'failed';
  report: SanityReport | null;
  error: string | null;
  /** Milliseconds the checks took in the worker (null while running or after a failure). */
  ms: number | null;
}

/** The learning-rate range test of the panel's model file, as SanityState. */
export interface LrFindState {
  state: 'running' | 'done' | 'failed';
  result: LrFindResult | null;
  error: string | null;
  ms: number | null;
  /** The optimizer's learning rate in the model file when the test started. */
  lr: number | null;
}

// ─── webview → host ────────────────────────────────────────────────────────────

/** Charts the panel can save as PNG. */
export const CHART_IDS = ['loss', 'accuracy', 'r2', 'grad-flow', 'grad-bars', 'histograms', 'act-std', 'act-health', 'updates', 'boundary', 'fit', 'weights', 'surface'] as const;
export type ChartId = (typeof CHART_IDS)[number];

/** Toolbar actions; the host runs the matching command on the panel's model file. */
export const PANEL_ACTIONS = ['train', 'stop', 'pause', 'resume', 'step', 'swapOptimizer', 'swapInit', 'gradcheck', 'sanity', 'lrFind', 'useLr', 'tuneNarrow', 'tuneApply', 'tuneStop', 'inspect', 'landscape'] as const;
export type PanelAction = (typeof PANEL_ACTIONS)[number];

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'action'; action: PanelAction }
  /** The chart has drawn this many loss points of the run (sent after drawing, throttled). */
  | { type: 'rendered'; runId: string; points: number }
  /** A chart as a PNG data URL; the host asks the user where to save it. */
  | { type: 'savePng'; chart: ChartId; dataUrl: string }
  /** Back from overlaid runs to the model file's own run. */
  | { type: 'clearOverlays' }
  /** Apply the first fix of the run's finding with this code and layer to the model file (undoable). */
  | { type: 'applyFix'; runId: string; code: FindingCode; layer: number | null }
  /** Inspect this sample (a point of the boundary, an image of the gallery, a mistake) with the panel's run's weights. */
  | { type: 'inspect'; split: SampleSplit; sample: number };

/** Largest PNG the panel may send (a chart canvas at 2× is far below this). */
export const MAX_PNG_DATA_URL = 16 * 1024 * 1024;

/** Accepts only well-formed webview messages; anything else is dropped by the caller. */
export function isWebviewToHost(m: unknown): m is WebviewToHost {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return false;
  const o = m as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  switch (o.type) {
    case 'ready':
    case 'clearOverlays':
      return keys === 'type';
    case 'applyFix':
      return keys === 'code,layer,runId,type' && typeof o.runId === 'string' && o.runId.length < 100 && (FINDING_CODES as readonly unknown[]).includes(o.code) &&
        (o.layer === null || (typeof o.layer === 'number' && Number.isInteger(o.layer) && o.layer >= 0));
    case 'action':
      return keys === 'action,type' && (PANEL_ACTIONS as readonly unknown[]).includes(o.action);
    case 'inspect':
      return keys === 'sample,split,type' && (o.split === 'train' || o.split === 'val') &&
        typeof o.sample === 'number' && Number.isInteger(o.sample) && o.sample >= 0 && o.sample < 1e9;
    case 'rendered':
      return keys === 'points,runId,type' && typeof o.runId === 'string' && o.runId.length < 100 &&
        typeof o.points === 'number' && Number.isInteger(o.points) && o.points >= 0;
    case 'savePng':
      return keys === 'chart,dataUrl,type' && (CHART_IDS as readonly unknown[]).includes(o.chart) &&
        typeof o.dataUrl === 'string' && o.dataUrl.length <= MAX_PNG_DATA_URL &&
        /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/.test(o.dataUrl);
    default:
      return false;
  }
}

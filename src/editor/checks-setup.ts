import * as vscode from 'vscode';
import { CheckRuns } from '../training/check-runs';
import { ChecksBridge } from '../panel/checks-bridge';
import { CheckMarks } from './views/check-marks';
import { SuggestedLrFix } from './language/lr-fix';
import { registerCheckCommands } from './commands/checks';
import { MODEL_SELECTOR, memoryLimitBytes } from './models';
import type { CommandDeps } from './commands/context';
import type { Workers } from '../platform/types';

/**
 * The sanity checks and the learning-rate finder: their runs (workers), their panel cards' feed,
 * their diagnostics and CodeLens, and their commands.
 */
export function setUpChecks(workers: Workers, deps: CommandDeps): { runs: CheckRuns; marks: CheckMarks; disposables: vscode.Disposable[] } {
  const runs = new CheckRuns(workers, { memoryLimit: memoryLimitBytes, l10n: () => vscode.l10n.bundle });
  const bridge = new ChecksBridge(deps.charts, runs);
  const marks = new CheckMarks(deps.models, runs);
  return {
    runs, marks,
    disposables: [
      { dispose: () => runs.dispose() }, bridge, marks,
      vscode.languages.registerCodeLensProvider(MODEL_SELECTOR, marks),
      vscode.languages.registerCodeActionsProvider(MODEL_SELECTOR, new SuggestedLrFix(deps.models, (doc) => marks.suggestedLr(doc)), { providedCodeActionKinds: SuggestedLrFix.kinds }),
      ...registerCheckCommands({ ...deps, checks: runs, bridge }),
    ],
  };
}

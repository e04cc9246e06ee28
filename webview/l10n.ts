/**
 * The panel's strings in the display language. The extension puts its l10n bundle (vscode.l10n.bundle)
 * on the document's body as data-l10n; in English there is none, and every string stays in English.
 * Imported first by main.ts, so that it is configured before any other module of the panel runs.
 */
import * as l10n from '@vscode/l10n';

const contents = document.body?.dataset.l10n;
if (contents) {
  try {
    l10n.config({ contents });
  } catch (e) {
    console.warn('TrainLens: the panel\'s strings could not be read; showing them in English', e);
  }
}

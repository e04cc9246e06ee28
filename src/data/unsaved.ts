import * as l10n from '@vscode/l10n';
import { DataError } from '../engine/data/errors';

/** A relative data path in a model file that is not saved anywhere: nothing to be relative to (every host's DataFiles.resolve says so alike). */
export function unsavedRelativeError(written: string): DataError {
  return new DataError(l10n.t('{0}: a relative path, but the model file is not saved in a folder to be relative to; save it first, or give an absolute path', written), written);
}

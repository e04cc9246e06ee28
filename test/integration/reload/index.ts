import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTestsIn } from '../index';
import { expectedFile } from './expected';

/**
 * The reload test's one entry (scripts/vscode/reload-test.mjs). VS Code loads it when the window
 * opens, and again after session 1 reloads the window (the workbench URL names this module): the
 * file session 1 leaves behind says which session this is.
 */
export function run(): Promise<void> {
  return runTestsIn(path.join(__dirname, fs.existsSync(expectedFile()) ? 'phase2' : 'phase1'));
}

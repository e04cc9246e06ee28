/**
 * The suite `npm run test:vsix` runs against the extension installed from trainlens.vsix: what a
 * file missing from the package would break (the worker and its WebAssembly kernels, the
 * webview's scripts and codicons, the bundled MNIST digits).
 * The whole integration suite has already run against the source folder by then.
 */
import * as path from 'node:path';
import { runTestFiles } from '../index';

export const VSIX_SUITE = ['train.test.js', 'panel-html.test.js', 'data.test.js'];

export function run(): Promise<void> {
  return runTestFiles(VSIX_SUITE.map((f) => path.join(__dirname, '..', f)));
}

/**
 * The Korean suite: VS Code started with `--locale ko` (npm run test:vscode:ko) loads this module
 * instead of ../index.js, so that the English suite's assertions never meet Korean strings.
 */
import { runTestsIn } from '../index';

export function run(): Promise<void> {
  return runTestsIn(__dirname);
}

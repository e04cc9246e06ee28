/**
 * The untrusted-workspace suite: VS Code started with workspace trust on and the folder not trusted
 * (`node scripts/vscode/run-tests.mjs --untrusted`, part of npm run test:vscode) loads this module
 * instead of ../index.js, so the trusted suites never run in restricted mode, nor this one trusted.
 */
import { runTestsIn } from '../index';

export function run(): Promise<void> {
  return runTestsIn(__dirname);
}

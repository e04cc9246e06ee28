/**
 * The integration-test entry VS Code loads into its extension host (the @vscode/test-electron
 * convention: export run()). Runs every *.test.js beside it with mocha; zero tests is a failure.
 */
import Mocha from 'mocha';
import * as path from 'node:path';
import { readdirSync } from 'node:fs';

export function run(): Promise<void> {
  return runTestsIn(__dirname);
}

/** Runs every *.test.js of one folder (not its subfolders: ko/ is a suite of its own, in Korean). */
export function runTestsIn(dir: string): Promise<void> {
  return runTestFiles(readdirSync(dir).filter((f) => f.endsWith('.test.js')).map((f) => path.join(dir, f)));
}

/** Runs these test files with mocha; zero passing tests is a failure. */
export function runTestFiles(files: readonly string[]): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  for (const f of files) mocha.addFile(f);
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else if (runner.stats && runner.stats.passes === 0) reject(new Error('no integration test ran'));
      else resolve();
    });
  });
}

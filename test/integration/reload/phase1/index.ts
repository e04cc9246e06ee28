import { runTestsIn } from '../../index';

export function run(): Promise<void> {
  return runTestsIn(__dirname);
}

/**
 * The learning rate "Use this lr" writes into the model file: the range test's suggestion to 2
 * significant digits (the test's steps are 0.08 decades, ~20 % apart, so more digits say nothing),
 * as `trainlens lr-find` prints it. Shared by the host and the panel.
 */
export function writtenLr(lr: number): number {
  return Number(lr.toPrecision(2));
}

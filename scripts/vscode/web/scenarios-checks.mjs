// The web test's scenarios for the lesson's checks: the desktop's gradient check, sanity checks and
// Tune scenarios (browser/gradcheck.mjs, checks.mjs, tune.mjs), run as they are in the web workbench,
// with the CLI's figures compared to a relative bound instead of exactly (browser/common.mjs
// compareWithin, sameNumber, sameShown, sameWords). Registered in web/scenarios.mjs.
import { gradcheckScenario } from '../browser/gradcheck.mjs';
import { checksScenario } from '../browser/checks.mjs';
import { tuneScenario } from '../browser/tune.mjs';
import { asOnDesktop } from './as-desktop.mjs';

/**
 * How far a figure of the web engine may be from the CLI's, relatively. Chromium 156's Math.log,
 * exp and pow round differently from Node 20's in the last place (Math.log(3): 1.0986122886681098
 * against …096, 2e-16 relative); the kernels are the same WebAssembly build on both
 * (useCliKernels('relaxed')), so only the JavaScript around them differs: the sanity check's expected
 * loss log(C), softmax's exp and log, Tune's log-uniform draws (a trial's lr 87.59478010595772
 * against …774) and the Adam corrections. Carried through a short float64 computation, that stays a
 * few units in the last place: the CLI run 25 times with Math.log, exp, pow and log10 each off by one
 * unit in the last place at random moved every sanity figure and every Tune trial's lr, l2, val loss,
 * val acc and R² by at most 3.3e-16 relative. 1e-9 leaves six orders of magnitude for longer
 * computations, while float32 rounding somewhere (~1e-7), another trial's figure or a loss 1 % off
 * is still far outside it. Counts, names, verdicts and statuses are compared exactly all the same;
 * a gradient check's errors, which are round-off themselves, by gradcheck.mjs's GRADCHECK_FACTOR.
 */
export const WEB_REL_TOL = 1e-9;

export const CHECK_SCENARIOS = {
  gradcheck: asOnDesktop(gradcheckScenario, WEB_REL_TOL), checks: asOnDesktop(checksScenario, WEB_REL_TOL), tune: asOnDesktop(tuneScenario, WEB_REL_TOL),
};

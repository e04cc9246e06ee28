// The web test's scenarios for the lesson's checks in the web workbench (gradient check, sanity
// checks, Tune): filled in by the work on issue 18; registered in web/scenarios.mjs.
export const CHECK_SCENARIOS = {};

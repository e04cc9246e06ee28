// The web test's scenarios for what is written through workspace.fs (kept runs and their reload,
// the exports): filled in by the work on issue 18; registered in web/scenarios.mjs.
export const STORE_SCENARIOS = {};

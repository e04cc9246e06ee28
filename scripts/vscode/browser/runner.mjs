// The scenario runner of the desktop browser test (browser-test.mjs) and the web test (web-test.mjs):
// per theme and display language one workbench shared by its scenarios, a scenario that fails run
// once more in a fresh workbench, a failure screenshot, and the summary. What differs between the two
// tests comes in a `test` object:
//
//   say(msg)              the test's log line ([test:browser] …, [test:web] …)
//   scenarios             name → async (page, ctx) => void
//   openSession(theme, options) → { server, page, workspace, errors, … }; its `opening`:
//                         { ms, what, loaded: (session, secs) => the line checked once it is open }
//   ctx(options)          what the test adds to a scenario's ctx (theme, sec, check, note, workspace and the
//                         server's userDataDir are given)
//   failurePrefix         'failure-' or 'failure-web-': screenshots <prefix><scenario>-<theme>.png
//   serverLog             print the server log's tail under a failure
//   retry                 false: a failed scenario is not run a second time
//   themeLine             print "theme T: n/m scenarios passed in S s" after each group
import fs from 'node:fs';
import path from 'node:path';
import { THEMES, cleanupAll, withTimeout } from '../server.mjs';
import { SHOTS, StepError, secsSince } from './common.mjs';
import { closeAll } from './workbench.mjs';

const firstLine = (e) => String(e instanceof StepError ? e.message : e?.message ?? e).split('\n')[0].slice(0, 300);

/** Runs one scenario in the theme's session (opened when there is none); a failure closes the session. */
async function runScenario(test, name, theme, state, options) {
  const t0 = Date.now();
  const ctx = {
    theme,
    ...test.ctx(options),
    sec: () => secsSince(t0),
    check: (msg) => console.log(`  ✔ ${msg}`),
    note: (msg) => console.log(`  • ${msg}`),
  };
  console.log(`  -- ${name} --`);
  let errorsBefore = 0;
  let result;
  try {
    if (!state.session) {
      state.session = await withTimeout(test.openSession(theme, options), test.opening.ms, test.opening.what);
      ctx.check(test.opening.loaded(state.session, ctx.sec()));
    } else {
      await withTimeout(closeAll(state.session.page), 30_000, 'closing the previous scenario\'s editors');
    }
    errorsBefore = state.session.errors.length;
    await withTimeout(test.scenarios[name](state.session.page, { ...ctx, workspace: state.session.workspace, userDataDir: state.session.server.userDataDir }), options.timeoutMs, `running the ${name} scenario`);
    result = { name, ok: true, secs: (Date.now() - t0) / 1000 };
  } catch (e) {
    await reportFailure(test, name, theme, state.session, ctx, e);
    result = { name, ok: false, secs: (Date.now() - t0) / 1000, reason: firstLine(e) };
    // The next scenario gets a fresh workbench: this one is in an unknown state.
    await cleanupAll();
    state.session = null;
  }
  const errors = state.session ? state.session.errors.slice(errorsBefore) : [];
  if (errors.length) {
    console.log('  errors logged by the workbench/extension host during the scenario:');
    for (const e of errors.slice(0, 20)) console.log(`    ${e}`);
  }
  test.say(`${theme} / ${name}: ${result.ok ? 'OK' : 'FAILED'} in ${result.secs.toFixed(1)} s`);
  return result;
}

/** Prints why a scenario failed: the error, VS Code's notifications, the server log's tail (if asked); a screenshot. */
async function reportFailure(test, name, theme, session, ctx, e) {
  let toasts = [];
  let serverLog = '';
  if (session) {
    const failShot = path.join(SHOTS, `${test.failurePrefix}${name}-${theme}.png`);
    fs.mkdirSync(SHOTS, { recursive: true });
    await session.page.screenshot({ path: failShot }).then(
      () => ctx.note(`failure screenshot ${path.relative(process.cwd(), failShot)}`), () => {});
    // VS Code's own notifications (an extension failing to activate, a command error) say why.
    toasts = await session.page.$$eval('.notification-list-item-message', (els) => els.map((el) => el.textContent.trim()))
      .catch(() => []);
    if (test.serverLog) serverLog = (session.server.logTail?.(40) ?? '').split('\n').filter((l) => l.trim()).slice(-25).join('\n');
  }
  console.error(`  ✘ ${name}: ${e instanceof StepError ? e.message : e.stack}`);
  for (const t of toasts) console.error(`  VS Code notification: ${t}`);
  if (serverLog) console.error(`  --- server log (last lines) ---\n${serverLog}`);
}

/**
 * Runs the scenarios in one workbench. A scenario that fails runs once more in a fresh one (these
 * machines are shared and 2 cores also carry the workbench, the extension host and the worker): it
 * passes only if that second attempt passes, and the first failure is kept for the summary.
 */
async function runGroup(test, theme, scenarios, options) {
  // This group's failure screenshots of an earlier run (not another group's of this theme: a locale
  // or isolated group runs after the theme's main one and must leave its failures' screenshots).
  for (const name of scenarios) fs.rmSync(path.join(SHOTS, `${test.failurePrefix}${name}-${theme}.png`), { force: true });
  const results = [];
  const state = { session: null };
  try {
    for (const name of scenarios) {
      let result = await runScenario(test, name, theme, state, options);
      if (!result.ok && test.retry) {
        test.say(`${theme} / ${name}: a second attempt in a fresh workbench`);
        const first = result;
        result = await runScenario(test, name, theme, state, options);
        result = { ...result, firstFailure: first.reason, secs: first.secs + result.secs };
      }
      results.push(result);
    }
  } finally {
    await cleanupAll();
  }
  return results;
}

/**
 * Every theme's groups: one workbench per theme and kind of workbench. `plan.locales` names the
 * scenarios run with another display language, `plan.variants` those run in another kind of
 * workbench (scenario → { label, ...options for openSession }); each such group runs in the first
 * theme only, unless `plan.asked`. The others run in a theme when `plan.inTheme(scenario, themeIndex)`.
 * `options` go to openSession and the scenarios' ctx. Returns every result with its theme.
 */
export async function runThemes(test, themes, scenarios, plan, options) {
  const variants = { ...plan.variants };
  for (const [s, locale] of Object.entries(plan.locales ?? {})) variants[s] = { label: `locale ${locale}`, locale };
  const labels = [...new Set(Object.values(variants).map((v) => v.label))];
  const all = [];
  for (const [i, theme] of themes.entries()) {
    const groups = [
      { variant: {}, list: scenarios.filter((s) => !variants[s] && plan.inTheme(s, i)) },
      ...labels.map((label) => {
        const list = scenarios.filter((s) => variants[s]?.label === label && (plan.asked || i === 0));
        return { variant: list.length ? variants[list[0]] : {}, list };
      }),
    ];
    for (const { variant: { label, ...variant }, list } of groups) {
      if (list.length === 0) continue;
      test.say(`--- theme ${theme} (${THEMES[theme]})${label ? `, ${label}` : ''}: ${list.join(', ')} ---`);
      const t = Date.now();
      const results = await runGroup(test, theme, list, { ...options, ...variant });
      all.push(...results.map((r) => ({ ...r, theme })));
      if (test.themeLine) test.say(`theme ${theme}${label ? ` (${label})` : ''}: ${results.filter((r) => r.ok).length}/${results.length} scenarios passed in ${secsSince(t)} s`);
    }
  }
  return all;
}

/**
 * The summary: "<label>: n passed, m failed (S s)", then either every scenario (`everyRow`: ✔/✘ with
 * its time) or the failed ones and those that passed only on their second attempt; exit code 1 on a failure.
 */
export function summarize(label, all, t0, { everyRow }) {
  const failed = all.filter((r) => !r.ok);
  console.log(`\n${label}: ${all.length - failed.length} passed, ${failed.length} failed (${secsSince(t0)} s)`);
  if (everyRow) {
    for (const r of all) console.log(`  ${r.ok ? '✔' : '✘'} ${r.theme} / ${r.name} (${r.secs.toFixed(1)} s)${r.ok ? '' : `: ${r.reason}`}${r.firstFailure ? ` (first attempt failed: ${r.firstFailure})` : ''}`);
  } else {
    for (const r of failed) console.log(`  ✘ ${r.theme} / ${r.name}: ${r.reason}${r.firstFailure ? ` (first attempt: ${r.firstFailure})` : ''}`);
    for (const r of all.filter((x) => x.ok && x.firstFailure)) console.log(`  ! ${r.theme} / ${r.name} passed on its second attempt; the first failed: ${r.firstFailure}`);
  }
  if (failed.length) process.exitCode = 1;
}

#!/usr/bin/env node
// Kept runs and the panel survive a window reload: one VS Code window on a copy of examples/ (its
// runs kept in the workspace, `trainlens.runs.location: workspaceFolder`), reloaded halfway.
//   session 1 (out/test/integration/reload/phase1): trains runs and a comparison to the end, leaves
//            one run training, writes what it saw to .reload-expected.json, trains one more model
//            file with its panel in front, waits until the panel drew every loss point, and runs
//            "Developer: Reload Window" (workbench.action.reloadWindow) with the panel open;
//   session 2 (…/phase2), in the reloaded window (same workbench URL, same browser profile, so
//            VS Code restores its editors): the panel comes back through the extension's
//            WebviewPanelSerializer, nothing else opening it, and redraws all of the run's loss
//            points from its saved state; every kept run is intact — records, histories, weights —
//            the unfinished one marked interrupted; the Runs view lists them and overlays two.
// out/test/integration/reload/index.js picks the session: phase 2 once .reload-expected.json exists.
// Checked the other way: phase 2 in a fresh window on the same folder (nothing restored) fails the
// restore test after its 60 s wait.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from './ensure-code-server.mjs';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-reload-'));
const workspace = path.join(root, 'examples');
fs.cpSync(path.join(repoRoot, 'examples'), workspace, { recursive: true });
fs.mkdirSync(path.join(workspace, '.vscode'));
fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'trainlens.runs.location': 'workspaceFolder' }, null, 2));

let code = 0;
try {
  console.log('[reload-test] session 1, then the window reloads into session 2');
  const r = spawnSync(process.execPath, [
    path.join(repoRoot, 'scripts', 'vscode', 'run-tests.mjs'),
    '--workspace', workspace, '--tests', path.join(repoRoot, 'out', 'test', 'integration', 'reload', 'index.js'),
  ], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[reload-test] FAILED${fs.existsSync(path.join(workspace, '.reload-expected.json')) ? ' (after session 1 wrote its record)' : ' in session 1'}`);
    code = r.status ?? 1;
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
process.exit(code);

#!/usr/bin/env node
// Kept runs survive a window reload: two VS Code sessions on one workspace (a copy of examples/ that
// keeps its runs in the workspace, `trainlens.runs.location: workspaceFolder`).
//   session 1 (out/test/integration/reload/phase1): trains runs and a comparison to the end, leaves
//            one run training when VS Code closes, and writes what it saw to .reload-expected.json;
//   session 2 (…/phase2): a fresh extension host finds every run intact — records, histories,
//            weights — the unfinished one marked interrupted, and lists and overlays them.
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
  for (const phase of ['phase1', 'phase2']) {
    console.log(`[reload-test] ${phase}`);
    const r = spawnSync(process.execPath, [
      path.join(repoRoot, 'scripts', 'vscode', 'run-tests.mjs'),
      '--workspace', workspace, '--tests', path.join(repoRoot, 'out', 'test', 'integration', 'reload', phase, 'index.js'),
    ], { stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`[reload-test] FAILED in ${phase}`);
      code = r.status ?? 1;
      break;
    }
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
process.exit(code);

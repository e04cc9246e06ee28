#!/usr/bin/env node
// A workbench to poke at by hand while writing browser tests: starts VS Code + Chromium with the
// extension and a copy of examples/, then runs each script dropped into the lab folder.
//
//   node scripts/vscode/browser-lab.mjs [--theme dark] [--dir /tmp/trainlens-lab]
//   # then, from another shell:
//   cat > /tmp/trainlens-lab/1.mjs <<'EOF'
//   export default async ({ page, frames, shot }) => page.title();
//   EOF
//   cat /tmp/trainlens-lab/1.out        # what the script returned (JSON), or its error
//
// A script gets { page, server, workspace, frames(), shot(name) } (shot() saves <dir>/<name>.png).
// Delete <dir>/ready or press Ctrl+C to stop; everything started is cleaned up.

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './ensure-code-server.mjs';
import { cleanupAll, copyToTempWorkspace, launchBrowser, openWorkbench, sleep, startServer } from './server.mjs';

const { values: opt } = parseArgs({
  options: {
    theme: { type: 'string', default: 'dark' },
    dir: { type: 'string', default: '/tmp/trainlens-lab' },
    examples: { type: 'string', default: path.join(repoRoot, 'examples') },
  },
});

const dir = path.resolve(opt.dir);
fs.mkdirSync(dir, { recursive: true });
const workspace = copyToTempWorkspace(opt.examples, 'examples');
const server = await startServer({ theme: opt.theme });
const { page } = await launchBrowser({ viewport: { width: 1600, height: 1000 } });
await openWorkbench(page, server, {
  folder: workspace,
  extensionDevelopmentPath: repoRoot,
  printLog: () => false,
  onLog: (level, text) => fs.appendFileSync(path.join(dir, 'log.txt'), `${level}: ${text}\n`),
});
await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
const ctx = {
  page,
  server,
  workspace,
  frames: () => page.frames().filter((f) => !f.isDetached()),
  shot: (name) => page.screenshot({ path: path.join(dir, `${name}.png`) }),
};
fs.writeFileSync(path.join(dir, 'ready'), `${workspace}\n`);
console.log(`[lab] ready; workspace ${workspace}; drop scripts into ${dir}`);
const done = new Set(fs.readdirSync(dir).filter((f) => f.endsWith('.mjs')));
while (fs.existsSync(path.join(dir, 'ready'))) {
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.mjs') && !done.has(n)).sort()) {
    done.add(f);
    const out = path.join(dir, f.replace(/\.mjs$/, '.out'));
    try {
      const mod = await import(`${path.join(dir, f)}?t=${Date.now()}`);
      const result = await mod.default(ctx);
      fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    } catch (e) {
      fs.writeFileSync(out, `ERROR ${e.stack}\n`);
    }
    console.log(`[lab] ran ${f}`);
  }
  await sleep(200);
}
await cleanupAll();

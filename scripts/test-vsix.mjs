// `npm run test:vsix`: packages trainlens.vsix, installs it with VS Code's own
// `--install-extension` into a fresh extensions folder, and runs the package's suite
// (out/test/integration/vsix: training in the worker, the panel's HTML, the bundled digits) against
// the installed copy, so a file missing from the package (worker, kernels, webview, media) fails
// here. The whole integration suite runs against the source folder in test:vscode.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureCodeServer, repoRoot } from './vscode/ensure-code-server.mjs';

const say = (m) => console.log(`[test:vsix] ${m}`);
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: repoRoot, ...opts });
  if (r.status !== 0) {
    console.error(`[test:vsix] FAILED: ${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
    process.exit(1);
  }
}

const vsix = path.join(repoRoot, 'trainlens.vsix');
fs.rmSync(vsix, { force: true });
run('npm', ['run', '--silent', 'package']);
say(`packaged ${path.basename(vsix)}: ${(fs.statSync(vsix).size / 1024).toFixed(1)} KiB`);

const cs = await ensureCodeServer({ quiet: true });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-vsix-'));
try {
  const extensions = path.join(dir, 'ext');
  run(process.execPath, [cs.serverMain, '--install-extension', vsix, '--extensions-dir', extensions, '--server-data-dir', dir, '--accept-server-license-terms']);
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const installed = path.join(extensions, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  if (!fs.existsSync(path.join(installed, 'package.json'))) {
    console.error(`[test:vsix] FAILED: the extension was not installed at ${installed}`);
    process.exit(1);
  }
  say(`installed into ${installed}`);
  // The web build (package.json "browser"): its entry and the Web Worker script it reads must ship too.
  const browserEntry = pkg.browser.replace(/^\.\//, '');
  for (const f of [browserEntry, 'dist/web/worker.js', 'dist/web/kernel-helper.js', 'dist/mnist-10k.bin.gz']) {
    if (!fs.existsSync(path.join(installed, f))) {
      console.error(`[test:vsix] FAILED: the package lacks ${f} (the web extension needs it)`);
      process.exit(1);
    }
  }
  say(`the web build is in the package (${browserEntry}, dist/web/worker.js, dist/web/kernel-helper.js)`);
  // Integration tests of the files a package could lose, loaded against the installed files.
  run(process.execPath, [path.join(repoRoot, 'scripts/vscode/run-tests.mjs'), '--extension', installed,
    '--tests', path.join(repoRoot, 'out/test/integration/vsix/index.js')]);
  say('OK: the packaged extension installs and passes its integration suite');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

// `npm run train`: trains the spiral example. In VS Code when a `code` CLI is on PATH (the
// extension loaded from this folder trains it as the window opens), otherwise in this terminal.
// --headless forces the terminal.
import { spawnSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const example = path.join(root, 'examples', 'spiral.nn.yaml');
const headless = process.argv.includes('--headless') || process.env.CI;

const hasCode = !headless && spawnSync(process.platform === 'win32' ? 'where' : 'which', ['code'], { stdio: 'ignore' }).status === 0;
if (hasCode) {
  console.log('Opening VS Code with TrainLens loaded from this folder; it trains examples/spiral.nn.yaml as it opens.');
  const child = spawn('code', ['--new-window', `--extensionDevelopmentPath=${root}`, path.join(root, 'examples'), example], {
    stdio: 'inherit',
    env: { ...process.env, TRAINLENS_AUTOTRAIN: example },
    detached: true,
  });
  child.unref();
} else {
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'train', example], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
}

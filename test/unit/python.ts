import { execFile, spawnSync } from 'node:child_process';

let found: string | undefined;

/**
 * A Python that imports torch and numpy: $PYTHON, then Debian's /usr/bin/python3, then python3 on
 * PATH. Throws (the test fails, it is not skipped) with what was tried and how to install them.
 */
export function torchPython(): string {
  if (found) return found;
  const tried: string[] = [];
  for (const candidate of [process.env.PYTHON, '/usr/bin/python3', 'python3']) {
    if (!candidate) continue;
    const r = spawnSync(candidate, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
    if (r.status === 0) return (found = candidate);
    tried.push(`${candidate}: ${r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`)}`);
  }
  throw new Error(
    `No Python here imports torch and numpy (tried ${tried.join('; ')}). `
    + 'Install them (Debian: apt-get install -y python3-torch python3-numpy libopenblas0-pthread) or set PYTHON to a python that has them.',
  );
}

/** Runs a Python script with arguments; resolves with its stdout, rejects with its stderr. */
export function runPython(args: string[], timeoutMs = 120_000): Promise<string> {
  const python = torchPython();
  return new Promise((resolve, reject) => {
    execFile(python, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${python} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

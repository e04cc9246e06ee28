import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { parseModel } from '../../src/model/parse';
import { Rng } from '../../src/engine/rng';
import { Trainer } from '../../src/engine/trainer';
import { main } from '../../src/cli/main';
import { DataError, loadDataset } from '../../src/data/load';
import type { Dataset } from '../../src/engine/data/dataset';
import { ModelMismatch } from '../../src/model/fit';
import { isSurfaceSpec } from '../../src/model/spec';
import { compileSurface } from '../../src/engine/surface/surface';
import { SurfaceRun } from '../../src/engine/surface/run';

// Bad model files never crash anything: 10,000 mutated or random model files (YAML and JSON),
// reproducible from the seed, go through the parser and validator; those that come out valid
// start training (a few steps: their data loaded as the worker loads it, or refused with a
// DataError, or a model that does not end with the data file's classes refused with a
// ModelMismatch), and every one goes through `trainlens check`. Nothing may throw
// out of our code, every problem is a diagnostic inside the text with a one-line message, and
// the CLI prints one line per problem, never a stack trace.

const SEED = Number(process.env.TRAINLENS_FUZZ_SEED ?? 20261128);
const CASES = 10_000;
/** The longest a diagnostic may be: our own wordings with an excerpt of the input (measured over the 10,000 files: 237). */
const MESSAGE_CHARS = 300;
const root = path.resolve(__dirname, '../../..');
const corpus = [
  ...fs.readdirSync(path.join(root, 'examples')).filter((f) => /\.nn\.(ya?ml|json)$/.test(f)).map((f) => path.join(root, 'examples', f)),
  ...fs.readdirSync(path.join(root, 'templates')).filter((f) => /\.nn\.(ya?ml|json)$/.test(f)).map((f) => path.join(root, 'templates', f)),
].map((f) => fs.readFileSync(f, 'utf8'));

/** Words of the format, and values that stress it. */
const WORDS = [
  'data', 'layers', 'loss', 'init', 'optimizer', 'train', 'compare', 'dataset', 'samples', 'classes', 'noise', 'validation',
  'features', 'dense', 'conv', 'pool', 'flatten', 'dropout', 'batchnorm', 'maxout', 'activation', 'relu', 'tanh', 'sigmoid',
  'leaky_relu', 'elu', 'gelu', 'linear', 'softmax', 'svm', 'mse', 'he', 'xavier', 'small', 'zeros', 'normal', 'uniform',
  'sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'adamw', 'lr', 'epochs', 'batch', 'full', 'l2', 'l1', 'seed',
  'filters', 'size', 'stride', 'pad', 'type', 'max', 'avg', 'p', 'units', 'alpha', 'std', 'schedule', 'step', 'cosine',
  'spiral', 'circles', 'moons', 'xor', 'blobs', 'gaussian', 'mnist', 'csv', 'idx', 'cifar10', 'label', 'normalize',
  '0', '-1', '1e309', '-0', '0.5', '1e-300', '999999999', '4294967296', 'NaN', '.inf', '-.inf', 'null', '~', 'true', 'false',
  '""', "''", '[]', '{}', '../../etc/passwd', '/abs/path.csv', 'data/x.csv', '日本語', '\u0000', '\u202e', '&a', '*a', '!!binary',
];
const SPECIALS = [':', ' ', '\n', '-', '{', '}', '[', ']', ',', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '\t', '\r\n', '?', '\\'];

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)];
}

/** One random edit of the text. */
function mutate(rng: Rng, text: string): string {
  const at = rng.int(text.length + 1);
  const lines = text.split('\n');
  switch (rng.int(9)) {
    case 0: return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + rng.int(20)));
    case 1: return text.slice(0, at) + pick(rng, SPECIALS) + text.slice(at);
    case 2: return text.slice(0, at) + pick(rng, WORDS) + text.slice(at);
    case 3: {
      const i = rng.int(lines.length);
      lines.splice(i, 0, lines[rng.int(lines.length)]);
      return lines.join('\n');
    }
    case 4: {
      const i = rng.int(lines.length);
      const j = rng.int(lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return lines.join('\n');
    }
    case 5: return text.replace(/-?\d+(\.\d+)?(e-?\d+)?/g, (m) => (rng.uniform() < 0.3 ? pick(rng, ['0', '-1', '1e309', '3.5', '1e9', '-0', '65536']) : m));
    case 6: return text.replace(/\b[a-z_]{2,}\b/g, (m) => (rng.uniform() < 0.05 ? pick(rng, WORDS) : m));
    case 7: return text.slice(0, at);
    default: {
      const lineIndex = rng.int(lines.length);
      const indent = ' '.repeat(rng.int(6));
      lines[lineIndex] = indent + lines[lineIndex].trimStart();
      return lines.join('\n');
    }
  }
}

/** A random value of the format's shapes, for JSON files made from nothing. */
function randomValue(rng: Rng, depth: number): unknown {
  const r = rng.int(depth > 3 ? 4 : 7);
  switch (r) {
    case 0: return pick(rng, WORDS);
    case 1: return pick(rng, [0, -1, 1, 3, 100, 1e9, 0.5, -0, 1e-9, 32]);
    case 2: return rng.uniform() < 0.5;
    case 3: return null;
    case 4: return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth + 1));
    default: return Object.fromEntries(Array.from({ length: 1 + rng.int(5) }, () => [pick(rng, WORDS), randomValue(rng, depth + 1)]));
  }
}

function makeCase(rng: Rng, i: number): { text: string; json: boolean } {
  if (i % 10 === 9) {
    // Made from nothing: a JSON object of the format's words.
    const top = Object.fromEntries(['data', 'layers', 'loss', 'init', 'optimizer', 'train'].filter(() => rng.uniform() < 0.8).map((k) => [k, randomValue(rng, 1)]));
    return { text: JSON.stringify(top, null, rng.int(3)), json: true };
  }
  const base = corpus[rng.int(corpus.length)];
  const json = i % 4 === 0;
  let text = json ? JSON.stringify(parseModel(base).spec ?? {}, null, 2) : base;
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits; e++) text = mutate(rng, text);
  return { text, json };
}

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

test(`${CASES.toLocaleString('en')} mutated and random model files (seed ${SEED}): no throw, every problem a diagnostic in the text, valid ones train, the CLI prints one line per problem`, async (t) => {
  const rng = new Rng(SEED);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlens-fuzz-'));
  // The templates' data beside the cases, so that mutated CSV models read a real file.
  for (const f of fs.readdirSync(path.join(root, 'templates')).filter((f) => f.endsWith('.csv'))) fs.copyFileSync(path.join(root, 'templates', f), path.join(dir, f));
  let valid = 0;
  let trained = 0;
  let refused = 0;
  let mismatched = 0;
  let surfaces = 0;
  let cliRuns = 0;
  let diagnostics = 0;
  let longest = 0;
  try {
    for (let i = 0; i < CASES; i++) {
      const { text, json } = makeCase(rng, i);
      const where = `case ${i} (seed ${SEED})`;
      // A small memory limit keeps training the valid ones quick; it is part of what is checked.
      let source;
      try {
        source = parseModel(text, { memoryLimit: 16 * 1024 * 1024 });
      } catch (e) {
        assert.fail(`${where}: the parser threw ${e instanceof Error ? e.stack : String(e)}\n--- text ---\n${text}`);
      }
      for (const d of source.diagnostics) {
        diagnostics++;
        assert.ok(d.start >= 0 && d.end >= d.start && d.end <= text.length, `${where}: range ${d.start}–${d.end} outside the text (${text.length})`);
        assert.ok(d.message.length > 0 && !d.message.includes('\n    at '), `${where}: message ${JSON.stringify(d.message)}`);
        // One line, and short: input is quoted as an excerpt (src/engine/excerpt.ts), never whole.
        assert.ok(!d.message.includes('\n') && d.message.length <= MESSAGE_CHARS, `${where}: a message of ${d.message.length} characters: ${JSON.stringify(d.message.slice(0, 400))}`);
        longest = Math.max(longest, d.message.length);
      }
      const spec = source.spec;
      if (spec) {
        valid++;
        assert.ok(!source.diagnostics.some((d) => d.severity === 'error'), `${where}: a spec despite an error`);
        if (isSurfaceSpec(spec)) {
          // A surface (mutated into being): 3 steps down it, a finite point or a stop with a reason.
          const run = new SurfaceRun(compileSurface(spec.surface), spec.surface, spec.optimizer, spec.train.seed);
          for (let s = 0; s < 3; s++) {
            const p = run.advance();
            if ('diverged' in p) {
              assert.ok(p.diverged.length > 0 && !p.diverged.includes('\n'), `${where}: a surface stop without a one-line reason`);
              break;
            }
            assert.ok(Number.isFinite(p.x) && Number.isFinite(p.y), `${where}: a surface step to a non-finite point`);
          }
          surfaces++;
        } else {
          // The data as the worker loads it (beside the case's file): a data file that is missing or
          // bad is a DataError with a message, never anything else.
          let data: Dataset | undefined;
          try {
            data = await loadDataset(spec, dir, { memoryLimit: 16 * 1024 * 1024 });
          } catch (e) {
            assert.ok(e instanceof DataError && e.message.length > 0 && !e.message.includes('\n    at '), `${where}: loading the data threw ${e instanceof Error ? e.stack : String(e)}\n--- text ---\n${text}`);
            refused++;
          }
          if (data) {
            try {
              const trainer = new Trainer({ ...spec, train: { ...spec.train, epochs: 1 } }, 'float32', data, { ownData: true });
              for (let s = 0; s < 3 && !trainer.done; s++) {
                const r = trainer.trainStep();
                if (r.divergence) break;
              }
              trained++;
            } catch (e) {
              // A data file decides its classes: a model ending in another width is refused with
              // what to change (the worker shows it), never anything else.
              if (!(e instanceof ModelMismatch)) {
                assert.fail(`${where}: training a spec the parser accepted threw ${e instanceof Error ? e.stack : String(e)}\n--- text ---\n${text}`);
              }
              assert.ok(e.message.length > 0 && !e.message.includes('\n'), `${where}: a mismatch without a one-line message`);
              mismatched++;
            }
          }
        }
      }
      {
        // Every case through the CLI, which also checks data paths beside the file.
        const file = path.join(dir, `case-${i}.nn.${json ? 'json' : 'yaml'}`);
        fs.writeFileSync(file, text);
        const out = new Collect();
        const err = new Collect();
        const code = await main(['check', file], out as unknown as NodeJS.WriteStream, err as unknown as NodeJS.WriteStream);
        cliRuns++;
        assert.ok(code === 0 || code === 1, `${where}: check exited ${code}: ${err.text}`);
        assert.equal(err.text, '', `${where}: check wrote to stderr: ${err.text}`);
        // (The CLI checks against the default memory limit, not the small one above.)
        if (parseModel(text).diagnostics.some((d) => d.severity === 'error')) assert.equal(code, 1, `${where}: errors, yet check exited 0`);
        fs.rmSync(file);
        for (const line of out.text.split('\n').filter(Boolean)) {
          assert.match(line, /^.+:\d+:\d+: (error|warning|info): .+$/, `${where}: not a one-line located message`);
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  t.diagnostic(`${CASES} files: ${valid} valid (${trained} trained 3 steps, ${refused} refused by the data loader with a message, ${mismatched} whose data file's classes the model does not end with, ${surfaces} surfaces stepped 3 times), ${diagnostics} diagnostics (the longest message ${longest} characters), ${cliRuns} through trainlens check`);
  assert.ok(valid > 100 && valid < CASES, `a mix of valid (${valid}) and invalid files`);
});

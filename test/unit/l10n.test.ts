import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import { getL10nJson } from '@vscode/l10n-dev';
import { parseModel } from '../../src/model/parse';

// Every user-facing string comes in English and Korean: package.json's contributions through
// package.nls(.ko).json, runtime strings through l10n/bundle.l10n(.ko).json. These tests fail when
// a string is missing from the Korean side, or when the English bundle no longer matches the code.

const root = path.resolve(__dirname, '../../..');
const readJson = (file: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;

const bundle = readJson('l10n/bundle.l10n.json') as Record<string, string>;
const bundleKo = readJson('l10n/bundle.l10n.ko.json') as Record<string, string>;
const nls = readJson('package.nls.json') as Record<string, string>;
const nlsKo = readJson('package.nls.ko.json') as Record<string, string>;

/** Korean values that may equal their English key: nothing in them to translate. */
// Names Korean machine-learning texts write in Latin letters, as the course does: kept as they are.
const SAME_IN_KOREAN = new Set(['TrainLens: {0}', 'TrainLens: {0}: {1}', 'TrainLens', 'RMSE {0}', 'ReLU', 'maxout', 'L1']);

const placeholders = (s: string): string[] => [...new Set(s.match(/\{\d+\}/g) ?? [])].sort();
/** Letters a translator would have translated: the text without placeholders has some. */
const hasWords = (s: string): boolean => /[A-Za-z]/.test(s.replace(/\{\d+\}/g, ''));

/** The TypeScript sources whose strings are localized: the extension, the model reader, the panel. */
function sources(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !file.endsWith('.d.ts')) out.push(file);
    }
  };
  walk(path.join(root, 'src'));
  walk(path.join(root, 'webview'));
  return out;
}

/** A quoted TypeScript string literal's value (the escapes the sources use). */
function unquote(literal: string): string {
  return literal.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t' } as Record<string, string>)[c] ?? c);
}

test('package.json: every %key% is in package.nls.json and package.nls.ko.json', () => {
  const manifest = readFileSync(path.join(root, 'package.json'), 'utf8');
  const keys = [...manifest.matchAll(/"%([\w.-]+)%"/g)].map((m) => m[1]);
  assert.ok(keys.length >= 11, `package.json uses ${keys.length} %key% placeholders`);
  for (const key of keys) {
    assert.ok(typeof nls[key] === 'string' && nls[key] !== '', `package.nls.json lacks "${key}"`);
    assert.ok(typeof nlsKo[key] === 'string' && nlsKo[key].trim() !== '', `package.nls.ko.json lacks "${key}"`);
  }
  assert.deepEqual(Object.keys(nls).sort(), [...new Set(keys)].sort(), 'package.nls.json holds exactly the keys package.json uses');
  assert.deepEqual(Object.keys(nlsKo).sort(), Object.keys(nls).sort(), 'package.nls.ko.json has the same keys as package.nls.json');
  for (const key of Object.keys(nls)) {
    if (hasWords(nls[key]) && !SAME_IN_KOREAN.has(nls[key])) assert.notEqual(nlsKo[key], nls[key], `package.nls.ko.json: "${key}" is not translated`);
  }
});

test('package.json: every title, name and description it contributes is a %key% (none left in English only)', () => {
  const manifest = readJson('package.json') as { description: string; contributes: unknown };
  const words = new Set(['title', 'shortTitle', 'name', 'description', 'markdownDescription', 'contextualTitle', 'label', 'displayName']);
  const literal: string[] = [];
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${where}[${i}]`));
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (typeof v === 'string' && words.has(k) && !/^%[\w.-]+%$/.test(v)) literal.push(`${where}.${k}: ${JSON.stringify(v)}`);
        else walk(v, `${where}.${k}`);
      }
    }
  };
  walk(manifest.contributes, 'contributes');
  assert.match(manifest.description, /^%[\w.-]+%$/);
  assert.deepEqual(literal, [], 'put these in package.nls.json and package.nls.ko.json');
});

test('bundle.l10n.ko.json: every English string, translated, with the same {n} placeholders', () => {
  const keys = Object.keys(bundle);
  assert.ok(keys.length > 300, `${keys.length} strings in bundle.l10n.json`);
  const missing = keys.filter((k) => typeof bundleKo[k] !== 'string' || bundleKo[k].trim() === '');
  assert.deepEqual(missing, [], 'strings missing from bundle.l10n.ko.json');
  const extra = Object.keys(bundleKo).filter((k) => !(k in bundle));
  assert.deepEqual(extra, [], 'bundle.l10n.ko.json has strings the code no longer uses');
  for (const k of keys) {
    assert.deepEqual(placeholders(bundleKo[k]), placeholders(k), `placeholders of ${JSON.stringify(k)} in Korean: ${JSON.stringify(bundleKo[k])}`);
  }
  const untranslated = keys.filter((k) => hasWords(k) && bundleKo[k] === k && !SAME_IN_KOREAN.has(k));
  assert.deepEqual(untranslated, [], 'Korean strings identical to their English (forgotten translations)');
});

test('bundle.l10n.json is the English of exactly the strings the code passes to l10n.t (as @vscode/l10n-dev exports them)', async () => {
  for (const [k, v] of Object.entries(bundle)) assert.equal(v, k, 'the English bundle maps each string to itself');
  const files = sources();
  const exported = await getL10nJson(files.map((f) => ({ extension: '.ts', contents: readFileSync(f, 'utf8') })));
  const used = Object.keys(exported);
  assert.deepEqual(used.filter((k) => !(k in bundle)), [], 'strings in the code missing from l10n/bundle.l10n.json: run `npm run l10n`');
  assert.deepEqual(Object.keys(bundle).filter((k) => !(k in exported)), [], 'strings in l10n/bundle.l10n.json the code no longer uses: run `npm run l10n`');
});

test('every l10n.t call passes its string as a literal, and every such string is in the bundle', () => {
  let calls = 0;
  const problems: string[] = [];
  for (const file of sources()) {
    const text = readFileSync(file, 'utf8');
    const rel = path.relative(root, file);
    text.split('\n').forEach((line, i) => {
      const trimmed = line.trim();
      if (trimmed.startsWith('//') || trimmed.startsWith('*') || trimmed.startsWith('/*')) return;
      for (const m of line.matchAll(/\bl10n\.t\b/g)) {
        const rest = line.slice(m.index! + m[0].length);
        const literal = /^\(\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/.exec(rest);
        if (!literal) {
          problems.push(`${rel}:${i + 1}: l10n.t without a string literal (the extractor cannot see it): ${trimmed}`);
          continue;
        }
        calls++;
        const s = unquote(literal[1]);
        if (!(s in bundle)) problems.push(`${rel}:${i + 1}: ${JSON.stringify(s)} is not in l10n/bundle.l10n.json`);
      }
    });
  }
  assert.deepEqual(problems, []);
  assert.ok(calls > 400, `${calls} l10n.t calls found`);
});

test('the model reader reports in Korean once @vscode/l10n has the Korean bundle, and in English without (the CLI)', () => {
  const broken = [
    'data: { dataset: spiral }\nlayers:\n  - dense: 3\noptimzer: adam\n',
    'data: { dataset: spiral }\nlayers:\n  - dense: 4\n',
    'data: { dataset: spiral }\nlayers:\n  - desne: 3\n',
    'data: { dataset: spirl }\nlayers:\n  - dense: 3\n',
    'data: { dataset: circles, classes: 3 }\nlayers:\n  - dense: 2\n',
    'data: { dataset: spiral, samples: 2 }\nlayers:\n  - dense: 3\n',
    'data: { dataset: spiral }\nlayers:\n  - dense: 3\ntrain: { epochs: 0, batch: -1 }\n',
    'data: { dataset: mnist }\nlayers:\n  - conv: { filters: 4, size: 4, stride: 5 }\n  - dense: 10\n',
    'data: { dataset: mnist }\nlayers:\n  - conv: { filters: 4, size: 40 }\n  - dense: 10\n',
    'data: { dataset: spiral }\nlayers:\n  - conv: { filters: 4, size: 3 }\n  - dense: 3\n',
    'data: { dataset: spiral }\nlayers:\n  - dense: 3\n  - activation: tanh\n',
    'data: { dataset: spiral }\nlayers:\n  - dense: 3\nloss: mse\n',
    'data: { dataset: spiral }\nlayers:\n  - flatten\n  - dropout: 1.5\n  - dense: 3\n    activation: { alpha: 2 }\n',
    'data: { dataset: spiral }\nlayers: dense\noptimizer: { lr: 0.1 }\ninit: { type: normal }\n',
    'data: { csv: 7 }\nlayers:\n  - dense: 3\ncompare: { optimizer: [sgd], lr: [0.1, 0] }\n',
    '- just a list\n',
  ];
  // (YAML syntax errors are the yaml library's own words, in English: not among these.)
  l10n.config({ contents: bundleKo });
  let korean: string[][];
  try {
    korean = broken.map((text) => parseModel(text).diagnostics.map((d) => d.message));
  } finally {
    l10n.config({ contents: {} });
  }
  const english = broken.map((text) => parseModel(text).diagnostics.map((d) => d.message));
  broken.forEach((text, i) => {
    assert.ok(korean[i].length > 0, `a problem in ${JSON.stringify(text)}`);
    assert.equal(korean[i].length, english[i].length, 'the same problems in both languages');
    for (const [j, message] of korean[i].entries()) {
      assert.match(message, /[\uac00-\ud7a3]/, `not Korean: ${JSON.stringify(message)} (English: ${JSON.stringify(english[i][j])})`);
      assert.doesNotMatch(english[i][j], /[\uac00-\ud7a3]/, 'back in English once the bundle is gone');
    }
  });
  assert.match(korean[0][0], /^모델에 알 수 없는 키가 있습니다: 'optimzer'\. 혹시 'optimizer'인가요\?$/);
  assert.match(english[0][0], /^Unknown key 'optimzer' in the model\. Did you mean 'optimizer'\?$/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { panelCsp } from '../../src/panel/csp';

test('the panel CSP: default none, scripts by nonce only, no unsafe-eval or inline anything, only the extension\'s files', () => {
  const csp = panelCsp('https://file+.vscode-resource.vscode-cdn.net', 'abc123');
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  assert.deepEqual(directives.get('script-src'), ["'nonce-abc123'"]);
  assert.deepEqual(directives.get('style-src'), ['https://file+.vscode-resource.vscode-cdn.net']);
  assert.deepEqual(directives.get('img-src'), ['https://file+.vscode-resource.vscode-cdn.net', 'data:']);
  assert.doesNotMatch(csp, /unsafe-(eval|inline)|\*/);
  assert.deepEqual([...directives.keys()].sort(), ['default-src', 'font-src', 'img-src', 'script-src', 'style-src']);
});

import * as assert from 'node:assert/strict';
import { panelHtml } from '../../src/panel/html';
import { panelCsp } from '../../src/panel/csp';
import { TAB_IDS, TABS_HIDDEN_AT_FIRST } from '../../src/panel/tabs';

// The panel's document as the host writes it: the tabs, the slots other views render into, the
// element ids the webview and the tests read, each once; the codicons only when given.
describe('The panel\'s HTML: tabs, slots and ids', () => {
  const opts = { cspSource: 'vscode-resource:', nonce: 'n0nce', scriptUri: 'webview.js', styleUri: 'panel.css' };
  const withIcons = panelHtml({ ...opts, codiconsUri: 'dist/codicons/codicon.css' });
  const plain = panelHtml(opts);
  const ids = (html: string): string[] => [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);

  it('has one header and one panel per tab, in order, each panel\'s content #panel-<tab>; weights and tune hidden at first', () => {
    const headers = [...withIcons.matchAll(/<vscode-tab-header slot="header" data-tab="([a-z]+)"( hidden)? title="[^"]+"><span class="codicon [^"]+" slot="content-before" aria-hidden="true"><\/span><span class="tab-label">[^<]+<\/span>/g)];
    assert.deepEqual(headers.map((m) => m[1]), [...TAB_IDS]);
    assert.deepEqual(headers.filter((m) => m[2]).map((m) => m[1]), [...TABS_HIDDEN_AT_FIRST]);
    const panels = [...withIcons.matchAll(/<vscode-tab-panel data-tab="([a-z]+)"><div class="tab-body" id="panel-([a-z]+)">/g)];
    assert.deepEqual(panels.map((m) => m[1]), [...TAB_IDS]);
    assert.deepEqual(panels.map((m) => m[2]), [...TAB_IDS]);
  });

  it('holds the slots, charts and hooks in their tabs, every id once', () => {
    const all = ids(withIcons);
    assert.deepEqual(all.filter((id, i) => all.indexOf(id) !== i), [], 'duplicate ids');
    const inTab = (tab: string, id: string): boolean => {
      const start = withIcons.indexOf(`id="panel-${tab}"`);
      const end = withIcons.indexOf('</vscode-tab-panel>', start);
      return withIcons.slice(start, end).includes(`id="${id}"`);
    };
    for (const [tab, list] of Object.entries({
      overview: ['loss-chart', 'chart-accuracy', 'chart-r2', 'chart-boundary', 'chart-fit', 'chart-fit-map'],
      gradients: ['chart-grad-flow', 'chart-grad-bars', 'chart-updates'],
      activations: ['chart-histograms', 'chart-act-std', 'chart-act-health'],
      weights: ['chart-weights'],
      checks: ['slot-sanity', 'group-gradcheck', 'gradcheck-body', 'slot-lrfind'],
      findings: ['slot-findings'],
      tune: ['slot-tune'],
    })) {
      for (const id of list) assert.ok(inTab(tab, id), `#${id} in the ${tab} tab`);
    }
    for (const id of ['run-title', 'run-status', 'run-summary', 'run-error', 'overlay-bar', 'btn-train', 'btn-gradcheck', 'save-loss', 'note-loss', 'badge-findings']) {
      assert.ok(all.includes(id), `#${id}`);
    }
    assert.ok(withIcons.indexOf('class="toolbar"') < withIcons.indexOf('<vscode-tabs'), 'the toolbar above the tabs');
  });

  it('links the codicons (the id vscode-elements looks for) and puts them on the tabs and buttons only when given', () => {
    assert.match(withIcons, /<link rel="stylesheet" id="vscode-codicon-stylesheet" href="dist\/codicons\/codicon.css">/);
    assert.equal([...withIcons.matchAll(/<span class="codicon codicon-[a-z-]+" slot="content-before"/g)].length, TAB_IDS.length);
    assert.match(withIcons, /<vscode-button id="btn-train"[^>]* icon="play">Train</);
    assert.doesNotMatch(plain, /codicon/);
    assert.match(plain, /<vscode-button id="btn-train"[^>]*>▶ Train</);
    assert.ok(withIcons.includes(panelCsp('vscode-resource:', 'n0nce')));
    assert.match(panelCsp('vscode-resource:', 'n0nce'), /font-src vscode-resource:/);
  });
});

/**
 * The chart panel's HTML document: header, toolbar, then the tabs (vscode-tabs) holding one card
 * per chart (src/panel/cards.ts) and the slots other views render into. webview/main.ts fills it in. The CSP allows only the nonce'd bundle and the
 * extension's own style sheets and fonts: no inline script or style.
 */
import * as vscode from 'vscode';
import type { PanelAction } from '../training/protocol';
import { card, escape, GROUPS } from './cards';
import { panelCsp } from './csp';
import { TAB_ICONS, TAB_IDS, TABS_HIDDEN_AT_FIRST, type TabId } from './tabs';

export interface PanelHtmlOptions {
  /** webview.cspSource */
  cspSource: string;
  /** A fresh random nonce for the script tag. */
  nonce: string;
  /** webview.asWebviewUri(dist/webview.js) */
  scriptUri: string;
  /** webview.asWebviewUri(media/panel.css) */
  styleUri: string;
  /** codicon.css (from @vscode/codicons); when given, the toolbar buttons carry codicons. */
  codiconsUri?: string;
  /** The display language (vscode.env.language), for the document's lang. */
  language?: string;
  /** The extension's l10n bundle in that language (vscode.l10n.bundle), for the strings webview/ writes; none in English. */
  l10n?: Record<string, unknown>;
  /** The model file's name: the heading while the panel has no run of its own (kept or compared runs only). */
  fileName?: string;
}

const ACTIONS: Array<{ action: PanelAction; label: string; icon: string; title: string; primary?: boolean; hidden?: boolean }> = [
  { action: 'train', label: vscode.l10n.t('▶ Train'), icon: 'play', title: vscode.l10n.t('Train the model file again from the start'), primary: true },
  { action: 'pause', label: vscode.l10n.t('Pause'), icon: 'debug-pause', title: vscode.l10n.t('Pause after the current step') },
  { action: 'resume', label: vscode.l10n.t('▶ Resume'), icon: 'debug-continue', title: vscode.l10n.t('Go on training'), hidden: true },
  { action: 'step', label: vscode.l10n.t('Step'), icon: 'debug-step-over', title: vscode.l10n.t('Train one batch (while paused)') },
  { action: 'stop', label: vscode.l10n.t('■ Stop'), icon: 'debug-stop', title: vscode.l10n.t('Stop after the current step') },
  { action: 'swapOptimizer', label: vscode.l10n.t('Swap optimizer…'), icon: 'arrow-swap', title: vscode.l10n.t('Change the update rule; a running run goes on from the same weights') },
  { action: 'swapInit', label: vscode.l10n.t('Swap init…'), icon: 'symbol-variable', title: vscode.l10n.t('Change the weight-init scheme and train again, the current run kept faded for comparison') },
  { action: 'gradcheck', label: vscode.l10n.t('∇ Gradient check'), icon: 'check-all', title: vscode.l10n.t('Check every parameter\'s backward pass against centered differences') },
];

function toolbar(icons: boolean): string {
  return ACTIONS.map((a) => {
    const label = icons ? a.label.replace(/^[▶■∇]\s*/u, '') : a.label;
    const attrs = [
      `id="btn-${a.action}"`, `data-action="${a.action}"`, `title="${escape(a.title)}"`, 'disabled',
      a.primary ? '' : 'secondary', a.hidden ? 'hidden' : '', icons ? `icon="${a.icon}"` : '',
    ].filter(Boolean).join(' ');
    return `<vscode-button ${attrs}>${escape(label)}</vscode-button>`;
  }).join('\n      ');
}

/** A tab's name on its header. */
function tabLabel(id: TabId): string {
  switch (id) {
    case 'overview': return vscode.l10n.t('Overview');
    case 'gradients': return vscode.l10n.t('Gradients');
    case 'activations': return vscode.l10n.t('Activations');
    case 'weights': return vscode.l10n.t('Weights');
    case 'mistakes': return vscode.l10n.t('Mistakes');
    case 'inspect': return vscode.l10n.t('Inspect');
    case 'landscape': return vscode.l10n.t('Landscape');
    case 'checks': return vscode.l10n.t('Checks');
    case 'findings': return vscode.l10n.t('Findings');
    case 'tune': return vscode.l10n.t('Tune');
  }
}

/** The Checks tab: the sanity checks and the learning-rate finder (other views render into their slots), the gradient check. */
function checksTab(): string {
  return `
      <div id="slot-sanity"></div>
      <div class="group" id="group-gradcheck" hidden>
      <section class="card" id="card-gradcheck" aria-labelledby="title-gradcheck">
        <div class="card-head"><h3 id="title-gradcheck">${escape(vscode.l10n.t('Gradient check'))}</h3><span class="note" id="note-gradcheck"></span></div>
        <p class="why">${escape(vscode.l10n.t('Relative error: above 1e-2 the gradient is probably wrong; 1e-4 is okay only with kinks (ReLU, max); 1e-7 and less, be happy.'))}</p>
        <div id="gradcheck-body" class="gradcheck"></div>
      </section>
      </div>
      <div id="slot-lrfind"></div>`;
}

/** What a tab holds: its chart cards in groups, or the slots other views render into. */
function tabContent(id: TabId): string {
  if (id === 'checks') return checksTab();
  if (id === 'findings') return '\n      <div id="slot-findings"></div>';
  if (id === 'tune') return '\n      <div id="slot-tune"></div>';
  if (id === 'mistakes') return '\n      <div id="slot-mistakes"></div>';
  if (id === 'inspect') return '\n      <div id="slot-inspect"></div>';
  if (id === 'landscape') return '\n      <div id="slot-landscape"></div>';
  const groups = GROUPS.filter((g) => g.tab === id).map((g) => `
      <div class="group" id="group-${g.cards[0].chart}"${g.cards.every((c) => c.hidden) ? ' hidden' : ''}>${g.cards.map(card).join('')}
      </div>`).join('');
  // A surface run's card (webview/surface/view.ts), where the decision boundary is for 2-D data.
  return id === 'overview' ? `${groups}
      <div id="slot-surface"></div>` : groups;
}

/**
 * The tabs: a header per tab (codicon, name; Findings with a count badge) and its panel, whose
 * content is #panel-<id>. vscode-tabs numbers its headers and panels and takes over their ids, so
 * ours are on data-tab and on the inner element.
 */
function tabs(icons: boolean): string {
  const headers = TAB_IDS.map((id) => {
    const icon = icons ? `<span class="codicon codicon-${TAB_ICONS[id]}" slot="content-before" aria-hidden="true"></span>` : '';
    const badge = id === 'findings' ? '<vscode-badge variant="counter" slot="content-after" id="badge-findings" hidden>0</vscode-badge>' : '';
    const hidden = TABS_HIDDEN_AT_FIRST.includes(id) ? ' hidden' : '';
    // The name is its own element: a panel too narrow for every name shows the other tabs' icons only (webview/tabs.ts), the name their tooltip.
    const label = escape(tabLabel(id));
    return `<vscode-tab-header slot="header" data-tab="${id}"${hidden} title="${label}">${icon}<span class="tab-label">${label}</span>${badge}</vscode-tab-header>`;
  });
  const panels = TAB_IDS.map((id) => `
    <vscode-tab-panel data-tab="${id}"><div class="tab-body" id="panel-${id}">${tabContent(id)}
    </div></vscode-tab-panel>`);
  return `
  <vscode-tabs id="tabs" selected-index="0">
    ${headers.join('\n    ')}${panels.join('')}
  </vscode-tabs>`;
}

export function panelHtml(opts: PanelHtmlOptions): string {
  const { cspSource, nonce } = opts;
  const csp = panelCsp(cspSource, nonce);
  const icons = Boolean(opts.codiconsUri);
  // Until the panel has a run of its own (and whenever it has none): the model file's name.
  const heading = escape(opts.fileName ?? 'TrainLens');
  // The strings webview/ writes at run time come from this bundle (none in English).
  const l10nData = opts.l10n ? ` data-l10n="${escape(JSON.stringify(opts.l10n))}"` : '';
  const codicons = opts.codiconsUri ? `\n  <link rel="stylesheet" id="vscode-codicon-stylesheet" href="${escape(opts.codiconsUri)}">` : '';
  return `<!DOCTYPE html>
<html lang="${escape(opts.language ?? 'en')}">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${escape(opts.styleUri)}">${codicons}
  <title>TrainLens</title>
</head>
<body${l10nData}>
  <header class="run-header">
    <div class="title-row">
      <h1 id="run-title" data-file="${heading}">${heading}</h1>
      <vscode-badge id="run-status" class="badge" hidden></vscode-badge>
      <vscode-badge id="run-stale" class="stale" title="${escape(vscode.l10n.t('The host no longer has this run: these are the charts the panel saved before the window reloaded'))}" hidden>${escape(vscode.l10n.t('from before the reload'))}</vscode-badge>
    </div>
    <div id="run-summary" class="summary">${vscode.l10n.t('No run of this model file yet: choose {0} to start one.', `<strong>${escape(vscode.l10n.t('▶ Train'))}</strong>`)}</div>
    <div id="run-details" class="details"></div>
    <div id="run-error" class="run-error" role="alert" hidden></div>
    <div id="overlay-bar" class="overlay-bar" hidden>
      <div class="overlay-head"><strong id="overlay-title"></strong>
        <button type="button" id="overlay-clear" class="link" title="${escape(vscode.l10n.t('Show this model file\'s own run again'))}">${escape(vscode.l10n.t('Back to this file\'s run'))}</button></div>
      <ul id="overlay-list" class="overlay-list"></ul>
    </div>
  </header>
  <div class="toolbar" role="toolbar" aria-label="${escape(vscode.l10n.t('Training'))}">
      ${toolbar(icons)}
  </div>
  <main>${tabs(icons)}
  </main>
  <script nonce="${escape(nonce)}" src="${escape(opts.scriptUri)}"></script>
</body>
</html>`;
}

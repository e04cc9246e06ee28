/**
 * The panel's tabs (vscode-tabs): which one shows, their headers and badges. Views in other files
 * call showTab / setTabBadge / showTabHeader / onTabShown; webview/main.ts draws only the charts of
 * the tab on show (a tab never shown has no chart created).
 */
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import { TAB_IDS, type TabId } from '../src/panel/tabs';
import { TabState } from './tab-state';

export type { TabId } from '../src/panel/tabs';

const state = new TabState();
let changed: (id: TabId) => void = () => undefined;

const header = (id: TabId): HTMLElement | null => document.querySelector(`vscode-tab-header[data-tab="${id}"]`);

/** Puts the selection on the elements: vscode-tabs' index, and the panels' hidden at once (vscode-tabs sets it again at its next update). */
function apply(): void {
  const tabs = document.getElementById('tabs') as (HTMLElement & { selectedIndex: number }) | null;
  if (tabs && tabs.selectedIndex !== state.index) tabs.selectedIndex = state.index;
  document.querySelectorAll<HTMLElement>('vscode-tab-panel[data-tab]').forEach((p) => {
    p.toggleAttribute('hidden', p.dataset.tab !== state.selected);
  });
}

function selectionChanged(): void {
  apply();
  state.notifyShown();
  changed(state.selected);
}

/**
 * When the visible tabs' names do not fit the panel's width, the tabs not on show keep only their
 * icon (body.compact-tabs; each name stays in its header's tooltip); measured with every name shown.
 */
function fitTabs(): void {
  const tabs = document.getElementById('tabs');
  if (!tabs || !document.querySelector('vscode-tab-header .codicon')) return;
  document.body.classList.remove('compact-tabs');
  const headers = Array.from(document.querySelectorAll<HTMLElement>('vscode-tab-header[data-tab]')).filter((h) => !h.hidden);
  const used = headers.reduce((sum, h) => sum + h.getBoundingClientRect().width, 0);
  document.body.classList.toggle('compact-tabs', used > tabs.getBoundingClientRect().width);
}

/**
 * Selects the saved tab (when valid) and listens to the headers; onChange runs after every change
 * of the selected tab (the panel saves it and draws the tab's charts).
 */
export function initTabs(saved: unknown, onChange: (id: TabId) => void): void {
  changed = onChange;
  state.restore(saved);
  apply();
  const tabs = document.getElementById('tabs');
  if (tabs) new ResizeObserver(() => fitTabs()).observe(tabs);
  document.getElementById('tabs')?.addEventListener('vsc-tabs-select', (e) => {
    const id = TAB_IDS[(e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex];
    if (id && state.select(id)) selectionChanged();
    else apply(); // a click on a hidden or the selected header changes nothing
  });
}

/** Shows a tab (one whose header is hidden stays unselected). */
export function showTab(id: TabId): void {
  if (state.select(id)) selectionChanged();
}

/** Shows or hides a tab's header; hiding the selected tab shows the overview. */
export function showTabHeader(id: TabId, visible = true): void {
  const h = header(id);
  if (h && h.hidden === visible) {
    h.toggleAttribute('hidden', !visible);
    fitTabs();
  }
  if (state.setHeaderVisible(id, visible)) selectionChanged();
}

/** The count on a tab's header (hidden at 0). */
export function setTabBadge(id: TabId, n: number): void {
  const h = header(id);
  if (!h) return;
  let badge = h.querySelector('vscode-badge');
  if (!badge) {
    badge = document.createElement('vscode-badge');
    badge.setAttribute('variant', 'counter');
    badge.setAttribute('slot', 'content-after');
    h.append(badge);
  }
  badge.textContent = String(n);
  badge.toggleAttribute('hidden', !(n > 0));
}

/** Calls cb each time the tab is shown. */
export function onTabShown(id: TabId, cb: () => void): void {
  state.onShown(id, cb);
}

/** Whether the tab's content is on screen now. */
export function isTabShown(id: TabId): boolean {
  return state.isShown(id);
}

export function selectedTab(): TabId {
  return state.selected;
}

/**
 * The chart panel's tabs, in order: their ids (the content element of each is `#panel-<id>`) and
 * codicons. No vscode import: webview/ reads the same list.
 */
export const TAB_IDS = ['overview', 'gradients', 'activations', 'weights', 'mistakes', 'inspect', 'landscape', 'checks', 'findings', 'tune'] as const;
export type TabId = (typeof TAB_IDS)[number];

export const TAB_ICONS: Record<TabId, string> = {
  overview: 'graph-line',
  gradients: 'pulse',
  activations: 'layers',
  weights: 'file-media',
  mistakes: 'error',
  inspect: 'search',
  landscape: 'map',
  checks: 'checklist',
  findings: 'lightbulb',
  tune: 'settings',
};

/** Tabs whose header is hidden until there is something to show (image data; an epoch's mistakes; a loss landscape; a tune run). */
export const TABS_HIDDEN_AT_FIRST: readonly TabId[] = ['weights', 'mistakes', 'landscape', 'tune'];

export function isTabId(x: unknown): x is TabId {
  return typeof x === 'string' && (TAB_IDS as readonly string[]).includes(x);
}

/**
 * The circuit view's style sheet, adopted by the document (a constructed CSSStyleSheet, which the
 * panels' CSP allows, as Lit's components rely on), so that any webview embedding CircuitView gets
 * it without a <link>. Every colour is a VS Code theme variable: values in the charts' green,
 * gradients in the charts' red, as the lesson writes them.
 */
const CSS = `
.cv { outline: none; display: flex; flex-direction: column; gap: 6px; min-width: 0; }
.cv:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
.cv-toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.cv-counter { margin-left: 4px; color: var(--vscode-descriptionForeground); font-variant-numeric: tabular-nums; min-width: 9em; }
.cv-legend { margin-left: auto; display: flex; gap: 12px; font-size: 0.9em; }
.cv-key::before { content: ''; display: inline-block; width: 14px; height: 3px; margin: 0 5px 3px 0; vertical-align: middle; background: currentColor; }
.cv-key-val { color: var(--cv-value); }
.cv-key-grad { color: var(--cv-grad); }
.cv-caption { min-height: 3.2em; padding: 4px 8px; border-left: 3px solid var(--vscode-focusBorder);
  background: var(--vscode-textBlockQuote-background, transparent); line-height: 1.45; font-variant-numeric: tabular-nums; }
.cv-caption-title { font-weight: 600; }
.cv-caption-line { color: var(--vscode-foreground); }
.cv-canvas { overflow: auto; max-width: 100%; }
.cv-empty { color: var(--vscode-descriptionForeground); padding: 12px 0; }
.cv, .cv-svg {
  --cv-value: var(--vscode-charts-green, #388a34);
  --cv-grad: var(--vscode-charts-red, #e51400);
  --cv-ink: var(--vscode-foreground);
  --cv-line: var(--vscode-descriptionForeground);
  --cv-halo: var(--vscode-editor-background);
}
.cv-svg { display: block; font-family: var(--vscode-editor-font-family, monospace); font-size: 12px; }
.cv-wire { fill: none; stroke: var(--cv-line); stroke-width: 1.4; opacity: 0.75; }
.cv-wire.cv-active { stroke: var(--vscode-focusBorder); stroke-width: 2.2; opacity: 1; }
.cv-arrow { fill: var(--cv-line); }
.cv-val, .cv-grad { font-variant-numeric: tabular-nums; text-anchor: middle;
  paint-order: stroke; stroke: var(--cv-halo); stroke-width: 3px; stroke-linejoin: round; }
.cv-val { fill: var(--cv-value); }
.cv-grad { fill: var(--cv-grad); }
.cv-new { font-weight: 700; }
.cv-node { cursor: default; }
.cv-node.cv-link { cursor: pointer; }
.cv-node .cv-shape { fill: var(--vscode-editorWidget-background, var(--vscode-editor-background)); stroke: var(--cv-ink); stroke-width: 1.3; }
.cv-node.cv-leaf .cv-shape { stroke: var(--cv-line); stroke-dasharray: none; }
.cv-node.cv-const .cv-shape { stroke-dasharray: 3 2; }
.cv-node.cv-pending .cv-shape { stroke: var(--cv-line); stroke-dasharray: 4 3; }
.cv-node.cv-pending .cv-label { fill: var(--cv-line); }
.cv-node.cv-current .cv-shape { stroke: var(--vscode-focusBorder); stroke-width: 3; stroke-dasharray: none;
  fill: var(--vscode-editor-selectionBackground, var(--vscode-editorWidget-background)); }
.cv-node.cv-current .cv-label { fill: var(--cv-ink); }
.cv-node:hover .cv-shape { stroke-width: 2.2; }
.cv-label { fill: var(--cv-ink); text-anchor: middle; dominant-baseline: central; font-size: 16px; }
.cv-leaf .cv-label { font-size: 12px; }
.cv-name { fill: var(--vscode-descriptionForeground); text-anchor: middle; font-size: 10px; }
.cv-out-name { fill: var(--cv-ink); font-style: italic; dominant-baseline: central; }
body.vscode-high-contrast .cv-wire, body.vscode-high-contrast-light .cv-wire { opacity: 1; }
/* High contrast: the selection colour would hide the gate's label; the thick focus border marks the current gate. */
body.vscode-high-contrast .cv-node.cv-current .cv-shape, body.vscode-high-contrast-light .cv-node.cv-current .cv-shape {
  fill: var(--vscode-editor-background); }
`;

let adopted = false;

/** Adds the view's style sheet to the document once. */
export function adoptCircuitStyles(doc: Document): void {
  if (adopted) return;
  adopted = true;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  } catch (e) {
    console.warn('TrainLens: the circuit view\'s style sheet could not be adopted', e);
  }
}

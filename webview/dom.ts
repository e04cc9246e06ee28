/** A small DOM helper for the panel's cards (also custom elements such as vscode-table-cell). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K];
export function el(tag: string, text?: string, className?: string): HTMLElement;
export function el(tag: string, text?: string, className?: string): HTMLElement {
  const e = document.createElement(tag);
  if (text !== undefined && text !== '') e.textContent = text;
  if (className) e.className = className;
  return e;
}

/** A card of the panel (section#card-<id>): its title, what it shows and why, then its body. */
export function card(id: string, title: string, why: string, ...body: HTMLElement[]): HTMLElement {
  const c = el('section', undefined, 'card');
  c.id = `card-${id}`;
  const head = el('div', undefined, 'card-head');
  head.append(el('h3', title));
  c.append(head, el('p', why, 'why'), ...body);
  return c;
}

/**
 * A vscode-table (zebra, rows bordered; below 480 px wide its compact view, each cell labelled
 * with its header): `columns` its initial widths (vscode-table's syntax), `headers` their names.
 */
export function vscodeTable(className: string, columns: string[], headers: string[], rows: HTMLElement[]): HTMLElement {
  const t = el('vscode-table', undefined, className);
  for (const a of ['zebra', 'bordered-rows', 'responsive']) t.setAttribute(a, '');
  t.setAttribute('breakpoint', '480');
  t.setAttribute('columns', JSON.stringify(columns));
  const head = el('vscode-table-header');
  head.setAttribute('slot', 'header');
  for (const h of headers) head.append(el('vscode-table-header-cell', h));
  const body = el('vscode-table-body');
  body.setAttribute('slot', 'body');
  body.append(...rows);
  t.append(head, body);
  return t;
}

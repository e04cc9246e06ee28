/** A small DOM helper for the panel's cards (also custom elements such as vscode-table-cell). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K];
export function el(tag: string, text?: string, className?: string): HTMLElement;
export function el(tag: string, text?: string, className?: string): HTMLElement {
  const e = document.createElement(tag);
  if (text !== undefined && text !== '') e.textContent = text;
  if (className) e.className = className;
  return e;
}

/** The Inspect tab's one tooltip: the exact value under the pointer, in the editor's hover colours (see media/panel.css .insp-tip). */
let tip: HTMLElement | null = null;

export function showTip(clientX: number, clientY: number, text: string): void {
  if (!tip) {
    tip = document.createElement('div');
    tip.className = 'insp-tip';
    tip.setAttribute('role', 'tooltip');
    document.body.append(tip);
  }
  tip.textContent = text;
  tip.hidden = false;
  // Beside the pointer, kept inside the window.
  const w = tip.offsetWidth;
  const x = Math.min(clientX + 12, window.innerWidth - w - 4);
  tip.style.left = `${Math.max(4, x)}px`;
  tip.style.top = `${clientY + 16}px`;
}

export function hideTip(): void {
  if (tip) tip.hidden = true;
}

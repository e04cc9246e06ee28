/**
 * Which tab of the panel is selected, which headers show, which tabs have been shown at least
 * once, and what runs when a tab is shown. No DOM: webview/tabs.ts applies it to vscode-tabs.
 */
import { isTabId, TAB_IDS, TABS_HIDDEN_AT_FIRST, type TabId } from '../src/panel/tabs';

export class TabState {
  private current: TabId = 'overview';
  /** The tab the saved state asked for while its header was hidden (selected once it shows, unless the user chose another first). */
  private wanted: TabId | null = null;
  private readonly hidden = new Set<TabId>(TABS_HIDDEN_AT_FIRST);
  private readonly shownOnce = new Set<TabId>(['overview']);
  private readonly listeners = new Map<TabId, Array<() => void>>();

  get selected(): TabId {
    return this.current;
  }

  get index(): number {
    return TAB_IDS.indexOf(this.current);
  }

  /** Whether the tab's content is on screen now (its charts draw only then). */
  isShown(id: TabId): boolean {
    return this.current === id;
  }

  /** Whether the tab has ever been shown (its charts exist). */
  wasShown(id: TabId): boolean {
    return this.shownOnce.has(id);
  }

  isHeaderVisible(id: TabId): boolean {
    return !this.hidden.has(id);
  }

  /** The tab saved with the panel's state (anything else is ignored). */
  restore(saved: unknown): void {
    if (!isTabId(saved)) return;
    if (this.hidden.has(saved)) this.wanted = saved;
    else this.select(saved);
  }

  /** Selects a tab (a hidden one is not selected); true when the selection changed. */
  select(id: TabId): boolean {
    if (this.hidden.has(id)) return false;
    this.wanted = null;
    if (id === this.current) return false;
    this.current = id;
    this.shownOnce.add(id);
    return true;
  }

  /** Shows or hides a tab's header; hiding the selected tab selects the overview. True when the selection changed. */
  setHeaderVisible(id: TabId, visible: boolean): boolean {
    if (visible) {
      this.hidden.delete(id);
      if (this.wanted === id) return this.select(id);
      return false;
    }
    this.hidden.add(id);
    return id === this.current ? this.select('overview') : false;
  }

  /** Runs the selected tab's listeners (once its content is on screen). */
  notifyShown(): void {
    for (const cb of this.listeners.get(this.current) ?? []) cb();
  }

  /** Calls cb each time the tab is shown. */
  onShown(id: TabId, cb: () => void): void {
    this.listeners.set(id, [...(this.listeners.get(id) ?? []), cb]);
  }
}

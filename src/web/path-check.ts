/**
 * Data-path diagnostics on the web (docs/web-plan.md §2.6): a path is resolved and confined to the
 * workspace folders at once, on URI paths; whether it exists is known only after an async
 * workspace.fs stat. A miss answers undefined (no diagnostic yet) and starts the stat; when it
 * lands, onResolved() asks for the diagnostics again, which then find it in the cache.
 */
import type { PathCheck } from '../model/data';
import {
  absolutePathMessage, isAbsoluteWritten, leavesWorkspaceMessage, lookedPath, missingMessage, shownPath, webLinkMessage, webLinkOnTheWayMessage,
  wrongKindMessage,
} from '../model/path-messages';
import { FILE_TYPE, levelsBelow, resolveUri, rootOf, type UriLike } from './uri';

/** A location's FileType bits, 'missing' (the stat failed), or 'pending' (asked, not answered). */
export type StatEntry = number | 'missing' | 'pending';

/**
 * Stats of data paths, shared by the documents' checkers; clear() when files change (the
 * platform's file watcher) — stats still on the way then are dropped and asked again.
 */
export class PathStats {
  private readonly entries = new Map<string, StatEntry>();
  private readonly waiting = new Map<string, (() => void)[]>();
  private generation = 0;

  constructor(private readonly stat: (uri: UriLike) => PromiseLike<{ type: number }>) {}

  /** The entry for `uri`; on a miss starts a stat and calls `onResolved` when it lands. */
  look(uri: UriLike, onResolved: () => void): StatEntry {
    const key = uri.toString();
    const entry = this.entries.get(key);
    if (entry === 'pending') this.waiting.get(key)?.push(onResolved);
    if (entry !== undefined) return entry;
    this.entries.set(key, 'pending');
    this.waiting.set(key, [onResolved]);
    const generation = this.generation;
    const land = (e: StatEntry): void => {
      if (generation !== this.generation) return;
      this.entries.set(key, e);
      const callbacks = this.waiting.get(key) ?? [];
      this.waiting.delete(key);
      for (const f of callbacks) f();
    };
    Promise.resolve(this.stat(uri)).then((st) => land(st.type), () => land('missing'));
    return 'pending';
  }

  clear(): void {
    const callbacks = [...this.waiting.values()].flat();
    this.generation++;
    this.entries.clear();
    this.waiting.clear();
    // Checks that waited on a dropped stat look again (and start a fresh one).
    for (const f of callbacks) f();
  }
}

export interface WebPathCheckOptions {
  /** The model file. */
  docUri: UriLike;
  /** The workspace folders. */
  roots: readonly UriLike[];
  /** workspace.fs.stat (used when no `stats` is given). */
  stat?: (uri: UriLike) => PromiseLike<{ type: number }>;
  /** Shared stats (the platform's, cleared by its file watcher); a checker of its own when absent. */
  stats?: PathStats;
  /** Called when a stat this checker waited for lands: run the diagnostics again. */
  onResolved(): void;
}

/** The data paths of a model file on the web: relative to it, inside a workspace folder, existing, of the right kind, and through no link. */
export function webPathChecker(o: WebPathCheckOptions): PathCheck & { readonly stats: PathStats } {
  const stats = o.stats ?? new PathStats(o.stat ?? (() => Promise.reject(new Error('no stat'))));
  const dir = o.docUri.with({ path: o.docUri.path.replace(/\/[^/]*$/, '') || '/' });
  const check: PathCheck = (written, kind) => {
    const shown = shownPath(written);
    if (isAbsoluteWritten(written)) return absolutePathMessage(shown);
    const target = resolveUri(dir, written);
    const root = rootOf(target, o.roots);
    if (!root) return leavesWorkspaceMessage(shown);
    // Every level from the workspace folder down is asked at once (the file server follows no link on the way either).
    const levels = levelsBelow(root, target);
    if (levels.length === 0) levels.push(target);
    const entries = levels.map((level) => stats.look(level, o.onResolved));
    if (entries.includes('pending')) return undefined;
    let type = 0;
    for (const [i, entry] of (entries as (number | 'missing')[]).entries()) {
      if (entry === 'missing') return missingMessage(kind, shown, lookedPath(target.path));
      if (entry & FILE_TYPE.SymbolicLink) return i === levels.length - 1 ? webLinkMessage(shown) : webLinkOnTheWayMessage(shown, lookedPath(levels[i].path));
      type = entry;
    }
    return wrongKindMessage(kind, (type & FILE_TYPE.Directory) !== 0, shown);
  };
  return Object.assign(check, { stats });
}

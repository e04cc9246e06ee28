/*
 * URI paths for the web build, without vscode (the worker has none, and the tests run in Node):
 * folding '.' and '..', confinement to the workspace folders, FileType's bits.
 */

/** What the web code needs of a vscode.Uri (vscode.Uri satisfies it). */
export interface UriLike {
  readonly scheme: string;
  readonly authority: string;
  /** Decoded, '/'-separated. */
  readonly path: string;
  with(change: { path: string }): UriLike;
  toString(): string;
}

/** vscode.FileType's values (a link is reported with its target's type and this bit). */
export const FILE_TYPE = { File: 1, Directory: 2, SymbolicLink: 64 } as const;

/** A '/'-separated path with '.', '..' and empty segments folded; '..' at the root stays there (as path.posix.resolve). Always starts with '/'. */
export function foldPath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** True when the folded path `child` is `root` or below it. */
export function isInsidePath(child: string, root: string): boolean {
  const r = foldPath(root);
  return r === '/' || child === r || child.startsWith(`${r}/`);
}

/** The root among `roots` that holds `uri` (same scheme and authority, path inside; paths folded), if any. */
export function rootOf<U extends UriLike>(uri: UriLike, roots: readonly U[]): U | undefined {
  const p = foldPath(uri.path);
  return roots.find((r) => r.scheme === uri.scheme && r.authority.toLowerCase() === uri.authority.toLowerCase() && isInsidePath(p, r.path));
}

/** `written` (a relative path, '/'-separated) against the folder `dir`, folded. */
export function resolveUri<U extends UriLike>(dir: U, written: string): U {
  return dir.with({ path: foldPath(`${dir.path}/${written}`) }) as U;
}

/** The locations from just below `root` down to `uri` (inside it), one level deeper each, `uri` last. */
export function levelsBelow<U extends UriLike>(root: UriLike, uri: U): U[] {
  const base = foldPath(root.path).replace(/\/$/, '');
  const levels: U[] = [];
  let path = base;
  for (const seg of foldPath(uri.path).slice(base.length).split('/').filter((x) => x !== '')) {
    path += `/${seg}`;
    levels.push(uri.with({ path }) as U);
  }
  return levels;
}

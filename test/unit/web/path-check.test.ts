/** The web's data-path diagnostics (src/web/path-check.ts): confinement at once on URI paths, existence after an async stat. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PathStats, webPathChecker } from '../../../src/web/path-check';
import { FILE_TYPE, type UriLike } from '../../../src/web/uri';
import { TestUri } from './file-rpc-fakes';

/** A stat that answers when told to: paths (URI strings) → FileType bits; others fail. */
function deferredStat(types: Record<string, number>): { stat: (u: UriLike) => Promise<{ type: number }>; asked: string[]; land(): Promise<void> } {
  const asked: string[] = [];
  const pending: (() => void)[] = [];
  return {
    asked,
    stat: (u) => {
      asked.push(u.toString());
      return new Promise((resolve, reject) => pending.push(() => (u.toString() in types ? resolve({ type: types[u.toString()] }) : reject(new Error('FileNotFound')))));
    },
    async land() {
      for (const f of pending.splice(0)) f();
      await new Promise((r) => setImmediate(r));
    },
  };
}

const ROOT = TestUri.parse('vscode-remote://host/work/proj');
const DOC = TestUri.parse('vscode-remote://host/work/proj/models/m.nn.yaml');
const at = (rel: string): string => `${ROOT.toString()}/${rel}`;

test('web path check: an absolute path and one leaving the workspace are told at once, in the desktop words', () => {
  const s = deferredStat({});
  const check = webPathChecker({ docUri: DOC, roots: [ROOT], stat: s.stat, onResolved: () => assert.fail('no stat expected') });
  assert.equal(check('/etc/passwd', 'file'), "'/etc/passwd' must be a path relative to the model file, not an absolute one.");
  assert.equal(check('C:/data/x.csv', 'file'), "'C:/data/x.csv' must be a path relative to the model file, not an absolute one.");
  assert.equal(check('../../x.csv', 'file'), "'../../x.csv' leaves the workspace; data must stay inside it.");
  assert.equal(check('../../proj-other/x.csv', 'file'), "'../../proj-other/x.csv' leaves the workspace; data must stay inside it.", 'a sibling folder sharing the prefix');
  assert.deepEqual(s.asked, []);
});

test('web path check: a path not yet stat-ed gives no diagnostic, then its message once onResolved is called', async () => {
  const s = deferredStat({
    [at('data/x.csv')]: FILE_TYPE.File, [at('data')]: FILE_TYPE.Directory, [at('models')]: FILE_TYPE.Directory, [at('models/l.csv')]: FILE_TYPE.File | FILE_TYPE.SymbolicLink,
  });
  let resolved = 0;
  const check = webPathChecker({ docUri: DOC, roots: [ROOT], stat: s.stat, onResolved: () => resolved++ });
  const cases: [string, 'file' | 'directory' | 'any', string | undefined][] = [
    ['../data/x.csv', 'file', undefined],
    ['../data/./x.csv', 'directory', "'../data/./x.csv' is a file; a folder is expected here."],
    ['../data', 'file', "'../data' is a folder; a file is expected here."],
    ['../data', 'directory', undefined],
    ['none.csv', 'file', "No such file: 'none.csv' (looked for /work/proj/models/none.csv)."],
    ['none', 'directory', "No such directory: 'none' (looked for /work/proj/models/none)."],
    ['none', 'any', "No such file or folder: 'none' (looked for /work/proj/models/none)."],
    ['l.csv', 'file', "'l.csv' is a link; in the browser TrainLens follows no links (where they lead cannot be checked), so give the path of the data itself."],
  ];
  for (const [p, kind] of cases) assert.equal(check(p, kind), undefined, `${p}: nothing until the stat lands`);
  // Each level from the workspace folder down, asked at once: data, data/x.csv, models, models/none.csv, models/none, models/l.csv.
  assert.deepEqual(s.asked, ['data', 'data/x.csv', 'models', 'models/none.csv', 'models/none', 'models/l.csv'].map(at), 'one stat per location, however often it is asked');
  assert.equal(resolved, 0);
  await s.land();
  assert.equal(resolved, 14, 'every check that waited is told, once per location it waited on (2+2+1+1+2+2+2+2)');
  for (const [p, kind, message] of cases) assert.equal(check(p, kind), message, p);
  assert.equal(s.asked.length, 6, 'answered from the cache');
});

test('web path check: a folder on the way that is a link is named, as the file server refuses the path for it', async () => {
  const s = deferredStat({ [at('models')]: FILE_TYPE.Directory, [at('models/linked')]: FILE_TYPE.Directory | FILE_TYPE.SymbolicLink, [at('models/linked/x.csv')]: FILE_TYPE.File });
  const check = webPathChecker({ docUri: DOC, roots: [ROOT], stat: s.stat, onResolved: () => undefined });
  assert.equal(check('linked/x.csv', 'file'), undefined);
  await s.land();
  assert.equal(check('linked/x.csv', 'file'), "'linked/x.csv' goes through /work/proj/models/linked, a link; in the browser TrainLens follows no links (where they lead cannot be checked), so give the path of the data itself.");
  // A folder on the way that is missing: the data is missing, in the desktop's words.
  assert.equal(check('gone/x.csv', 'file'), undefined);
  await s.land();
  assert.equal(check('gone/x.csv', 'file'), "No such file: 'gone/x.csv' (looked for /work/proj/models/gone/x.csv).");
});

test('web path check: clearing the stats (files changed) asks again; a stat dropped by the clear re-runs its waiters', async () => {
  const types: Record<string, number> = {};
  const s = deferredStat(types);
  let resolved = 0;
  const stats = new PathStats(s.stat);
  const check = webPathChecker({ docUri: DOC, roots: [ROOT], stats, onResolved: () => resolved++ });
  assert.equal(check('x.csv', 'file'), undefined);
  await s.land();
  assert.match(check('x.csv', 'file') ?? '', /^No such file/);
  types[at('models/x.csv')] = FILE_TYPE.File;
  types[at('models')] = FILE_TYPE.Directory;
  assert.equal(check('y.csv', 'file'), undefined);
  stats.clear();
  assert.equal(resolved, 3, 'x.csv waited on models and models/x.csv (2); the check waiting on y.csv is re-run (1)');
  assert.equal(check('x.csv', 'file'), undefined, 'asked again');
  await s.land();
  assert.equal(check('x.csv', 'file'), undefined, 'there now');
  assert.equal(check.stats, stats);
});

test('web path check: a virtual workspace (vscode-vfs://github/owner/repo) is confined by scheme, authority and path', async () => {
  const root = TestUri.parse('vscode-vfs://github/owner/repo');
  const doc = TestUri.parse('vscode-vfs://github/owner/repo/m.nn.yaml');
  const s = deferredStat({ 'vscode-vfs://github/owner/repo/data': FILE_TYPE.Directory, 'vscode-vfs://github/owner/repo/data/iris.csv': FILE_TYPE.File });
  const check = webPathChecker({ docUri: doc, roots: [root], stat: s.stat, onResolved: () => undefined });
  assert.equal(check('../other/x.csv', 'file'), "'../other/x.csv' leaves the workspace; data must stay inside it.");
  assert.equal(check('data/iris.csv', 'file'), undefined);
  await s.land();
  assert.equal(check('data/iris.csv', 'file'), undefined);
  assert.deepEqual(s.asked, ['vscode-vfs://github/owner/repo/data', 'vscode-vfs://github/owner/repo/data/iris.csv']);
  // The same path in another repository or on another scheme is outside.
  const other = webPathChecker({ docUri: doc, roots: [TestUri.parse('vscode-vfs://github/owner/repo2'), TestUri.parse('file:///owner/repo')], stat: s.stat, onResolved: () => undefined });
  assert.equal(other('data/iris.csv', 'file'), "'data/iris.csv' leaves the workspace; data must stay inside it.");
});

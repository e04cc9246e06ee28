import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TabState } from '../../webview/tab-state';
import { TAB_IDS, TABS_HIDDEN_AT_FIRST, isTabId } from '../../src/panel/tabs';

test('tabs: the overview shows first; the others have never been shown', () => {
  const s = new TabState();
  assert.equal(s.selected, 'overview');
  assert.equal(s.index, 0);
  assert.ok(s.isShown('overview'));
  for (const id of TAB_IDS.filter((t) => t !== 'overview')) {
    assert.equal(s.isShown(id), false, id);
    assert.equal(s.wasShown(id), false, id);
  }
  for (const id of TABS_HIDDEN_AT_FIRST) assert.equal(s.isHeaderVisible(id), false, id);
  assert.deepEqual([...TABS_HIDDEN_AT_FIRST].sort(), ['landscape', 'mistakes', 'tune', 'weights']);
});

test('tabs: selecting a tab shows it once and for all, and its index is its place in TAB_IDS', () => {
  const s = new TabState();
  assert.equal(s.select('checks'), true);
  assert.equal(s.selected, 'checks');
  assert.equal(s.index, TAB_IDS.indexOf('checks'));
  assert.ok(s.isShown('checks') && !s.isShown('overview'));
  assert.equal(s.select('checks'), false, 'selecting the selected tab changes nothing');
  s.select('gradients');
  assert.ok(s.wasShown('checks') && s.wasShown('gradients') && !s.wasShown('activations'));
});

test('tabs: a hidden header cannot be selected; hiding the selected tab goes back to the overview', () => {
  const s = new TabState();
  assert.equal(s.select('weights'), false);
  assert.equal(s.selected, 'overview');
  assert.equal(s.setHeaderVisible('weights', true), false);
  assert.equal(s.select('weights'), true);
  assert.equal(s.setHeaderVisible('weights', false), true);
  assert.equal(s.selected, 'overview');
  assert.equal(s.setHeaderVisible('activations', false), false, 'hiding another tab leaves the selection');
});

test('tabs: the saved tab is restored; a hidden one once its header shows, unless the user chose another first', () => {
  const a = new TabState();
  a.restore('activations');
  assert.equal(a.selected, 'activations');

  const b = new TabState();
  b.restore('weights');
  assert.equal(b.selected, 'overview');
  assert.equal(b.setHeaderVisible('weights', true), true);
  assert.equal(b.selected, 'weights');

  const c = new TabState();
  c.restore('tune');
  c.select('checks');
  c.setHeaderVisible('tune', true);
  assert.equal(c.selected, 'checks');

  for (const junk of [undefined, null, 3, 'nope', { tab: 'checks' }]) {
    const d = new TabState();
    d.restore(junk);
    assert.equal(d.selected, 'overview', JSON.stringify(junk));
  }
  assert.ok(isTabId('findings') && !isTabId('Findings'));
});

test('tabs: onShown listeners run each time their tab is shown, after the selection', () => {
  const s = new TabState();
  const seen: string[] = [];
  s.onShown('checks', () => seen.push(`checks:${s.selected}`));
  s.onShown('overview', () => seen.push('overview'));
  s.select('checks');
  s.notifyShown();
  s.select('overview');
  s.notifyShown();
  s.select('checks');
  s.notifyShown();
  assert.deepEqual(seen, ['checks:checks', 'overview', 'checks:checks']);
});

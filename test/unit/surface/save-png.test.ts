import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHART_IDS, isWebviewToHost } from '../../../src/training/protocol';

test('Save PNG: the surface card is a chart the host accepts a PNG of, and only as a PNG', () => {
  assert.ok((CHART_IDS as readonly string[]).includes('surface'));
  assert.equal(isWebviewToHost({ type: 'savePng', chart: 'surface', dataUrl: 'data:image/png;base64,iVBORw0KGgo=' }), true);
  assert.equal(isWebviewToHost({ type: 'savePng', chart: 'surface', dataUrl: 'data:text/html;base64,PGgxPg==' }), false);
  assert.equal(isWebviewToHost({ type: 'savePng', chart: 'surfaces', dataUrl: 'data:image/png;base64,iVBORw0KGgo=' }), false);
});

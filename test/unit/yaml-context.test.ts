import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sectionOf, yamlContext } from '../../src/editor/language/yaml-context';

/** The context at the '|' in marked text. */
const at = (marked: string): ReturnType<typeof yamlContext> => yamlContext(marked.replace('|', ''), marked.indexOf('|'));

test('the nearest parent key by indentation', () => {
  const ctx = at('train:\n  epochs: 10\n  ba|\nloss: softmax\n');
  assert.ok(ctx);
  assert.deepEqual(ctx.path, ['train']);
  assert.equal(ctx.slot, 'key');
  assert.equal(ctx.prefix, 'ba');
  assert.deepEqual([...ctx.siblings], [['epochs', '10']]);
  assert.equal(ctx.flow, false);

  const nested = at('train:\n  schedule:\n    type: step\n    ev|\n  epochs: 5\n');
  assert.deepEqual(nested?.path, ['train', 'schedule']);
  assert.deepEqual([...nested!.siblings], [['type', 'step']]);

  // Back at column 0 after an indented block: the top level again.
  assert.deepEqual(at('train:\n  epochs: 10\nlo|')?.path, []);
  assert.equal(sectionOf(at('train:\n  epochs: 10\nlo|')!.path), 'top');
});

test('inside layers: after "- " is a new layer item', () => {
  const ctx = at('layers:\n  - dense: 10\n  - |\n');
  assert.ok(ctx);
  assert.deepEqual(ctx.path, ['layers', '-']);
  assert.equal(ctx.slot, 'key');
  assert.equal(ctx.prefix, '');
  assert.equal(ctx.siblings.size, 0);
  assert.equal(sectionOf(ctx.path), 'layer');

  // Indented under layers: without a dash yet: the list itself.
  assert.equal(sectionOf(at('layers:\n  |')!.path), 'layers');
  // The second key of an item sees the item's first key.
  const second = at('layers:\n  - dense: 10\n    act|\n');
  assert.deepEqual(second?.path, ['layers', '-']);
  assert.deepEqual([...second!.siblings], [['dense', '10']]);
});

test('after "optimizer: " the value of optimizer is being typed', () => {
  const empty = at('loss: softmax\noptimizer: |');
  assert.ok(empty);
  assert.deepEqual(empty.path, []);
  assert.equal(empty.slot, 'value');
  assert.equal(empty.key, 'optimizer');
  assert.equal(empty.prefix, '');

  const partial = at('optimizer: ad|m\n');
  assert.equal(partial?.slot, 'value');
  assert.equal(partial?.prefix, 'ad');
  // The whole word under the cursor is replaced.
  assert.equal(partial?.start, 'optimizer: '.length);
  assert.equal(partial?.end, 'optimizer: adm'.length);

  // In a flow mapping: the type's value, with the keys already written.
  const flow = at('optimizer: { lr: 0.01, type: |}');
  assert.equal(flow?.flow, true);
  assert.deepEqual(flow?.path, ['optimizer']);
  assert.equal(flow?.key, 'type');
  assert.equal(flow?.siblings.get('lr'), '0.01');
});

test('broken text is still read, and comments get nothing', () => {
  // An unclosed flow mapping in a half-written model.
  const conv = at('layers:\n  - conv: { filters: 16, si|\nloss: [');
  assert.ok(conv);
  assert.deepEqual(conv.path, ['layers', '-', 'conv']);
  assert.equal(conv.slot, 'key');
  assert.equal(conv.flow, true);
  assert.equal(conv.siblings.get('filters'), '16');

  // Text the YAML parser rejects (a stray colon, an unclosed bracket) above the cursor.
  const data = at('data:\n  dataset: : spiral\n  x: [1, 2\n  sam|');
  assert.deepEqual(data?.path, ['data']);
  assert.equal(data?.slot, 'key');

  assert.equal(at('loss: x # a comm|'), undefined, 'nothing in comments');
  assert.equal(at('a: b: c: |'), undefined, 'nothing where no key or value is being typed');
  assert.doesNotThrow(() => at('}}]]\n- - - :\n  "unclosed: |'));
  assert.doesNotThrow(() => yamlContext('', 0));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPR_MAX_CHARS, EXPR_MAX_DEPTH, EXPR_MAX_NODES, namesOf, parseExpression, type ExprError, type ExprNode } from '../../src/engine/circuit/expr';

function ok(text: string): ExprNode {
  const r = parseExpression(text);
  assert.ok(r.ok, r.ok ? '' : `${text}: ${r.error.message}`);
  return r.ast;
}

function error(text: string): ExprError {
  const r = parseExpression(text);
  assert.ok(!r.ok, `${text} parsed`);
  return r.error;
}

/** The tree written back with every operation in parentheses. */
function show(n: ExprNode): string {
  switch (n.kind) {
    case 'num': return String(n.value);
    case 'name': return n.name;
    case 'neg': return `(-${show(n.arg)})`;
    case 'binary': return `(${show(n.left)} ${{ add: '+', sub: '-', mul: '*', div: '/', pow: '^' }[n.op]} ${show(n.right)})`;
    case 'call': return `${n.fn}(${n.args.map(show).join(', ')})`;
  }
}

test('precedence: ^ (right-assoc) above unary minus above * / above + −; left-assoc otherwise', () => {
  const cases: Array<[string, string]> = [
    ['-x^2', '(-(x ^ 2))'],
    ['2^3^2', '(2 ^ (3 ^ 2))'],
    ['2^-1', '(2 ^ (-1))'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b / c', '((a / b) / c)'],
    ['a + b * c', '(a + (b * c))'],
    ['-a * b', '((-a) * b)'],
    ['--a', '(-(-a))'],
    ['(a + b) * c', '((a + b) * c)'],
    ['max(a, b + 1) ^ 2', '(max(a, (b + 1)) ^ 2)'],
    ['a − b · c × d ÷ e', '(a - (((b * c) * d) / e))'],
  ];
  for (const [text, tree] of cases) assert.equal(show(ok(text)), tree, text);
});

test('numbers: 1, 2.5, .5, 1e-3, 3E+2, 7.', () => {
  const values = ['1', '2.5', '.5', '1e-3', '3E+2', '7.'].map((t) => ok(t));
  assert.deepEqual(values.map((n) => (n.kind === 'num' ? n.value : NaN)), [1, 2.5, 0.5, 0.001, 300, 7]);
});

test('every node carries its [start, end) in the expression', () => {
  const a = ok(' (x + y) * exp(z) ');
  assert.equal(a.kind, 'binary');
  if (a.kind !== 'binary') return;
  assert.deepEqual([a.start, a.end, a.opStart], [1, 17, 9]);
  assert.deepEqual([a.left.start, a.left.end], [1, 8]);
  assert.deepEqual([a.right.start, a.right.end], [11, 17]);
  assert.equal(a.right.kind === 'call' && a.right.nameEnd, 14);
  assert.deepEqual([...namesOf(a)], [['x', [[2, 3]]], ['y', [[6, 7]]], ['z', [[15, 16]]]]);
  assert.deepEqual([...namesOf(ok('x * x + y * x'))].map(([n, s]) => [n, s.length]), [['x', 3], ['y', 1]]);
});

test('parse errors on the exact character, with a message saying what is wrong', () => {
  const cases: Array<[string, number, number, RegExp]> = [
    ['', 0, 0, /empty/],
    ['   ', 0, 0, /empty/],
    ['x +', 3, 3, /ends too soon/],
    ['(x + y', 6, 6, /Expected '\)' to close the '\(' at character 1/],
    ['x + y)', 5, 6, /'\(' was not opened/],
    ['x y', 2, 3, /operator is missing/],
    ['x + * y', 4, 5, /Unexpected '\*'/],
    ['foo(x)', 0, 3, /Unknown function 'foo'.*exp, log/],
    ['max(x)', 0, 6, /max takes 2 arguments; it is given 1/],
    ['exp(x, y)', 0, 9, /exp takes one argument; it is given 2/],
    ['exp(x y)', 6, 7, /Expected ',' or '\)' in the call of exp/],
    ['x + exp', 4, 7, /'exp' is a function/],
    ['x $ y', 2, 3, /'\$' has no meaning/],
    ['2x', 1, 2, /write a '\*'/],
    ['1e-', 1, 2, /'e' cannot follow the number 1/],
    ['1.2.3', 3, 4, /'\.' cannot follow/],
    ['+x', 0, 1, /no unary plus/],
    ['x ^ 😀', 4, 6, /'😀' has no meaning/],
    ['[x]', 0, 1, /Group with \( and \)/],
    ['x * 1e999', 4, 9, /1e999 is too large/],
  ];
  for (const [text, start, end, message] of cases) {
    const e = error(text);
    assert.deepEqual([e.start, e.end], [start, end], `${text}: ${e.message}`);
    assert.match(e.message, message, text);
  }
});

test('hostile input is an error, never a crash: 100,000 parentheses, deep nesting, too many nodes', () => {
  const long = error('('.repeat(100_000));
  assert.match(long.message, /100000 characters long; a circuit holds at most 4000/);
  assert.deepEqual([long.start, long.end], [EXPR_MAX_CHARS, 100_000]);
  const deep = error('('.repeat(EXPR_MAX_DEPTH + 1) + 'x' + ')'.repeat(EXPR_MAX_DEPTH + 1));
  assert.match(deep.message, /nests deeper than 200/);
  assert.deepEqual([deep.start, deep.end], [EXPR_MAX_DEPTH, EXPR_MAX_DEPTH + 1]);
  assert.equal(show(ok('('.repeat(EXPR_MAX_DEPTH) + 'x' + ')'.repeat(EXPR_MAX_DEPTH))), 'x');
  assert.match(error('-'.repeat(300) + 'x').message, /nests deeper/);
  assert.match(error('x^'.repeat(300) + 'x').message, /nests deeper/);
  assert.match(error('exp('.repeat(300) + 'x' + ')'.repeat(300)).message, /nests deeper/);
  // A flat sum is not nested, but it has too many nodes.
  const many = error(Array.from({ length: EXPR_MAX_NODES }, () => 'x').join('+'));
  assert.match(many.message, /more than 1000/);
  ok(Array.from({ length: 400 }, () => 'x').join('+'));
});

test('random strings over the language never throw, and every error lies inside the text', () => {
  const alphabet = ['x', 'y', '1', '.', 'e', '-', '+', '*', '/', '^', '(', ')', ',', ' ', 'exp', 'max', '−', '\n', '#', 'é'];
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  let parsed = 0;
  for (let i = 0; i < 5000; i++) {
    const text = Array.from({ length: 1 + rand(12) }, () => alphabet[rand(alphabet.length)]).join('');
    const r = parseExpression(text);
    if (r.ok) parsed++;
    else assert.ok(r.error.start >= 0 && r.error.start <= r.error.end && r.error.end <= text.length && r.error.message.length > 0, text);
  }
  assert.ok(parsed > 50, `${parsed} parsed`);
});

test('messages quote at most 40 characters of the expression', () => {
  for (const text of [`${'1'.repeat(300)}x`, `${'a'.repeat(300)}(x)`, `x ${'y'.repeat(300)}`, `${'9'.repeat(400)}`]) {
    const e = error(text);
    assert.ok(e.message.length < 300, e.message);
    assert.ok(!e.message.includes('1'.repeat(41)) && !e.message.includes('a'.repeat(41)) && !e.message.includes('y'.repeat(41)) && !e.message.includes('9'.repeat(41)), e.message);
  }
});

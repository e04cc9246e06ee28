/**
 * The expression language of a `circuit:` model file: numbers, named inputs, + − * / ^, unary −,
 * parentheses and the functions of CIRCUIT_FUNCTIONS. A tokenizer and a recursive-descent parser
 * whose every node carries its [start, end) offsets into the expression, and whose every error
 * names the exact character. Hard limits (length, nesting, node count) make hostile input an
 * error message, never a stack overflow.
 *
 * Precedence, tightest first: ^ (right-associative; its exponent may carry a unary minus), unary −,
 * * and /, + and − — so -x^2 is -(x^2) and 2^3^2 is 2^9, as in mathematics.
 */
import * as l10n from '@vscode/l10n';
import { excerpt } from '../excerpt';
import { CIRCUIT_FUNCTIONS } from './types';

/** The longest expression read, in characters. */
export const EXPR_MAX_CHARS = 4000;
/** The deepest nesting of parentheses, calls and unary minus. */
export const EXPR_MAX_DEPTH = 200;
/** The most nodes (numbers, names, operators, calls) an expression may hold. */
export const EXPR_MAX_NODES = 1000;

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow';

interface Span {
  /** Offset of the node's first character in the expression. */
  start: number;
  /** Offset just past its last character. */
  end: number;
}

export type ExprNode =
  | (Span & { kind: 'num'; value: number })
  | (Span & { kind: 'name'; name: string })
  | (Span & { kind: 'neg'; arg: ExprNode })
  /** `opStart` is the offset of the operator's character. */
  | (Span & { kind: 'binary'; op: BinaryOp; left: ExprNode; right: ExprNode; opStart: number })
  /** `fn` is a key of CIRCUIT_FUNCTIONS; `nameEnd` ends the function's name. */
  | (Span & { kind: 'call'; fn: string; args: ExprNode[]; nameEnd: number });

/** A parse error at [start, end) of the expression (an empty range at the end for "ended too soon"). */
export interface ExprError extends Span {
  message: string;
}

export type ParseResult = { ok: true; ast: ExprNode } | { ok: false; error: ExprError };

type TokenKind = 'num' | 'name' | 'op' | '(' | ')' | ',' | 'end';
interface Token extends Span {
  kind: TokenKind;
  /** The operator ('+', '-', '*', '/', '^') with − · × ÷ normalized; the name; the number's text. */
  text: string;
}

const OPERATORS: Record<string, string> = {
  '+': '+', '-': '-', '\u2212': '-', '*': '*', '\u00b7': '*', '\u00d7': '*', '/': '/', '\u00f7': '/', '^': '^',
};
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

/** Whether `name` is one of the functions an expression may call. */
export function isFunction(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(CIRCUIT_FUNCTIONS, name);
}

class ParseFailure extends Error {
  constructor(readonly error: ExprError) {
    super(error.message);
  }
}

function fail(start: number, end: number, message: string): never {
  throw new ParseFailure({ start, end, message });
}

/** The number starting at `i` (digits, one '.', an exponent), or an error at a malformed one. */
function scanNumber(text: string, i: number): Token {
  const start = i;
  while (i < text.length && DIGIT.test(text[i])) i++;
  if (text[i] === '.') {
    i++;
    while (i < text.length && DIGIT.test(text[i])) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    let j = i + 1;
    if (text[j] === '+' || text[j] === '-') j++;
    if (DIGIT.test(text[j] ?? '')) {
      i = j;
      while (i < text.length && DIGIT.test(text[i])) i++;
    }
  }
  if (i < text.length && (NAME_CHAR.test(text[i]) || text[i] === '.')) {
    fail(i, i + 1, l10n.t("'{0}' cannot follow the number {1}: write a '*' between a number and a name (2 * x), and digits after 'e' (1e-3).", text[i], excerpt(text.slice(start, i))));
  }
  if (!Number.isFinite(Number(text.slice(start, i)))) {
    fail(start, i, l10n.t('The number {0} is too large: a float64 holds at most about 1.8e308.', excerpt(text.slice(start, i))));
  }
  return { kind: 'num', text: text.slice(start, i), start, end: i };
}

/** The tokens of an expression, ending with an 'end' token at its length. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
    } else if (DIGIT.test(ch) || (ch === '.' && DIGIT.test(text[i + 1] ?? ''))) {
      const t = scanNumber(text, i);
      tokens.push(t);
      i = t.end;
    } else if (NAME_START.test(ch)) {
      const start = i;
      while (i < text.length && NAME_CHAR.test(text[i])) i++;
      tokens.push({ kind: 'name', text: text.slice(start, i), start, end: i });
    } else if (OPERATORS[ch] !== undefined) {
      tokens.push({ kind: 'op', text: OPERATORS[ch], start: i, end: i + 1 });
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch, text: ch, start: i, end: i + 1 });
      i++;
    } else {
      const cp = text.codePointAt(i)!;
      const width = cp > 0xffff ? 2 : 1;
      const hint = ch === '[' || ch === '{' ? l10n.t(' Group with ( and ).') : '';
      fail(i, i + width, l10n.t("'{0}' has no meaning in a circuit: it takes numbers, input names, + - * / ^, parentheses and the functions {1}.", excerpt(String.fromCodePoint(cp)), Object.keys(CIRCUIT_FUNCTIONS).join(', ')) + hint);
    }
  }
  tokens.push({ kind: 'end', text: '', start: text.length, end: text.length });
  return tokens;
}

/** How a token reads in a message. */
function shown(t: Token): string {
  return t.kind === 'end' ? l10n.t('the end of the expression') : `'${excerpt(t.text)}'`;
}

class Parser {
  private at = 0;
  private depth = 0;
  private nodes = 0;
  constructor(private readonly tokens: Token[]) {}

  private get peek(): Token {
    return this.tokens[this.at];
  }

  private next(): Token {
    return this.tokens[this.at++];
  }

  private isOp(...ops: string[]): boolean {
    return this.peek.kind === 'op' && ops.includes(this.peek.text);
  }

  private node<T extends ExprNode>(n: T): T {
    if (++this.nodes > EXPR_MAX_NODES) {
      fail(n.start, n.end, l10n.t('The expression has more than {0} numbers, names and operations; a circuit is drawn gate by gate, so keep it smaller.', EXPR_MAX_NODES));
    }
    return n;
  }

  /** Enters one level of nesting; too deep is an error at the token that goes deeper. */
  private enter(t: Token): void {
    if (++this.depth > EXPR_MAX_DEPTH) {
      fail(t.start, t.end, l10n.t('The expression nests deeper than {0} levels (parentheses, calls and minus signs).', EXPR_MAX_DEPTH));
    }
  }

  parseAll(): ExprNode {
    if (this.peek.kind === 'end') fail(0, 0, l10n.t('The circuit is empty: write an expression such as (x + y) * z.'));
    const ast = this.sum();
    const t = this.peek;
    if (t.kind !== 'end') {
      const why = t.kind === ')' ? l10n.t("'(' was not opened for this ')'.") : l10n.t('An operator is missing before it.');
      fail(t.start, t.end, l10n.t('Unexpected {0} after a complete expression. {1}', shown(t), why));
    }
    return ast;
  }

  private sum(): ExprNode {
    let left = this.product();
    while (this.isOp('+', '-')) {
      const op = this.next();
      const right = this.product();
      left = this.node({ kind: 'binary', op: op.text === '+' ? 'add' : 'sub', left, right, opStart: op.start, start: left.start, end: right.end });
    }
    return left;
  }

  private product(): ExprNode {
    let left = this.unary();
    while (this.isOp('*', '/')) {
      const op = this.next();
      const right = this.unary();
      left = this.node({ kind: 'binary', op: op.text === '*' ? 'mul' : 'div', left, right, opStart: op.start, start: left.start, end: right.end });
    }
    return left;
  }

  private unary(): ExprNode {
    if (!this.isOp('-')) return this.power();
    const minus = this.next();
    this.enter(minus);
    const arg = this.unary();
    this.depth--;
    return this.node({ kind: 'neg', arg, start: minus.start, end: arg.end });
  }

  private power(): ExprNode {
    const base = this.primary();
    if (!this.isOp('^')) return base;
    const op = this.next();
    this.enter(op);
    const exponent = this.unary(); // right-associative: 2^3^2 = 2^(3^2); 2^-1 allowed
    this.depth--;
    return this.node({ kind: 'binary', op: 'pow', left: base, right: exponent, opStart: op.start, start: base.start, end: exponent.end });
  }

  private primary(): ExprNode {
    const t = this.next();
    switch (t.kind) {
      case 'num': return this.node({ kind: 'num', value: Number(t.text), start: t.start, end: t.end });
      case 'name':
        if (this.peek.kind === '(') return this.call(t);
        if (isFunction(t.text)) fail(t.start, t.end, l10n.t("'{0}' is a function: call it as {0}(…).", t.text));
        return this.node({ kind: 'name', name: t.text, start: t.start, end: t.end });
      case '(': {
        this.enter(t);
        const inner = this.sum();
        this.depth--;
        const close = this.next();
        if (close.kind !== ')') fail(close.start, close.end, l10n.t("Expected ')' to close the '(' at character {0}, found {1}.", t.start + 1, shown(close)));
        // A gate's span takes in its parentheses, so the gate around it does too; a name keeps its own.
        return inner.kind === 'name' || inner.kind === 'num' ? inner : { ...inner, start: t.start, end: close.end };
      }
      default: {
        const what = t.kind === 'end'
          ? l10n.t('The expression ends too soon: a number, a name or ( is missing.')
          : t.kind === 'op' && t.text === '+'
            ? l10n.t("Unexpected '+': a number, a name or ( belongs here (there is no unary plus).")
            : l10n.t('Unexpected {0}: a number, a name or ( belongs here.', shown(t));
        return fail(t.start, t.end, what);
      }
    }
  }

  private call(name: Token): ExprNode {
    const arity = isFunction(name.text) ? CIRCUIT_FUNCTIONS[name.text] : undefined;
    if (arity === undefined) {
      fail(name.start, name.end, l10n.t("Unknown function '{0}'. A circuit calls {1}.", excerpt(name.text), Object.keys(CIRCUIT_FUNCTIONS).join(', ')));
    }
    const open = this.next();
    this.enter(open);
    const args: ExprNode[] = [];
    if (this.peek.kind !== ')') {
      args.push(this.sum());
      while (this.peek.kind === ',') {
        this.next();
        args.push(this.sum());
      }
    }
    this.depth--;
    const close = this.next();
    if (close.kind !== ')') {
      fail(close.start, close.end, l10n.t("Expected ',' or ')' in the call of {0} opened at character {1}, found {2}.", name.text, open.start + 1, shown(close)));
    }
    if (args.length !== arity) {
      const takes = arity === 1 ? l10n.t('{0} takes one argument', name.text) : l10n.t('{0} takes {1} arguments', name.text, arity);
      fail(name.start, close.end, l10n.t('{0}; it is given {1}.', takes, args.length));
    }
    return this.node({ kind: 'call', fn: name.text, args, nameEnd: name.end, start: name.start, end: close.end });
  }
}

/** Parses an expression. Never throws: a problem is an error located in the expression. */
export function parseExpression(text: string): ParseResult {
  if (text.length > EXPR_MAX_CHARS) {
    return { ok: false, error: { start: EXPR_MAX_CHARS, end: text.length, message: l10n.t('The expression is {0} characters long; a circuit holds at most {1}.', text.length, EXPR_MAX_CHARS) } };
  }
  try {
    return { ok: true, ast: new Parser(tokenize(text)).parseAll() };
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, error: e.error };
    throw e;
  }
}

/** Each distinct input name, in order of first appearance, with the span of every occurrence. */
export function namesOf(ast: ExprNode): Map<string, Array<[number, number]>> {
  const out = new Map<string, Array<[number, number]>>();
  const stack: ExprNode[] = [ast]; // depth-first, left to right: reading order
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === 'name') {
      if (out.has(n.name)) out.get(n.name)!.push([n.start, n.end]);
      else out.set(n.name, [[n.start, n.end]]);
    } else if (n.kind === 'neg') stack.push(n.arg);
    else if (n.kind === 'binary') stack.push(n.right, n.left);
    else if (n.kind === 'call') stack.push(...[...n.args].reverse());
  }
  return out;
}

/** How the circuit writes its numbers: compact, with a true minus sign, as the lesson prints them. */

const MINUS = '\u2212';

/**
 * Four significant digits without trailing zeros ("−0.2" for −0.19999999, "0.1966", "−12", "3"),
 * exponential below 1e-3 and from 1e5 on ("1.2e-5", "3.46e7"); 0 for ±0; "∞", "−∞", "NaN".
 */
export function cnum(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : `${MINUS}∞`;
  if (x === 0) return '0';
  const a = Math.abs(x);
  let s: string;
  if (a < 1e-3 || a >= 1e5) {
    const [mantissa, exponent] = a.toExponential(3).split('e');
    s = `${trimZeros(mantissa)}e${exponent.replace('+', '')}`;
  } else {
    s = String(Number(a.toPrecision(4)));
  }
  return x < 0 ? `${MINUS}${s}` : s;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** A number inside a product or sum: negative ones in parentheses ("3 × (−4)"). */
export function operand(x: number): string {
  const s = cnum(x);
  return s.startsWith(MINUS) ? `(${s})` : s;
}

import type { SanityReport } from '../engine/sanity';

/** `trainlens sanity --json`: one check line per check, then the sanity line. */
export function sanityJsonLines(r: SanityReport): string[] {
  return [
    ...r.checks.map((c) => JSON.stringify({ type: 'check', name: c.name, pass: c.pass, expected: c.expected, measured: c.measured, advice: c.advice })),
    JSON.stringify({ type: 'sanity', pass: r.pass }),
  ];
}

/** A figure as the table shows it: 4 significant digits, exponent form when tiny or huge. */
function figure(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5) ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}

/** `trainlens sanity`: a table of check, verdict, expected, measured; each check's advice under it. */
export function sanityText(r: SanityReport, name: string): string[] {
  const width = Math.max(...r.checks.map((c) => c.name.length), 'check'.length);
  const lines = [`${'check'.padEnd(width)}  result  ${'expected'.padStart(10)}  ${'measured'.padStart(10)}`];
  for (const c of r.checks) {
    lines.push(`${c.name.padEnd(width)}  ${(c.pass ? 'pass' : 'FAIL').padEnd(6)}  ${figure(c.expected).padStart(10)}  ${figure(c.measured).padStart(10)}`);
    lines.push(`${' '.repeat(width + 2)}${c.advice}`);
    for (const l of c.layers ?? []) lines.push(`${' '.repeat(width + 4)}${l.name}: median ${figure(l.median)}${l.pass ? '' : ' (outside the band)'}`);
  }
  lines.push(`${name}: ${r.pass ? 'every check passed' : `${r.checks.filter((c) => !c.pass).length} of ${r.checks.length} checks failed`}`);
  return lines;
}

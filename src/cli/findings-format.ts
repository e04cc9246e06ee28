import type { Finding } from '../training/doctor-types';

/** `trainlens train --json`: one finding line per finding (code, step, layer, message; then the rest). */
export function findingJsonLines(findings: readonly Finding[]): string[] {
  return findings.map((f) => JSON.stringify({
    type: 'finding', code: f.code, step: f.step, layer: f.layer, message: f.message,
    severity: f.severity, target: f.target, measured: Number.isFinite(f.measured) ? f.measured : null, threshold: f.threshold,
    fixes: f.fixes.map((x) => x.title ?? x.kind),
  }));
}

/** `trainlens train`: the findings after the summary, each with its place, message and fixes (nothing without findings). */
export function findingsText(findings: readonly Finding[]): string[] {
  if (findings.length === 0) return [];
  const lines = [`doctor: ${findings.length} finding${findings.length === 1 ? '' : 's'}`];
  for (const f of findings) {
    const where = f.layer === null ? '' : ` layers[${f.layer}]`;
    lines.push(`  ${f.severity === 'warning' ? 'warning' : 'hint'} ${f.code}${where} at step ${f.step}: ${f.message}`);
    if (f.fixes.length > 0) lines.push(`    fix: ${f.fixes.map((x) => x.title ?? x.kind).join(' | ')}`);
  }
  return lines;
}

/** A one-line progress bar for a TTY, redrawn in place. */
export class ProgressBar {
  private lastLength = 0;
  constructor(private readonly out: NodeJS.WriteStream, private readonly label: string) {}

  /** A network run's line. `acc`: the last epoch's train accuracy; `r2`: for regression, its train R² instead. */
  update(step: number, totalSteps: number, epoch: number, epochs: number, loss: number | undefined, acc: number | undefined, samplesPerSec: number, r2?: number): void {
    this.draw(step, totalSteps, [
      `epoch ${epoch}/${epochs}`,
      loss !== undefined ? `loss ${loss.toFixed(4)}` : '',
      acc !== undefined ? `acc ${(acc * 100).toFixed(1)}%` : '',
      r2 !== undefined ? `R² ${r2.toFixed(4)}` : '',
      `${Math.round(samplesPerSec).toLocaleString('en-US')} samples/s`,
    ]);
  }

  /** The label, the bar at step/totalSteps and its percentage, then `fields` (empty ones left out), cut to the terminal's width. */
  draw(step: number, totalSteps: number, fields: readonly string[]): void {
    const width = 24;
    const frac = totalSteps > 0 ? Math.min(1, step / totalSteps) : 0;
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const line = [`${this.label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}%`, ...fields].filter(Boolean).join('  ');
    const columns = this.out.columns || 120;
    const shown = line.length > columns - 1 ? line.slice(0, columns - 1) : line;
    this.out.write('\r' + shown + ' '.repeat(Math.max(0, this.lastLength - shown.length)));
    this.lastLength = shown.length;
  }

  finish(): void {
    if (this.lastLength > 0) this.out.write('\r' + ' '.repeat(this.lastLength) + '\r');
  }
}

/**
 * Exponential moving average as TensorBoard draws it: debiased, so the first points are not
 * pulled toward zero. weight 0 is no smoothing.
 */
export class Ema {
  private last = 0;
  private count = 0;
  constructor(private readonly weight: number) {}

  push(y: number): number {
    if (!Number.isFinite(y)) return y;
    this.last = this.last * this.weight + (1 - this.weight) * y;
    this.count++;
    return this.last / (1 - Math.pow(this.weight, this.count));
  }
}

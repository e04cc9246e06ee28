/** A set of event listeners: one that throws is logged, and the others still hear the event. */
export class Listeners<E> {
  private readonly set = new Set<(e: E) => void>();

  /** `what` names the emitter in the log line, e.g. "run" → "a run listener failed". */
  constructor(private readonly what: string) {}

  add(listener: (e: E) => void): { dispose(): void } {
    this.set.add(listener);
    return { dispose: () => this.set.delete(listener) };
  }

  emit(e: E): void {
    for (const l of this.set) {
      try {
        l(e);
      } catch (err) {
        console.error(`TrainLens: a ${this.what} listener failed`, err);
      }
    }
  }

  clear(): void {
    this.set.clear();
  }
}
